// client/fetcher.cc
#include "client/fetcher.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <exception>
#include <queue>
#include <system_error>
#include <unordered_set>

#include "protocol/base/logging.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/record_batch.h"

namespace brook::client {
namespace {

const Logger kLog("client.fetcher");

using Clock = std::chrono::steady_clock;

constexpr int64_t kEarliestTimestamp = -2;
constexpr int64_t kLatestTimestamp = -1;
// Responses a partition may have buffered and still be fetched again: each
// holds up to max.partition.fetch.bytes (or one batch), so the next one is on
// its way while poll() drains the last.
constexpr size_t kMaxResponsesAhead = 2;
// Decompressed bytes one batch may expand to.
constexpr size_t kMaxUncompressedBatchBytes = size_t{1} << 30;

Status NotAssigned(const TopicPartition& tp) {
  return Status(std::make_error_code(std::errc::invalid_argument),
                "partition " + tp.topic + "-" + std::to_string(tp.partition) +
                    " is not assigned to this consumer");
}

// Java's InvalidMetadataException family and the fetch errors that mean the
// leader moved: refresh and fetch again.
bool NeedsMetadata(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kUnknownTopicId:
    case ErrorCode::kInconsistentTopicId:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch:
    case ErrorCode::kOffsetNotAvailable: return true;
    default: return false;
  }
}

const LogEscaped kEscaped{kLog, "fetcher coroutine"};

bool IsAbortMarker(const RecordBatchView& batch) {
  if (!batch.header().is_control() || batch.header().record_count < 1) return false;
  Result<EndTransactionMarker> marker = ReadEndTransactionMarker(batch);
  return marker.ok() && marker->type == ControlRecordType::kAbort;
}

// The one copy of a record's bytes: from the fetched batch into the
// ConsumerRecord's strings.
ConsumerRecord MakeConsumerRecord(const std::string& topic, int32_t partition,
                                  const RecordBatchHeader& header, const RecordView& r) {
  ConsumerRecord record{.topic = topic,
                        .partition = partition,
                        .offset = header.record_offset(r.offset_delta),
                        .timestamp = header.record_timestamp(r.timestamp_delta),
                        .timestamp_type = header.timestamp_type(),
                        .leader_epoch = header.partition_leader_epoch};
  if (r.key) record.key.emplace(*r.key);
  if (r.value) record.value.emplace(*r.value);
  if (!r.headers.empty()) {
    record.headers.reserve(r.headers.size());
    for (const RecordHeaderView& h : r.headers) {
      RecordHeader& copy = record.headers.emplace_back();
      copy.key.assign(h.key);
      if (h.value) copy.value.emplace(*h.value);
    }
  }
  return record;
}

}  // namespace

FramedFetch FrameFetchedRecords(int64_t fetch_offset, std::string_view records,
                                IsolationLevel isolation, int64_t last_stable_offset,
                                const std::vector<FetchResponse::AbortedTransaction>& aborted) {
  FramedFetch out;
  out.next_offset = fetch_offset;
  bool read_committed = isolation == IsolationLevel::kReadCommitted;
  // Aborted transactions by first offset; a producer joins aborted_producers
  // once a batch reaches its transaction's first offset, and leaves at its
  // abort marker.
  auto later = [](const FetchResponse::AbortedTransaction& a,
                  const FetchResponse::AbortedTransaction& b) {
    return a.first_offset > b.first_offset;
  };
  std::priority_queue<FetchResponse::AbortedTransaction,
                      std::vector<FetchResponse::AbortedTransaction>, decltype(later)>
      pending(later);
  if (read_committed) {
    for (const auto& a : aborted) pending.push(a);
  }
  std::unordered_set<int64_t> aborted_producers;

  RecordBatchReader reader(records);
  for (;;) {
    Result<std::optional<RecordBatchView>> next = reader.Next();
    if (!next.ok()) {
      out.error = next.status();
      break;
    }
    if (!next->has_value()) break;
    const RecordBatchView& batch = **next;
    const RecordBatchHeader& header = batch.header();
    if (header.next_offset() <= fetch_offset) continue;  // wholly before the position
    if (read_committed && last_stable_offset >= 0 && header.base_offset >= last_stable_offset) {
      break;  // not stable yet: fetched again once it is
    }
    if (read_committed && header.has_producer_id()) {
      while (!pending.empty() && pending.top().first_offset <= header.last_offset()) {
        aborted_producers.insert(pending.top().producer_id);
        pending.pop();
      }
      if (IsAbortMarker(batch)) {
        aborted_producers.erase(header.producer_id);
      } else if (header.is_transactional() && aborted_producers.count(header.producer_id)) {
        out.next_offset = header.next_offset();  // an aborted transaction's batch
        continue;
      }
    }
    out.next_offset = header.next_offset();
    if (!header.is_control()) out.batches.push_back(batch);
  }
  return out;
}

