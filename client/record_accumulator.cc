// client/record_accumulator.cc
#include "client/record_accumulator.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace brook::client {
namespace {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int32_t SizeOf(const std::optional<std::string>& s) {
  return s ? static_cast<int32_t>(s->size()) : -1;
}

std::optional<std::string_view> View(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

// A new batch's buffer starts this large (or batch.size, when smaller), so
// that appends rarely reallocate; a huge batch.size grows as it fills.
constexpr size_t kMaxInitialBatchBytes = 256 * 1024;
constexpr size_t kMaxInitialBatchRecords = 512;

}  // namespace

Result<std::string> ProducerBatch::Encode(Compression compression, int16_t attributes) {
  if (compression != Compression::kNone && !compressed) {
    Result<std::string> compressed_records =
        Compress(compression, std::string_view(buffer).substr(kRecordBatchHeaderSize));
    if (!compressed_records.ok()) return compressed_records.status();
    buffer.resize(kRecordBatchHeaderSize);
    buffer.append(*compressed_records);
    compressed = true;
  }
  if (buffer.size() - kLogOverhead > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status(ClientErrc::kInvalidRecord,
                  "a batch of " + std::to_string(buffer.size()) + " bytes is too large");
  }
  RecordBatchHeader header;
  header.attributes =
      static_cast<int16_t>((attributes & ~kCompressionAttributeMask) |
                           (static_cast<int16_t>(compression) & kCompressionAttributeMask));
  header.last_offset_delta = record_count() - 1;
  header.base_timestamp = base_timestamp;
  header.max_timestamp = max_timestamp;
  header.producer_id = producer_id;
  header.producer_epoch = producer_epoch;
  header.base_sequence = base_sequence;
  header.record_count = record_count();
  SealRecordBatch(buffer, header);
  return buffer;
}

void RecordAccumulator::Completions::Run() {
  size_t finished = 0;
  for (Item& item : items_) {
    const ClientError* error = item.error ? &*item.error : nullptr;
    if (!item.batch) {
      if (item.cb) item.cb(item.md, error);
      ++finished;
      continue;
    }
    // One RecordMetadata for the whole batch, updated record by record.
    ProducerBatch& batch = *item.batch;
    RecordMetadata md{.topic = batch.tp.topic, .partition = batch.tp.partition};
    for (size_t i = 0; i < batch.records.size(); ++i) {
      ProducerBatch::PendingRecord& r = batch.records[i];
      md.offset = error == nullptr && item.base_offset >= 0
                      ? item.base_offset + static_cast<int64_t>(i)
                      : -1;
      md.timestamp =
          error == nullptr && item.log_append_time_ms >= 0 ? item.log_append_time_ms : r.timestamp;
      md.serialized_key_size = r.key_size;
      md.serialized_value_size = r.value_size;
      if (r.callback) {
        r.callback(md, error);
        r.callback = nullptr;
      }
    }
    finished += batch.records.size();
  }
  items_.clear();
  if (owner_ != nullptr && finished > 0) owner_->Finished(finished);
}

RecordAccumulator::RecordAccumulator(const ClientConfig& config)
    : config_(config), sticky_(config.batch_size) {}

RecordMetadata RecordAccumulator::MetadataFor(const ProducerRecord& r, int32_t partition) {
  return RecordMetadata{.topic = r.topic,
                        .partition = partition,
                        .offset = -1,
                        .timestamp = r.timestamp.value_or(-1),
                        .serialized_key_size = SizeOf(r.key),
                        .serialized_value_size = SizeOf(r.value)};
}

bool RecordAccumulator::Append(ProducerRecord record, SendCallback callback, Completions* done) {
  if (!record.timestamp) record.timestamp = WallClockMs();
  done->Bind(this);
  {
    std::shared_lock lock(topics_mu_);
    incomplete_records_.fetch_add(1);  // under the lock: Close() cannot slip in between
    if (closed_) {
      done->Add(std::move(callback), MetadataFor(record, record.partition.value_or(-1)),
                ClientError(Status(ClientErrc::kClosed, "send after the producer was closed")));
      return false;
    }
    auto it = topics_.find(record.topic);
    if (it != topics_.end() && it->second.partition_count > 0 && it->second.waiting.empty()) {
      return AppendLocked(it->first, it->second, record, callback, done);
    }
  }
  // A topic not seen yet, or whose partition count is still unknown.
  std::unique_lock lock(topics_mu_);
  if (closed_) {
    done->Add(std::move(callback), MetadataFor(record, record.partition.value_or(-1)),
              ClientError(Status(ClientErrc::kClosed, "send after the producer was closed")));
    return false;
  }
  auto it = topics_.try_emplace(record.topic).first;
  Topic& topic = it->second;
  if (topic.partition_count > 0 && topic.waiting.empty()) {
    return AppendLocked(it->first, topic, record, callback, done);
  }
  bool first = topic.waiting.empty();
  topic.waiting.push_back(Waiting{std::move(record), std::move(callback), Clock::now()});
  return first;
}

bool RecordAccumulator::AppendLocked(const std::string& name, Topic& topic, ProducerRecord& record,
                                     SendCallback& callback, Completions* done) {
  const int32_t partition_count = topic.partition_count;
  RecordRef ref{.key = View(record.key), .value = View(record.value), .headers = record.headers};
  // The deltas are not known before the batch is: at most 10 more bytes.
  const size_t record_bytes = EncodedRecordSize(ref) + 10;
  if (record_bytes > static_cast<size_t>(std::numeric_limits<int32_t>::max()) / 2) {
    done->Add(std::move(callback), MetadataFor(record, record.partition.value_or(-1)),
              ClientError(Status(ClientErrc::kInvalidRecord,
                                 "a record of " + std::to_string(record_bytes) +
                                     " bytes is too large for a record batch")));
    return false;
  }
  int32_t partition;
  if (record.partition) {
    partition = *record.partition;
    if (partition < 0 || partition >= partition_count) {
      done->Add(
          std::move(callback), MetadataFor(record, partition),
          ClientError(Status(ClientErrc::kInvalidRecord,
                             "partition " + std::to_string(partition) + " of " + record.topic +
                                 " is not in [0, " + std::to_string(partition_count) + ")")));
      return false;
    }
  } else if (record.key) {
    partition = KeyPartition(*record.key, partition_count);
  } else {
    std::lock_guard sticky_lock(sticky_mu_);
    partition = sticky_.Partition(record.topic, partition_count, record_bytes);
  }

  const int64_t timestamp = *record.timestamp;
  PartitionQueue& q = *topic.partitions[static_cast<size_t>(partition)];
  std::lock_guard lock(q.mu);
  bool wake = false;
  ProducerBatch* batch = nullptr;
  if (!q.batches.empty()) {
    ProducerBatch* last = q.batches.back().get();
    if (!last->full && last->attempts == 0 && last->base_sequence == kNoSequence) batch = last;
  }
  if (batch != nullptr) {
    ref.offset_delta = batch->record_count();
    ref.timestamp_delta = timestamp - batch->base_timestamp;
    if (batch->buffer.size() + EncodedRecordSize(ref) > static_cast<size_t>(config_.batch_size)) {
      batch->full = true;
      batch = nullptr;
    }
  }
  if (batch == nullptr) {
    auto fresh = std::make_shared<ProducerBatch>();
    fresh->tp = TopicPartition{name, partition};
    fresh->order = q.next_order++;
    fresh->created = Clock::now();
    fresh->base_timestamp = timestamp;
    const size_t capacity = std::max(
        kRecordBatchHeaderSize + record_bytes,
        std::min(static_cast<size_t>(std::max(config_.batch_size, 0)), kMaxInitialBatchBytes));
    fresh->buffer.reserve(capacity);
    fresh->buffer.resize(kRecordBatchHeaderSize);
    fresh->records.reserve(std::clamp<size_t>(capacity / record_bytes, 1, kMaxInitialBatchRecords));
    batch = fresh.get();
    q.batches.push_back(std::move(fresh));
    ref.offset_delta = 0;
    ref.timestamp_delta = 0;
    wake = true;  // the sender must learn of its linger deadline
  }
  AppendRecord(batch->buffer, ref);
  batch->records.push_back(ProducerBatch::PendingRecord{.callback = std::move(callback),
                                                        .timestamp = timestamp,
                                                        .key_size = SizeOf(record.key),
                                                        .value_size = SizeOf(record.value)});
  if (batch->max_timestamp == kNoTimestamp || timestamp > batch->max_timestamp) {
    batch->max_timestamp = timestamp;
  }
  if (batch->buffer.size() >= static_cast<size_t>(config_.batch_size)) {
    batch->full = true;
    wake = true;
  }
  return wake;
}

RecordAccumulator::PartitionQueue* RecordAccumulator::QueueLocked(const TopicPartition& tp) const {
  auto it = topics_.find(tp.topic);
  if (it == topics_.end() || tp.partition < 0 ||
      static_cast<size_t>(tp.partition) >= it->second.partitions.size()) {
    return nullptr;
  }
  return it->second.partitions[static_cast<size_t>(tp.partition)].get();
}

std::vector<std::string> RecordAccumulator::TopicsAwaitingMetadata() const {
  std::shared_lock lock(topics_mu_);
  std::vector<std::string> out;
  for (const auto& [name, topic] : topics_) {
    if (!topic.waiting.empty()) out.push_back(name);
  }
  return out;
}

void RecordAccumulator::SetPartitionCount(const std::string& name, int32_t count,
                                          const ClientError* error, Completions* done) {
  std::unique_lock lock(topics_mu_);
  done->Bind(this);
  auto it = topics_.find(name);
  if (count <= 0 && it == topics_.end()) return;
  if (it == topics_.end()) it = topics_.try_emplace(name).first;
  Topic& topic = it->second;
  if (count > 0) {
    topic.partition_count = count;
    while (topic.partitions.size() < static_cast<size_t>(count)) {
      topic.partitions.push_back(std::make_unique<PartitionQueue>());
    }
  }
  std::deque<Waiting> waiting = std::move(topic.waiting);
  topic.waiting.clear();
  for (Waiting& w : waiting) {
    if (count > 0) {
      AppendLocked(it->first, topic, w.record, w.callback, done);
    } else {
      done->Add(std::move(w.callback), MetadataFor(w.record, -1), *error);
    }
  }
}

std::map<int32_t, std::vector<std::shared_ptr<ProducerBatch>>> RecordAccumulator::Drain(
    Clock::time_point now,
    const std::function<std::optional<int32_t>(const TopicPartition&)>& leader,
    const std::function<bool(int32_t node)>& node_has_room, const ProducerIdAndEpoch& pid,
    bool* need_metadata, const std::function<bool(const TopicPartition&)>& may_send) {
  std::shared_lock topics_lock(topics_mu_);
  const bool flushing = flushing_.load() > 0 || closed_;
  std::map<int32_t, std::vector<std::shared_ptr<ProducerBatch>>> out;
  std::map<int32_t, bool> room;
  for (const auto& [name, topic] : topics_) {
    for (const auto& queue : topic.partitions) {
      PartitionQueue& q = *queue;
      std::lock_guard lock(q.mu);
      if (q.batches.empty()) continue;
      const std::shared_ptr<ProducerBatch>& head = q.batches.front();
      if (head->attempts > 0) {
        // A retry goes out alone, once nothing earlier is still in flight, so
        // that the partition's batches reach the log in order.
        if (q.in_flight > 0 || now < head->retry_at) continue;
      } else {
        if (q.in_flight >= config_.max_in_flight) continue;
        bool ready =
            head->full || q.batches.size() > 1 || now - head->created >= config_.linger || flushing;
        if (!ready) continue;
      }
      const TopicPartition& tp = head->tp;
      if (may_send && !may_send(tp)) continue;
      std::optional<int32_t> node = leader(tp);
      if (!node) {
        *need_metadata = true;
        continue;
      }
      auto r = room.find(*node);
      if (r == room.end()) r = room.emplace(*node, node_has_room(*node)).first;
      if (!r->second) continue;
      std::shared_ptr<ProducerBatch> batch = head;
      q.batches.pop_front();
      batch->full = true;
      if (pid.producer_id != kNoProducerId && batch->base_sequence == kNoSequence) {
        batch->producer_id = pid.producer_id;
        batch->producer_epoch = pid.epoch;
        batch->base_sequence = q.next_sequence;
        q.next_sequence += batch->record_count();
      }
      ++q.in_flight;
      in_flight_batches_.fetch_add(1);
      out[*node].push_back(std::move(batch));
    }
  }
  return out;
}

std::vector<TopicPartition> RecordAccumulator::QueuedPartitions() const {
  std::shared_lock topics_lock(topics_mu_);
  std::vector<TopicPartition> out;
  for (const auto& [name, topic] : topics_) {
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      std::lock_guard lock(topic.partitions[p]->mu);
      if (!topic.partitions[p]->batches.empty()) {
        out.push_back(TopicPartition{name, static_cast<int32_t>(p)});
      }
    }
  }
  return out;
}

