// broker/handlers/fetch.cc
//
// Fetch v4-17 for consumers: whole record batches from each partition's log,
// up to the high watermark (read_uncommitted) or the last stable offset
// (read_committed, with the aborted transactions of the returned range).
// Sizes as Kafka's ReplicaManager.readFromLog: each partition reads at most
// min(partition_max_bytes, what is left of the response's max_bytes), and the
// first partition that returns data always gets at least one whole batch
// (minOneMessage), however large. A fetch that finds fewer than min_bytes
// parks on FetchWaiters for up to max_wait_ms and reads again when an append
// to one of its partitions wakes it (DelayedFetch).
//
// Fetch sessions (KIP-227) are not supported, as a broker whose session cache
// is full: a full fetch (session epoch 0 or -1, whatever the session id) is
// answered with session_id 0, so the client stays sessionless; an incremental
// fetch (any other epoch) names a session that cannot exist and gets
// FETCH_SESSION_ID_NOT_FOUND with no partitions, after which the client
// sends a full fetch. forgotten_topics_data only matters to sessions: ignored.
//
// Followers do not exist: a fetch with replica_id >= 0 is refused per
// partition as Kafka refuses a replica outside the assignment
// (UNKNOWN_LEADER_EPOCH when it names a leader epoch, NOT_LEADER_OR_FOLLOWER
// when not). Every partition's leader epoch is 0, so a current_leader_epoch
// above 0 is UNKNOWN_LEADER_EPOCH; last_fetched_epoch (divergence checks for
// followers) is ignored.
//
// Records of at least kMinSpliceBytes read from a segment file stay there:
// the response holds a FileRange and the connection sends it with
// sendfile(2) (Kafka's zero-copy path). Smaller reads, and the memory
// broker's files, are copied into the response.
#include <algorithm>
#include <asio/this_coro.hpp>
#include <chrono>
#include <memory>
#include <system_error>

#include "broker/broker.h"
#include "broker/fetch_waiters.h"
#include "broker/handler_table.h"
#include "broker/handlers/handlers.h"
#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("fetch");

// Kafka's fetch.max.bytes default: the broker's cap on one response.
constexpr int64_t kFetchMaxBytes = 55 * 1024 * 1024;

// storage::Errc (and I/O errors) from PartitionLog::Read as Kafka answers them.
ErrorCode ToFetchError(const Status& s) {
  if (s.code() == storage::Errc::kOffsetOutOfRange) return ErrorCode::kOffsetOutOfRange;
  // A log closed under the read: its topic was just deleted.
  if (s.code() == storage::Errc::kInvalidArgument || s.code() == storage::Errc::kNotFound) {
    return ErrorCode::kUnknownTopicOrPartition;
  }
  if (s.code().category() == std::system_category() ||
      s.code().category() == std::generic_category() || s.code() == storage::Errc::kCorruptBatch) {
    return ErrorCode::kKafkaStorageError;  // the disk failed us, as Kafka's KafkaStorageException
  }
  return ErrorCode::kUnknownServerError;  // ours: the caller logs it
}

FetchResponse::PartitionData ErrorPartition(int32_t partition, ErrorCode error) {
  FetchResponse::PartitionData data;
  data.partition_index = partition;
  data.error_code = error;
  data.high_watermark = -1;
  data.last_stable_offset = -1;
  data.log_start_offset = -1;
  data.records = std::string();
  return data;
}

// One requested partition, resolved once per request.
struct Target {
  size_t topic_index = 0;  // in the response
  std::string topic;       // the name, also for v13+ requests by id
  FetchRequest::FetchPartition request;
  bool topic_exists = false;
  std::shared_ptr<storage::PartitionLog> log;  // null: `error` says why
  ErrorCode error = ErrorCode::kNone;
};

struct Plan {
  FetchResponse skeleton;  // topics in request order, partitions not yet filled
  std::vector<Target> targets;
  storage::IsolationLevel isolation = storage::IsolationLevel::kReadUncommitted;
  int64_t max_bytes = 0;
};