DecodedFetch DecodeFetchedRecords(const std::string& topic, int32_t partition, int64_t fetch_offset,
                                  std::string_view records, IsolationLevel isolation,
                                  int64_t last_stable_offset,
                                  const std::vector<FetchResponse::AbortedTransaction>& aborted) {
  FramedFetch framed =
      FrameFetchedRecords(fetch_offset, records, isolation, last_stable_offset, aborted);
  DecodedFetch out;
  out.next_offset = framed.next_offset;
  out.error = framed.error;
  for (const RecordBatchView& batch : framed.batches) {
    const size_t before = out.records.size();
    Status s = Status::Ok();
    Result<RecordCursor> cursor = RecordCursor::Open(batch, kMaxUncompressedBatchBytes);
    if (!cursor.ok()) s = cursor.status();
    while (s.ok()) {
      Result<const RecordView*> r = cursor->Next();
      if (!r.ok()) {
        s = r.status();
      } else if (*r == nullptr) {
        break;
      } else if (batch.header().record_offset((*r)->offset_delta) >= fetch_offset) {
        out.records.push_back(MakeConsumerRecord(topic, partition, batch.header(), **r));
      }
    }
    if (!s.ok()) {
      out.records.resize(before);  // the batch is all or nothing
      out.error = s;
      out.next_offset = std::max(fetch_offset, batch.header().base_offset);
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

Fetcher::Fetcher(const ClientConfig& config, Cluster& cluster, Strand strand,
                 std::function<void()> wake)
    : config_(config), cluster_(cluster), strand_(std::move(strand)), wake_(std::move(wake)) {}

void Fetcher::Assign(const std::vector<TopicPartition>& partitions, bool committed_first) {
  {
    std::lock_guard lock(mu_);
    std::map<TopicPartition, PartitionState> next;
    for (const TopicPartition& tp : partitions) {
      auto it = partitions_.find(tp);
      if (it != partitions_.end()) {
        next.emplace(tp, std::move(it->second));
        continue;
      }
      PartitionState state;
      if (committed_first) {
        state.awaiting_committed = true;
      } else {
        ResetLocked(state);
      }
      next.emplace(tp, std::move(state));
    }
    partitions_ = std::move(next);
    buffered_bytes_ = 0;
    for (const auto& [tp, state] : partitions_) buffered_bytes_ += state.buffered_bytes;
    drain_start_ = 0;
  }
  Notify();
  wake_();
}

std::vector<TopicPartition> Fetcher::Assignment() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, state] : partitions_) out.push_back(tp);
  return out;
}

std::vector<std::string> Fetcher::Topics() const {
  std::lock_guard lock(mu_);
  std::set<std::string> topics;
  for (const auto& [tp, state] : partitions_) topics.insert(tp.topic);
  return {topics.begin(), topics.end()};
}

bool Fetcher::Assigned(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  return partitions_.count(tp) != 0;
}

void Fetcher::ClearBufferedLocked(PartitionState& state) {
  buffered_bytes_ -= state.buffered_bytes;
  state.buffered_bytes = 0;
  state.completed.clear();
}

void Fetcher::ResetLocked(PartitionState& state) {
  state.position.reset();
  state.awaiting_committed = false;
  state.reset = config_.auto_offset_reset;
  ClearBufferedLocked(state);
  ++state.generation;
  if (config_.auto_offset_reset == OffsetResetStrategy::kNone) {
    state.reset.reset();
    if (!error_) {
      error_ = ClientError(ErrorCode::kOffsetOutOfRange,
                           "no valid position and auto.offset.reset is none");
    }
  }
}