std::optional<Clock::time_point> RecordAccumulator::NextDeadline(Clock::time_point now) const {
  std::shared_lock topics_lock(topics_mu_);
  const bool flushing = flushing_.load() > 0 || closed_;
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [name, topic] : topics_) {
    for (const auto& queue : topic.partitions) {
      const PartitionQueue& q = *queue;
      std::lock_guard lock(q.mu);
      if (q.batches.empty()) continue;
      const auto& head = q.batches.front();
      consider(head->created + config_.delivery_timeout);
      if (head->attempts > 0) {
        if (q.in_flight == 0) consider(head->retry_at);
      } else if (q.in_flight < config_.max_in_flight) {
        bool ready = head->full || q.batches.size() > 1 || flushing;
        consider(ready ? now : head->created + config_.linger);
      }
    }
    if (!topic.waiting.empty()) consider(topic.waiting.front().since + config_.max_block);
  }
  return next;
}

template <typename Fn>
void RecordAccumulator::Land(const ProducerBatch& batch, Fn&& fn) {
  {
    std::shared_lock topics_lock(topics_mu_);
    PartitionQueue* q = QueueLocked(batch.tp);
    assert(q != nullptr);
    std::lock_guard lock(q->mu);
    --q->in_flight;
    fn(*q);
  }
  in_flight_batches_.fetch_sub(1);
}