Plan MakePlan(Broker& broker, const FetchRequest& req, int16_t version) {
  Plan plan;
  plan.isolation = req.isolation_level == 1 ? storage::IsolationLevel::kReadCommitted
                                            : storage::IsolationLevel::kReadUncommitted;
  plan.max_bytes = std::clamp<int64_t>(req.max_bytes, 0, kFetchMaxBytes);
  const int32_t replica_id = version >= 15 ? req.replica_state.replica_id : req.replica_id;
  const bool from_follower = replica_id >= 0;
  for (const FetchRequest::FetchTopic& wanted : req.topics) {
    auto& topic = plan.skeleton.responses.emplace_back();
    topic.topic = wanted.topic;
    topic.topic_id = wanted.topic_id;
    std::optional<storage::TopicInfo> info = version >= 13
                                                 ? broker.logs().TopicById(wanted.topic_id)
                                                 : broker.logs().Topic(wanted.topic);
    const ErrorCode topic_error =
        info ? ErrorCode::kNone
             : (version >= 13 ? ErrorCode::kUnknownTopicId : ErrorCode::kUnknownTopicOrPartition);
    for (const FetchRequest::FetchPartition& p : wanted.partitions) {
      Target& target = plan.targets.emplace_back();
      target.topic_index = plan.skeleton.responses.size() - 1;
      target.topic = info ? info->name : wanted.topic;
      target.request = p;
      target.topic_exists = info.has_value();
      if (topic_error != ErrorCode::kNone) {
        target.error = topic_error;
        continue;
      }
      target.log = broker.logs().Partition(info->name, p.partition);
      if (target.log == nullptr) {
        target.error = ErrorCode::kUnknownTopicOrPartition;
      } else if (p.current_leader_epoch > 0) {
        target.error = ErrorCode::kUnknownLeaderEpoch;  // newer than ours (always 0)
      } else if (from_follower) {
        target.error = p.current_leader_epoch >= 0 ? ErrorCode::kUnknownLeaderEpoch
                                                   : ErrorCode::kNotLeaderOrFollower;
      }
      if (target.error != ErrorCode::kNone) target.log = nullptr;
    }
  }
  return plan;
}

struct ReadOutcome {
  FetchResponse response;
  int64_t bytes = 0;
  // A partition failed on a readable log: answer now, as Kafka's
  // errorReadingData (unknown topics do not count; they were never readable).
  bool error_reading = false;
  bool any_readable = false;
};

ReadOutcome ReadAll(const Plan& plan, const std::string& peer) {
  ReadOutcome out;
  out.response = plan.skeleton;
  int64_t limit = plan.max_bytes;
  bool min_one_batch = true;
  for (const Target& target : plan.targets) {
    auto& partitions = out.response.responses[target.topic_index].partitions;
    const int32_t index = target.request.partition;
    if (target.log == nullptr) {
      partitions.push_back(ErrorPartition(index, target.error));
      if (target.topic_exists) out.error_reading = true;
      continue;
    }
    out.any_readable = true;
    const int64_t max_bytes =
        std::min<int64_t>(std::max<int32_t>(target.request.partition_max_bytes, 0), limit);
    Result<storage::ReadResult> read =
        target.log->Read(target.request.fetch_offset, static_cast<size_t>(max_bytes),
                         plan.isolation, kMinSpliceBytes);
    if (!read.ok()) {
      ErrorCode error = ToFetchError(read.status());
      if (error == ErrorCode::kUnknownServerError || error == ErrorCode::kKafkaStorageError) {
        kLog.Error("fetch ", target.topic, "-", index, " at ", target.request.fetch_offset, " for ",
                   peer, ": ", read.status().ToString());
      }
      FetchResponse::PartitionData data = ErrorPartition(index, error);
      if (error == ErrorCode::kOffsetOutOfRange) {
        // Kafka sends -1 here; the offsets help a client that logs them.
        data.high_watermark = target.log->high_watermark();
        data.last_stable_offset = target.log->last_stable_offset();
        data.log_start_offset = target.log->log_start_offset();
      }
      partitions.push_back(std::move(data));
      out.error_reading = true;
      continue;
    }
    FetchResponse::PartitionData data;
    data.partition_index = index;
    data.high_watermark = read->high_watermark;
    data.last_stable_offset = read->last_stable_offset;
    data.log_start_offset = read->log_start_offset;
    data.preferred_read_replica = -1;
    if (plan.isolation == storage::IsolationLevel::kReadCommitted) {
      std::vector<FetchResponse::AbortedTransaction> aborted;
      aborted.reserve(read->aborted.size());
      for (const storage::AbortedTxn& txn : read->aborted) {
        aborted.push_back({.producer_id = txn.producer_id, .first_offset = txn.first_offset});
      }
      data.aborted_transactions = std::move(aborted);
    } else {
      data.aborted_transactions = std::nullopt;  // as Kafka: null for read_uncommitted
    }
    // The log hands out at least one batch; past the first partition with
    // data, one that does not fit waits for a later fetch.
    const auto size = static_cast<int64_t>(read->size());
    if (size > max_bytes && !min_one_batch) {
      data.records = std::string();
      if (plan.isolation == storage::IsolationLevel::kReadCommitted) {
        data.aborted_transactions = std::vector<FetchResponse::AbortedTransaction>{};
      }
    } else {
      data.records = std::move(read->records);
      data.file_records = std::move(read->file_range);
      if (size > 0) {
        min_one_batch = false;
        limit = std::max<int64_t>(0, limit - size);
        out.bytes += size;
      }
    }
    partitions.push_back(std::move(data));
  }
  return out;
}