Status Fetcher::Seek(const TopicPartition& tp, int64_t offset) {
  if (offset < 0) {
    return Status(std::make_error_code(std::errc::invalid_argument), "seek to a negative offset");
  }
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(tp);
    if (it == partitions_.end()) return NotAssigned(tp);
    PartitionState& state = it->second;
    state.position = offset;
    state.awaiting_committed = false;
    state.reset.reset();
    ClearBufferedLocked(state);
    state.retry_at = {};
    ++state.generation;
  }
  wake_();
  return Status::Ok();
}

Status Fetcher::SeekTo(const std::vector<TopicPartition>& partitions, OffsetResetStrategy where) {
  {
    std::lock_guard lock(mu_);
    for (const TopicPartition& tp : partitions) {
      if (!partitions_.count(tp)) return NotAssigned(tp);
    }
    for (const TopicPartition& tp : partitions) {
      PartitionState& state = partitions_[tp];
      state.position.reset();
      state.awaiting_committed = false;
      state.reset = where;
      ClearBufferedLocked(state);
      state.retry_at = {};
      ++state.generation;
    }
  }
  wake_();
  return Status::Ok();
}

std::optional<int64_t> Fetcher::Position(const TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return std::nullopt;
  return it->second.position;
}

std::optional<int64_t> Fetcher::AwaitPosition(const TopicPartition& tp,
                                              Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  for (;;) {
    auto it = partitions_.find(tp);
    if (it == partitions_.end()) return std::nullopt;
    if (it->second.position) return it->second.position;
    if (error_) return std::nullopt;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      it = partitions_.find(tp);
      return it == partitions_.end() ? std::nullopt : it->second.position;
    }
  }
}

void Fetcher::Pause(const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  for (const TopicPartition& tp : partitions) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end()) it->second.paused = true;
  }
}

void Fetcher::Resume(const std::vector<TopicPartition>& partitions) {
  {
    std::lock_guard lock(mu_);
    for (const TopicPartition& tp : partitions) {
      auto it = partitions_.find(tp);
      if (it != partitions_.end()) it->second.paused = false;
    }
  }
  wake_();
}

std::vector<TopicPartition> Fetcher::Paused() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, state] : partitions_) {
    if (state.paused) out.push_back(tp);
  }
  return out;
}

std::map<TopicPartition, OffsetAndMetadata> Fetcher::Consumed() const {
  std::lock_guard lock(mu_);
  std::map<TopicPartition, OffsetAndMetadata> out;
  for (const auto& [tp, state] : partitions_) {
    if (state.position) {
      out[tp] = OffsetAndMetadata{.offset = *state.position, .leader_epoch = state.leader_epoch};
    }
  }
  return out;
}

std::vector<TopicPartition> Fetcher::NeedsCommitted() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, state] : partitions_) {
    if (state.awaiting_committed) out.push_back(tp);
  }
  return out;
}

void Fetcher::SetCommitted(const TopicPartition& tp, std::optional<int64_t> offset) {
  {
    std::lock_guard lock(mu_);
    auto it = partitions_.find(tp);
    if (it == partitions_.end() || !it->second.awaiting_committed) return;
    if (offset && *offset >= 0) {
      it->second.awaiting_committed = false;
      it->second.position = *offset;
      ++it->second.generation;
    } else {
      ResetLocked(it->second);
    }
  }
  Notify();
}

bool Fetcher::HasDataLocked() const {
  for (const auto& [tp, state] : partitions_) {
    if (!state.paused && !state.completed.empty()) return true;
  }
  return false;
}