void RecordAccumulator::Complete(const std::shared_ptr<ProducerBatch>& batch, int64_t base_offset,
                                 int64_t log_append_time_ms, Completions* done) {
  done->Bind(this);
  Land(*batch, [&](PartitionQueue& q) {
    if (batch->base_sequence != kNoSequence) {
      q.last_acked_sequence = std::max(q.last_acked_sequence, batch->last_sequence());
    }
  });
  done->AddBatch(batch, base_offset, log_append_time_ms, std::nullopt);
}

void RecordAccumulator::Reenqueue(const std::shared_ptr<ProducerBatch>& batch,
                                  Clock::time_point retry_at) {
  Land(*batch, [&](PartitionQueue& q) {
    batch->retry_at = retry_at;
    auto pos = std::find_if(q.batches.begin(), q.batches.end(),
                            [&](const auto& b) { return b->order > batch->order; });
    q.batches.insert(pos, batch);
  });
}

void RecordAccumulator::Fail(const std::shared_ptr<ProducerBatch>& batch, const ClientError& error,
                             Completions* done) {
  done->Bind(this);
  Land(*batch, [](PartitionQueue&) {});
  done->AddBatch(batch, -1, -1, error);
}

bool RecordAccumulator::Expire(Clock::time_point now, Completions* done) {
  done->Bind(this);
  bool had_sequence = false;
  bool any_waiting = false;
  {
    std::shared_lock topics_lock(topics_mu_);
    for (const auto& [name, topic] : topics_) {
      any_waiting |= !topic.waiting.empty();
      for (size_t p = 0; p < topic.partitions.size(); ++p) {
        PartitionQueue& q = *topic.partitions[p];
        std::lock_guard lock(q.mu);
        while (!q.batches.empty() && now - q.batches.front()->created >= config_.delivery_timeout) {
          std::shared_ptr<ProducerBatch> batch = std::move(q.batches.front());
          q.batches.pop_front();
          had_sequence |= batch->base_sequence != kNoSequence;
          ClientError error(Status(ClientErrc::kTimedOut,
                                   "expiring " + std::to_string(batch->records.size()) +
                                       " record(s) for " + name + "-" + std::to_string(p) + ": " +
                                       std::to_string(config_.delivery_timeout.count()) +
                                       " ms has passed since batch creation"));
          done->AddBatch(std::move(batch), -1, -1, std::move(error));
        }
      }
    }
  }
  if (!any_waiting) return had_sequence;
  std::unique_lock topics_lock(topics_mu_);
  for (auto& [name, topic] : topics_) {
    while (!topic.waiting.empty() && now - topic.waiting.front().since >= config_.max_block) {
      Waiting w = std::move(topic.waiting.front());
      topic.waiting.pop_front();
      done->Add(std::move(w.callback), MetadataFor(w.record, -1),
                ClientError(Status(ClientErrc::kTimedOut,
                                   "topic " + name + " not present in metadata after " +
                                       std::to_string(config_.max_block.count()) + " ms")));
    }
  }
  return had_sequence;
}

