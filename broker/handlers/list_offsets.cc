// broker/handlers/list_offsets.cc
//
// ListOffsets v1-10, as Kafka 4.0's KafkaApis.handleListOffsetRequest and
// ReplicaManager.fetchOffsetForTimestamp answer them on the leader:
//   -1 LATEST: the high watermark (read_uncommitted) or last stable offset
//      (read_committed) for a consumer (replica_id -1); the log end offset for
//      any other replica id. Timestamp -1.
//   -2 EARLIEST and -4 EARLIEST_LOCAL (v8+): the log start offset (no tiered
//      storage, so local and remote start are the same).
//   -3 MAX_TIMESTAMP (v7+): the record with the largest timestamp.
//   -5 LATEST_TIERED (v9+): offset -1, epoch -1 (Kafka without remote storage).
//   other: the first record with a timestamp at or after it.
// Found offsets at or above the last fetchable offset are not returned
// (timestamp -1, offset -1), nor is anything when no record qualifies.
// A special timestamp below the version that introduced it is
// UNSUPPORTED_VERSION. current_leader_epoch (v4+) other than -1 or 0:
// FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer. A
// partition listed twice: INVALID_REQUEST for each time.
#include <map>
#include <utility>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/base/logging.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("list_offsets");

constexpr int32_t kConsumerReplicaId = -1;
constexpr int32_t kLeaderEpoch = 0;
constexpr int64_t kLatestTimestamp = -1;
constexpr int64_t kEarliestTimestamp = -2;
constexpr int64_t kMaxTimestamp = -3;
constexpr int64_t kEarliestLocalTimestamp = -4;
constexpr int64_t kLatestTieredTimestamp = -5;

using PartitionResponse = ListOffsetsResponse::ListOffsetsPartitionResponse;

// Only our own failures reach here: every Kafka outcome is decided before.
ErrorCode ToListOffsetsError(const Status&) { return ErrorCode::kUnknownServerError; }

ErrorCode CheckLeaderEpoch(int32_t current_leader_epoch) {
  if (current_leader_epoch == -1 || current_leader_epoch == kLeaderEpoch) return ErrorCode::kNone;
  return current_leader_epoch < kLeaderEpoch ? ErrorCode::kFencedLeaderEpoch
                                             : ErrorCode::kUnknownLeaderEpoch;
}

// The version that introduced a special timestamp; 0 for ordinary ones.
int16_t MinVersionFor(int64_t timestamp) {
  switch (timestamp) {
    case kMaxTimestamp: return 7;
    case kEarliestLocalTimestamp: return 8;
    case kLatestTieredTimestamp: return 9;
    default: return 0;
  }
}

PartitionResponse ListPartition(RequestContext& ctx, const ListOffsetsRequest& req,
                                const std::string& topic,
                                const ListOffsetsRequest::ListOffsetsPartition& wanted) {
  PartitionResponse resp{.partition_index = wanted.partition_index};
  std::shared_ptr<storage::PartitionLog> log =
      ctx.broker().logs().Partition(topic, wanted.partition_index);
  if (!log) {
    resp.error_code = ErrorCode::kUnknownTopicOrPartition;
    return resp;
  }
  if (ErrorCode e = CheckLeaderEpoch(wanted.current_leader_epoch); e != ErrorCode::kNone) {
    resp.error_code = e;
    return resp;
  }
  if (ctx.api_version() < MinVersionFor(wanted.timestamp)) {
    resp.error_code = ErrorCode::kUnsupportedVersion;
    return resp;
  }
  const bool consumer = req.replica_id == kConsumerReplicaId;
  const int64_t last_fetchable = !consumer                  ? log->log_end_offset()
                                 : req.isolation_level == 1 ? log->last_stable_offset()
                                                            : log->high_watermark();
  switch (wanted.timestamp) {
    case kLatestTimestamp:
      resp.offset = last_fetchable;
      resp.leader_epoch = kLeaderEpoch;
      return resp;
    case kEarliestTimestamp:
    case kEarliestLocalTimestamp:
      resp.offset = log->log_start_offset();
      resp.leader_epoch = kLeaderEpoch;
      return resp;
    case kLatestTieredTimestamp: return resp;  // offset -1, epoch -1: no remote storage
    default: break;
  }
  Result<std::optional<storage::TimestampOffset>> found =
      wanted.timestamp == kMaxTimestamp ? log->MaxTimestamp()
                                        : log->OffsetForTimestamp(wanted.timestamp);
  if (!found.ok()) {
    kLog.Error("listing offsets of ", topic, "-", wanted.partition_index, ": ",
               found.status().ToString());
    resp.error_code = ToListOffsetsError(found.status());
    return resp;
  }
  if (*found && (*found)->offset >= 0 && (*found)->offset < last_fetchable) {
    resp.timestamp = (*found)->timestamp;
    resp.offset = (*found)->offset;
    resp.leader_epoch = kLeaderEpoch;
  }
  return resp;
}

}  // namespace

asio::awaitable<ListOffsetsResponse> HandleListOffsets(RequestContext& ctx,
                                                       ListOffsetsRequest req) {
  std::map<std::pair<std::string, int32_t>, int> seen;
  for (const auto& topic : req.topics) {
    for (const auto& partition : topic.partitions) ++seen[{topic.name, partition.partition_index}];
  }
  ListOffsetsResponse resp;
  for (const auto& topic : req.topics) {
    auto& topic_resp = resp.topics.emplace_back();
    topic_resp.name = topic.name;
    for (const auto& partition : topic.partitions) {
      if (seen[{topic.name, partition.partition_index}] > 1) {
        topic_resp.partitions.push_back({.partition_index = partition.partition_index,
                                         .error_code = ErrorCode::kInvalidRequest});
        continue;
      }
      topic_resp.partitions.push_back(ListPartition(ctx, req, topic.name, partition));
    }
  }
  co_return resp;
}

}  // namespace brook::broker