std::vector<ConsumerRecord> Fetcher::Drain(size_t max_records) {
  std::lock_guard lock(mu_);
  std::vector<ConsumerRecord> out;
  if (partitions_.empty()) return out;
  // Round robin from where the last drain stopped, so one busy partition
  // does not starve the others (Java's fetch buffer rotates likewise).
  std::vector<std::pair<const TopicPartition*, PartitionState*>> order;
  order.reserve(partitions_.size());
  for (auto& [tp, state] : partitions_) order.emplace_back(&tp, &state);
  size_t n = order.size();
  size_t start = drain_start_ % n;
  for (size_t i = 0; i < n && out.size() < max_records; ++i) {
    auto [tp, state] = order[(start + i) % n];
    if (state->paused || state->completed.empty() || !state->position) continue;
    if (out.empty()) out.reserve(max_records);
    DrainLocked(*tp, *state, max_records, &out);
    drain_start_ = (start + i + 1) % n;
  }
  return out;
}

void Fetcher::DrainLocked(const TopicPartition& tp, PartitionState& state, size_t max_records,
                          std::vector<ConsumerRecord>* out) {
  // A corrupt batch: the records before it are returned, then poll() fails;
  // the partition is fetched again from its position after a backoff.
  auto fail = [&](const Status& s) {
    if (!error_) {
      error_ = ClientError(Status(
          s.code(), "fetching " + tp.topic + "-" + std::to_string(tp.partition) + " at offset " +
                        std::to_string(*state.position) + ": " + s.ToString()));
    }
    ClearBufferedLocked(state);
    ++state.generation;  // a fetch ahead in flight is stale now
    state.retry_at = Clock::now() + config_.retry_backoff;
  };
  while (!state.completed.empty()) {
    CompletedFetch& fetch = state.completed.front();
    if (fetch.cursor && fetch.cursor->remaining() == 0) {
      Result<const RecordView*> end = fetch.cursor->Next();  // checks the batch ends there
      if (!end.ok()) return fail(end.status());
      fetch.cursor.reset();
    }
    if (!fetch.cursor) {
      if (fetch.next_batch == fetch.batches.size()) {
        // Past the control and aborted batches the fetch looked at too.
        state.position = std::max(*state.position, fetch.next_offset);
        state.completed.pop_front();
        continue;
      }
      if (out->size() >= max_records) return;
      const RecordBatchView& batch = fetch.batches[fetch.next_batch++];
      fetch.bytes -= batch.size();
      state.buffered_bytes -= batch.size();
      buffered_bytes_ -= batch.size();
      Result<RecordCursor> cursor = RecordCursor::Open(batch, kMaxUncompressedBatchBytes);
      if (!cursor.ok()) return fail(cursor.status());
      fetch.cursor.emplace(std::move(cursor).value());
      continue;
    }
    if (out->size() >= max_records) return;
    Result<const RecordView*> next = fetch.cursor->Next();
    if (!next.ok()) return fail(next.status());
    const RecordBatchHeader& header = fetch.cursor->header();
    const int64_t offset = header.record_offset((*next)->offset_delta);
    if (offset < *state.position) continue;  // before the fetch offset, in an earlier batch
    out->push_back(MakeConsumerRecord(tp.topic, tp.partition, header, **next));
    state.position = offset + 1;
    state.leader_epoch = header.partition_leader_epoch;
  }
}

void Fetcher::Wait(Clock::time_point deadline, const std::function<bool()>& interrupted) {
  std::unique_lock lock(mu_);
  while (!HasDataLocked() && !error_) {
    if (interrupted && interrupted()) return;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return;
  }
}

void Fetcher::Notify() {
  {
    std::lock_guard lock(mu_);
    ++notifications_;
  }
  cv_.notify_all();
}

std::optional<ClientError> Fetcher::TakeError() {
  std::lock_guard lock(mu_);
  std::optional<ClientError> e = std::move(error_);
  error_.reset();
  return e;
}

std::optional<Clock::time_point> Fetcher::NextRetry() const {
  std::lock_guard lock(mu_);
  std::optional<Clock::time_point> next;
  Clock::time_point now = Clock::now();
  for (const auto& [tp, state] : partitions_) {
    if (state.retry_at > now && (!next || state.retry_at < *next)) next = state.retry_at;
  }
  return next;
}

// ---------------------------------------------------------------------------