// Every partition of the request with `error`, and the top-level error (v7+);
// Kafka's FetchRequest.getErrorResponse.
FetchResponse ErrorResponse(const FetchRequest& req, ErrorCode error) {
  FetchResponse resp;
  resp.error_code = error;
  for (const FetchRequest::FetchTopic& wanted : req.topics) {
    auto& topic = resp.responses.emplace_back();
    topic.topic = wanted.topic;
    topic.topic_id = wanted.topic_id;
    for (const FetchRequest::FetchPartition& p : wanted.partitions) {
      topic.partitions.push_back(ErrorPartition(p.partition, error));
    }
  }
  return resp;
}

}  // namespace

asio::awaitable<FetchResponse> HandleFetch(RequestContext& ctx, FetchRequest req) {
  const int16_t version = ctx.api_version();
  if (version >= 7 && req.session_epoch != 0 && req.session_epoch != -1) {
    // Incremental fetch of a session this broker never created.
    co_return FetchResponse{.error_code = ErrorCode::kFetchSessionIdNotFound, .session_id = 0};
  }
  if (req.isolation_level != 0 && req.isolation_level != 1) {
    // Kafka fails such a request while parsing it (UNKNOWN_SERVER_ERROR); say what it is.
    co_return ErrorResponse(req, ErrorCode::kInvalidRequest);
  }
  Broker& broker = ctx.broker();
  const Plan plan = MakePlan(broker, req, version);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(req.max_wait_ms, 0));
  auto done = [&](const ReadOutcome& r) {
    return req.max_wait_ms <= 0 || !r.any_readable || r.error_reading || r.bytes >= req.min_bytes ||
           std::chrono::steady_clock::now() >= deadline;
  };
  ReadOutcome outcome = ReadAll(plan, ctx.peer());
  if (done(outcome)) co_return std::move(outcome.response);

  std::vector<FetchWaiters::TopicPartition> watched;
  for (const Target& target : plan.targets) {
    if (target.log != nullptr) watched.emplace_back(target.topic, target.request.partition);
  }
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  for (;;) {
    // Register, then look again: an append between the last read and the
    // registration is seen now, one after it wakes the wait.
    FetchWaiters::Parked parked = broker.fetch_waiters().Park(executor, watched);
    outcome = ReadAll(plan, ctx.peer());
    if (done(outcome)) co_return std::move(outcome.response);
    co_await parked.Wait(deadline);
  }
}

}  // namespace brook::broker