bool RecordAccumulator::FailAll(const ClientError& error, Completions* done) {
  std::unique_lock topics_lock(topics_mu_);
  done->Bind(this);
  bool had_sequence = false;
  for (auto& [name, topic] : topics_) {
    for (const auto& queue : topic.partitions) {
      std::lock_guard lock(queue->mu);
      for (auto& batch : queue->batches) {
        had_sequence |= batch->base_sequence != kNoSequence;
        done->AddBatch(std::move(batch), -1, -1, error);
      }
      queue->batches.clear();
    }
    for (Waiting& w : topic.waiting) {
      done->Add(std::move(w.callback), MetadataFor(w.record, -1), error);
    }
    topic.waiting.clear();
  }
  return had_sequence;
}

bool RecordAccumulator::IsNextSequence(const TopicPartition& tp, int32_t base_sequence) const {
  std::shared_lock topics_lock(topics_mu_);
  int32_t last = -1;
  if (PartitionQueue* q = QueueLocked(tp)) {
    std::lock_guard lock(q->mu);
    last = q->last_acked_sequence;
  }
  return base_sequence == last + 1;
}

void RecordAccumulator::ResetSequences() {
  std::shared_lock topics_lock(topics_mu_);
  for (const auto& [name, topic] : topics_) {
    for (const auto& queue : topic.partitions) {
      std::lock_guard lock(queue->mu);
      queue->next_sequence = 0;
      queue->last_acked_sequence = -1;
      for (auto& batch : queue->batches) {
        batch->base_sequence = kNoSequence;
        batch->producer_id = kNoProducerId;
        batch->producer_epoch = kNoProducerEpoch;
      }
    }
  }
}

void RecordAccumulator::BeginFlush() { flushing_.fetch_add(1); }

void RecordAccumulator::EndFlush() { flushing_.fetch_sub(1); }

void RecordAccumulator::AwaitAllCompleted() {
  std::unique_lock lock(completed_mu_);
  all_completed_.wait(lock, [this] { return incomplete_records_.load() == 0; });
}

void RecordAccumulator::Close() {
  std::unique_lock lock(topics_mu_);
  closed_ = true;
}

void RecordAccumulator::Finished(size_t records) {
  if (incomplete_records_.fetch_sub(records) != records) return;
  // The waiter checks the count under completed_mu_: taking it here means
  // it cannot miss this notification.
  std::lock_guard lock(completed_mu_);
  all_completed_.notify_all();
}

size_t RecordAccumulator::in_flight_batches() const { return in_flight_batches_.load(); }

bool RecordAccumulator::empty() const { return incomplete_records_.load() == 0; }

}  // namespace brook::client