asio::awaitable<void> Fetcher::SendRequests() {
  std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
  Clock::time_point now = Clock::now();
  std::map<std::pair<int32_t, OffsetResetStrategy>, std::vector<FetchTarget>> resets;
  std::map<int32_t, std::vector<FetchTarget>> fetches;
  bool missing_leader = false;
  {
    std::lock_guard lock(mu_);
    for (auto& [tp, state] : partitions_) {
      if (state.retry_at > now) continue;
      bool wants_reset = !state.position && state.reset.has_value();
      // Fetched ahead while poll() drains what is buffered, within bounds.
      bool wants_fetch = state.position && !state.paused && !state.fetch_in_flight &&
                         state.completed.size() < kMaxResponsesAhead &&
                         buffered_bytes_ < static_cast<size_t>(config_.fetch_max_bytes);
      if (!wants_reset && !wants_fetch) continue;
      std::optional<int32_t> leader = metadata->Leader(tp.topic, tp.partition);
      if (!leader) {
        missing_leader = true;
        continue;
      }
      const TopicMetadata* topic = metadata->Topic(tp.topic);
      int32_t epoch = topic->partitions[static_cast<size_t>(tp.partition)].leader_epoch;
      if (wants_reset) {
        resets[{*leader, *state.reset}].push_back(
            FetchTarget{.tp = tp, .generation = state.generation, .leader_epoch = epoch});
      } else if (!nodes_fetching_.count(*leader)) {
        state.fetch_in_flight = true;
        fetches[*leader].push_back(FetchTarget{.tp = tp,
                                               .fetch_offset = NextFetchOffset(state),
                                               .generation = state.generation,
                                               .leader_epoch = epoch});
      }
    }
  }
  if (missing_leader) cluster_.RequestUpdate();
  for (auto& [node, targets] : fetches) {
    nodes_fetching_.insert(node);
    ++in_flight_;
    asio::co_spawn(strand_, Fetch(node, std::move(targets)), kEscaped);
  }
  for (auto& [key, targets] : resets) {
    co_await ResetOffsets(key.first, std::move(targets), key.second);
  }
}

asio::awaitable<void> Fetcher::ResetOffsets(int32_t node, std::vector<FetchTarget> targets,
                                            OffsetResetStrategy strategy) {
  auto backoff = [&](bool refresh) {
    if (refresh) cluster_.RequestUpdate();
    std::lock_guard lock(mu_);
    for (const FetchTarget& t : targets) {
      auto it = partitions_.find(t.tp);
      if (it != partitions_.end()) it->second.retry_at = Clock::now() + config_.retry_backoff;
    }
  };
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  if (!connection.ok()) {
    kLog.Debug("ListOffsets to node ", node, ": ", connection.status().ToString());
    backoff(true);
    co_return;
  }
  ListOffsetsRequest req;
  req.replica_id = -1;
  req.isolation_level = static_cast<int8_t>(config_.isolation_level);
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  for (const FetchTarget& t : targets) {
    auto topic = std::find_if(req.topics.begin(), req.topics.end(),
                              [&](const auto& x) { return x.name == t.tp.topic; });
    if (topic == req.topics.end()) {
      req.topics.push_back(ListOffsetsRequest::ListOffsetsTopic{.name = t.tp.topic});
      topic = std::prev(req.topics.end());
    }
    topic->partitions.push_back(ListOffsetsRequest::ListOffsetsPartition{
        .partition_index = t.tp.partition,
        .current_leader_epoch = t.leader_epoch,
        .timestamp =
            strategy == OffsetResetStrategy::kEarliest ? kEarliestTimestamp : kLatestTimestamp});
  }
  Result<ListOffsetsResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    kLog.Debug("ListOffsets: ", resp.status().ToString());
    backoff(true);
    co_return;
  }
  bool refresh = false;
  {
    std::lock_guard lock(mu_);
    for (const FetchTarget& t : targets) {
      auto it = partitions_.find(t.tp);
      if (it == partitions_.end() || it->second.generation != t.generation) continue;
      PartitionState& state = it->second;
      const ListOffsetsResponse::ListOffsetsPartitionResponse* found = nullptr;
      for (const auto& topic : resp->topics) {
        if (topic.name != t.tp.topic) continue;
        for (const auto& p : topic.partitions) {
          if (p.partition_index == t.tp.partition) found = &p;
        }
      }
      if (found != nullptr && found->error_code == ErrorCode::kNone && found->offset >= 0) {
        state.position = found->offset;
        state.reset.reset();
        ++state.generation;
        continue;
      }
      ErrorCode code = found ? found->error_code : ErrorCode::kUnknownServerError;
      if (found != nullptr && !NeedsMetadata(code) && !IsRetriable(code)) {
        error_ =
            ClientError(code, "ListOffsets " + t.tp.topic + "-" + std::to_string(t.tp.partition));
      }
      refresh = refresh || NeedsMetadata(code);
      state.retry_at = Clock::now() + config_.retry_backoff;
    }
  }
  if (refresh) cluster_.RequestUpdate();
  Notify();
}

void Fetcher::FailFetchLocked(const std::vector<FetchTarget>& targets) {
  for (const FetchTarget& t : targets) {
    auto it = partitions_.find(t.tp);
    if (it == partitions_.end()) continue;
    it->second.fetch_in_flight = false;
    it->second.retry_at = Clock::now() + config_.retry_backoff;
  }
}

asio::awaitable<void> Fetcher::Fetch(int32_t node, std::vector<FetchTarget> targets) {
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  std::optional<int16_t> version;
  if (connection.ok()) version = (*connection)->NegotiatedVersion(ApiKey::kFetch);
  std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
  // Fetch v13+ names topics by id: only when the metadata has every id.
  if (version && *version >= 13) {
    for (const FetchTarget& t : targets) {
      const TopicMetadata* topic = metadata->Topic(t.tp.topic);
      if (topic == nullptr || topic->topic_id.is_zero()) version = 12;
    }
  }
  Result<FetchResponse> resp = Status(ClientErrc::kUnsupportedVersion, "Fetch v4+");
  if (!connection.ok()) {
    resp = connection.status();
  } else if (version && *version >= FetchRequest::kVersions.min) {
    FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = static_cast<int32_t>(config_.fetch_max_wait.count());
    req.min_bytes = config_.fetch_min_bytes;
    req.max_bytes = config_.fetch_max_bytes;
    req.isolation_level = static_cast<int8_t>(config_.isolation_level);
    req.session_id = 0;
    req.session_epoch = -1;  // sessionless full fetches
    for (const FetchTarget& t : targets) {
      auto topic = std::find_if(req.topics.begin(), req.topics.end(),
                                [&](const auto& x) { return x.topic == t.tp.topic; });
      if (topic == req.topics.end()) {
        FetchRequest::FetchTopic ft{.topic = t.tp.topic};
        if (const TopicMetadata* md = metadata->Topic(t.tp.topic)) ft.topic_id = md->topic_id;
        req.topics.push_back(std::move(ft));
        topic = std::prev(req.topics.end());
      }
      topic->partitions.push_back(
          FetchRequest::FetchPartition{.partition = t.tp.partition,
                                       .current_leader_epoch = t.leader_epoch,
                                       .fetch_offset = t.fetch_offset,
                                       .partition_max_bytes = config_.max_partition_fetch_bytes});
    }
    resp = co_await (*connection)->CallAt(std::move(req), *version);
  }

  // Each target's answer, and its batches framed and checked here on the io
  // thread, outside mu_; the bytes stay in `response` until poll() is done.
  std::shared_ptr<const FetchResponse> response;
  std::vector<const FetchResponse::PartitionData*> found(targets.size(), nullptr);
  std::vector<FramedFetch> framed(targets.size());
  if (resp.ok() && resp->error_code == ErrorCode::kNone) {
    response = std::make_shared<const FetchResponse>(std::move(resp).value());
    for (size_t i = 0; i < targets.size(); ++i) {
      const FetchTarget& t = targets[i];
      const TopicMetadata* md = metadata->Topic(t.tp.topic);
      for (const auto& topic : response->responses) {
        bool match = *version >= 13 ? (md != nullptr && topic.topic_id == md->topic_id)
                                    : topic.topic == t.tp.topic;
        if (!match) continue;
        for (const auto& p : topic.partitions) {
          if (p.partition_index == t.tp.partition) found[i] = &p;
        }
      }
      if (found[i] == nullptr || found[i]->error_code != ErrorCode::kNone) continue;
      static const std::vector<FetchResponse::AbortedTransaction> kNone;
      const std::string_view records =
          found[i]->records ? std::string_view(*found[i]->records) : std::string_view();
      framed[i] = FrameFetchedRecords(
          t.fetch_offset, records, config_.isolation_level, found[i]->last_stable_offset,
          found[i]->aborted_transactions ? *found[i]->aborted_transactions : kNone);
    }
  }

  bool refresh = false;
  {
    std::lock_guard lock(mu_);
    if (!resp.ok()) {
      kLog.Debug("Fetch from node ", node, ": ", resp.status().ToString());
      FailFetchLocked(targets);
      refresh = true;
      if (resp.status().code() == ClientErrc::kUnsupportedVersion && !error_) {
        error_ = ClientError(resp.status());
      }
    } else if (response == nullptr) {
      kLog.Debug("Fetch from node ", node, ": ", ErrorName(resp->error_code));
      FailFetchLocked(targets);
    } else {
      for (size_t i = 0; i < targets.size(); ++i) {
        const FetchTarget& t = targets[i];
        auto it = partitions_.find(t.tp);
        if (it == partitions_.end()) continue;
        PartitionState& state = it->second;
        state.fetch_in_flight = false;
        // Seeked, reset or drained differently meanwhile: the answer is for
        // an offset no longer wanted.
        if (state.generation != t.generation || !state.position ||
            NextFetchOffset(state) != t.fetch_offset) {
          continue;
        }
        // Fetched ahead of the position: errors wait until poll() has what
        // comes before them (the partition is fetched at its position then).
        const bool ahead = !state.completed.empty();
        const FetchResponse::PartitionData* p = found[i];
        if (p == nullptr) {
          state.retry_at = Clock::now() + config_.retry_backoff;
          continue;
        }
        if (kLog.Enabled(LogLevel::kDebug)) {
          kLog.Debug("fetched ", t.tp.topic, "-", t.tp.partition, " at ", t.fetch_offset, ": ",
                     ErrorName(p->error_code), ", ", p->records ? p->records->size() : 0,
                     " bytes, high watermark ", p->high_watermark);
        }
        if (p->error_code == ErrorCode::kNone) {
          FramedFetch& f = framed[i];
          if (!f.error.ok() && f.batches.empty() && f.next_offset == t.fetch_offset) {
            if (!ahead && !error_) {
              error_ = ClientError(Status(
                  f.error.code(), "fetching " + t.tp.topic + "-" + std::to_string(t.tp.partition) +
                                      " at offset " + std::to_string(t.fetch_offset) + ": " +
                                      f.error.ToString()));
            }
            state.retry_at = Clock::now() + config_.retry_backoff;
            continue;
          }
          if (f.batches.empty() && f.next_offset == t.fetch_offset) continue;
          CompletedFetch& fetch = state.completed.emplace_back();
          fetch.response = response;
          fetch.next_offset = f.next_offset;
          for (const RecordBatchView& batch : f.batches) fetch.bytes += batch.size();
          fetch.batches = std::move(f.batches);
          state.buffered_bytes += fetch.bytes;
          buffered_bytes_ += fetch.bytes;
        } else if (ahead) {
          state.retry_at = Clock::now() + config_.retry_backoff;
          refresh = refresh || NeedsMetadata(p->error_code);
        } else if (p->error_code == ErrorCode::kOffsetOutOfRange) {
          kLog.Info("offset ", t.fetch_offset, " out of range for ", t.tp.topic, "-",
                    t.tp.partition, ": resetting");
          ResetLocked(state);
        } else if (NeedsMetadata(p->error_code)) {
          refresh = true;
          state.retry_at = Clock::now() + config_.retry_backoff;
        } else {
          if (!IsRetriable(p->error_code) && !error_) {
            error_ = ClientError(p->error_code,
                                 "Fetch " + t.tp.topic + "-" + std::to_string(t.tp.partition));
          }
          state.retry_at = Clock::now() + config_.retry_backoff;
        }
      }
    }
  }
  if (refresh) cluster_.RequestUpdate();
  nodes_fetching_.erase(node);
  --in_flight_;
  Notify();
  wake_();
}

}  // namespace brook::client
