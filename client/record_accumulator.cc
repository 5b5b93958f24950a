// client/record_accumulator.cc
#include "client/record_accumulator.h"

#include <algorithm>

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

}  // namespace

void RecordAccumulator::Completions::Run() {
  for (Item& item : items_) {
    if (!item.cb) continue;
    item.cb(item.md, item.error ? &*item.error : nullptr);
  }
  size_t finished = items_.size();
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
  std::lock_guard lock(mu_);
  ++incomplete_records_;
  done->Bind(this);
  if (closed_) {
    done->Add(std::move(callback), MetadataFor(record, record.partition.value_or(-1)),
              ClientError(Status(ClientErrc::kClosed, "send after the producer was closed")));
    return false;
  }
  auto count = partition_counts_.find(record.topic);
  auto waiting = waiting_.find(record.topic);
  if (count == partition_counts_.end() || (waiting != waiting_.end() && !waiting->second.empty())) {
    std::deque<Waiting>& queue = waiting_[record.topic];
    bool first = queue.empty();
    queue.push_back(Waiting{std::move(record), std::move(callback), Clock::now()});
    return first;
  }
  bool wake = false;
  AppendLocked(std::move(record), std::move(callback), count->second, done, &wake);
  return wake;
}

void RecordAccumulator::AppendLocked(ProducerRecord record, SendCallback callback,
                                     int32_t partition_count, Completions* done, bool* wake) {
  Record r{.key = std::move(record.key),
           .value = std::move(record.value),
           .headers = std::move(record.headers)};
  const size_t record_bytes = EncodedRecordSize(r) + 10;  // + the deltas' worst case
  int32_t partition;
  if (record.partition) {
    partition = *record.partition;
    if (partition < 0 || partition >= partition_count) {
      record.key = std::move(r.key);
      record.value = std::move(r.value);
      done->Add(
          std::move(callback), MetadataFor(record, partition),
          ClientError(Status(ClientErrc::kInvalidRecord,
                             "partition " + std::to_string(partition) + " of " + record.topic +
                                 " is not in [0, " + std::to_string(partition_count) + ")")));
      return;
    }
  } else if (r.key) {
    partition = KeyPartition(*r.key, partition_count);
  } else {
    partition = sticky_.Partition(record.topic, partition_count, record_bytes);
  }

  TopicPartition tp{record.topic, partition};
  PartitionQueue& q = queues_[tp];
  RecordMetadata md{.topic = record.topic,
                    .partition = partition,
                    .offset = -1,
                    .timestamp = *record.timestamp,
                    .serialized_key_size = SizeOf(r.key),
                    .serialized_value_size = SizeOf(r.value)};
  Clock::time_point now = Clock::now();
  std::shared_ptr<ProducerBatch> batch;
  if (!q.batches.empty()) {
    const auto& last = q.batches.back();
    if (!last->full && last->attempts == 0 && last->base_sequence == kNoSequence) batch = last;
  }
  if (batch && !batch->records.empty() &&
      batch->estimated_bytes + record_bytes > static_cast<size_t>(config_.batch_size)) {
    batch->full = true;
    batch = nullptr;
  }
  if (!batch) {
    batch = std::make_shared<ProducerBatch>();
    batch->tp = tp;
    batch->order = q.next_order++;
    batch->created = now;
    batch->base_timestamp = *record.timestamp;
    q.batches.push_back(batch);
    *wake = true;  // the sender must learn of its linger deadline
  }
  r.offset_delta = batch->record_count();
  r.timestamp_delta = *record.timestamp - batch->base_timestamp;
  batch->estimated_bytes += record_bytes;
  batch->records.push_back(std::move(r));
  batch->callbacks.push_back(std::move(callback));
  batch->metadata.push_back(std::move(md));
  if (batch->estimated_bytes >= static_cast<size_t>(config_.batch_size)) {
    batch->full = true;
    *wake = true;
  }
}

std::vector<std::string> RecordAccumulator::TopicsAwaitingMetadata() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [topic, queue] : waiting_) {
    if (!queue.empty()) out.push_back(topic);
  }
  return out;
}

void RecordAccumulator::SetPartitionCount(const std::string& topic, int32_t count,
                                          const ClientError* error, Completions* done) {
  std::lock_guard lock(mu_);
  done->Bind(this);
  if (count > 0) partition_counts_[topic] = count;
  auto it = waiting_.find(topic);
  if (it == waiting_.end()) return;
  std::deque<Waiting> queue = std::move(it->second);
  waiting_.erase(it);
  for (Waiting& w : queue) {
    if (count > 0) {
      bool wake = false;
      AppendLocked(std::move(w.record), std::move(w.callback), count, done, &wake);
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
  std::lock_guard lock(mu_);
  std::map<int32_t, std::vector<std::shared_ptr<ProducerBatch>>> out;
  std::map<int32_t, bool> room;
  for (auto& [tp, q] : queues_) {
    if (q.batches.empty()) continue;
    const std::shared_ptr<ProducerBatch>& head = q.batches.front();
    if (head->attempts > 0) {
      // A retry goes out alone, once nothing earlier is still in flight, so
      // that the partition's batches reach the log in order.
      if (q.in_flight > 0 || now < head->retry_at) continue;
    } else {
      if (q.in_flight >= config_.max_in_flight) continue;
      bool ready = head->full || q.batches.size() > 1 || now - head->created >= config_.linger ||
                   flushing_ > 0 || closed_;
      if (!ready) continue;
    }
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
    ++in_flight_batches_;
    out[*node].push_back(std::move(batch));
  }
  return out;
}

std::vector<TopicPartition> RecordAccumulator::QueuedPartitions() const {
  std::lock_guard lock(mu_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, q] : queues_) {
    if (!q.batches.empty()) out.push_back(tp);
  }
  return out;
}

std::optional<Clock::time_point> RecordAccumulator::NextDeadline(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [tp, q] : queues_) {
    if (q.batches.empty()) continue;
    const auto& head = q.batches.front();
    consider(head->created + config_.delivery_timeout);
    if (head->attempts > 0) {
      if (q.in_flight == 0) consider(head->retry_at);
    } else if (q.in_flight < config_.max_in_flight) {
      bool ready = head->full || q.batches.size() > 1 || flushing_ > 0 || closed_;
      consider(ready ? now : head->created + config_.linger);
    }
  }
  for (const auto& [topic, queue] : waiting_) {
    if (!queue.empty()) consider(queue.front().since + config_.max_block);
  }
  return next;
}

void RecordAccumulator::Complete(const std::shared_ptr<ProducerBatch>& batch, int64_t base_offset,
                                 int64_t log_append_time_ms, Completions* done) {
  std::lock_guard lock(mu_);
  done->Bind(this);
  PartitionQueue& q = queues_[batch->tp];
  --q.in_flight;
  --in_flight_batches_;
  if (batch->base_sequence != kNoSequence) {
    q.last_acked_sequence = std::max(q.last_acked_sequence, batch->last_sequence());
  }
  for (size_t i = 0; i < batch->records.size(); ++i) {
    RecordMetadata md = batch->metadata[i];
    md.offset = base_offset >= 0 ? base_offset + static_cast<int64_t>(i) : -1;
    if (log_append_time_ms >= 0) md.timestamp = log_append_time_ms;
    done->Add(std::move(batch->callbacks[i]), std::move(md), std::nullopt);
  }
}

void RecordAccumulator::Reenqueue(const std::shared_ptr<ProducerBatch>& batch,
                                  Clock::time_point retry_at) {
  std::lock_guard lock(mu_);
  PartitionQueue& q = queues_[batch->tp];
  --q.in_flight;
  --in_flight_batches_;
  batch->retry_at = retry_at;
  auto pos = std::find_if(q.batches.begin(), q.batches.end(),
                          [&](const auto& b) { return b->order > batch->order; });
  q.batches.insert(pos, batch);
}

void RecordAccumulator::Fail(const std::shared_ptr<ProducerBatch>& batch, const ClientError& error,
                             Completions* done) {
  std::lock_guard lock(mu_);
  done->Bind(this);
  PartitionQueue& q = queues_[batch->tp];
  --q.in_flight;
  --in_flight_batches_;
  for (size_t i = 0; i < batch->records.size(); ++i) {
    done->Add(std::move(batch->callbacks[i]), batch->metadata[i], error);
  }
}

bool RecordAccumulator::Expire(Clock::time_point now, Completions* done) {
  std::lock_guard lock(mu_);
  done->Bind(this);
  bool had_sequence = false;
  for (auto& [tp, q] : queues_) {
    while (!q.batches.empty() && now - q.batches.front()->created >= config_.delivery_timeout) {
      std::shared_ptr<ProducerBatch> batch = q.batches.front();
      q.batches.pop_front();
      had_sequence |= batch->base_sequence != kNoSequence;
      ClientError error(
          Status(ClientErrc::kTimedOut, "expiring " + std::to_string(batch->records.size()) +
                                            " record(s) for " + tp.topic + "-" +
                                            std::to_string(tp.partition) + ": " +
                                            std::to_string(config_.delivery_timeout.count()) +
                                            " ms has passed since batch creation"));
      for (size_t i = 0; i < batch->records.size(); ++i) {
        done->Add(std::move(batch->callbacks[i]), batch->metadata[i], error);
      }
    }
  }
  for (auto& [topic, queue] : waiting_) {
    while (!queue.empty() && now - queue.front().since >= config_.max_block) {
      Waiting w = std::move(queue.front());
      queue.pop_front();
      done->Add(std::move(w.callback), MetadataFor(w.record, -1),
                ClientError(Status(ClientErrc::kTimedOut,
                                   "topic " + topic + " not present in metadata after " +
                                       std::to_string(config_.max_block.count()) + " ms")));
    }
  }
  return had_sequence;
}

bool RecordAccumulator::FailAll(const ClientError& error, Completions* done) {
  std::lock_guard lock(mu_);
  done->Bind(this);
  bool had_sequence = false;
  for (auto& [tp, q] : queues_) {
    for (auto& batch : q.batches) {
      had_sequence |= batch->base_sequence != kNoSequence;
      for (size_t i = 0; i < batch->records.size(); ++i) {
        done->Add(std::move(batch->callbacks[i]), batch->metadata[i], error);
      }
    }
    q.batches.clear();
  }
  for (auto& [topic, queue] : waiting_) {
    for (Waiting& w : queue) {
      done->Add(std::move(w.callback), MetadataFor(w.record, -1), error);
    }
  }
  waiting_.clear();
  return had_sequence;
}

bool RecordAccumulator::IsNextSequence(const TopicPartition& tp, int32_t base_sequence) const {
  std::lock_guard lock(mu_);
  auto it = queues_.find(tp);
  int32_t last = it == queues_.end() ? -1 : it->second.last_acked_sequence;
  return base_sequence == last + 1;
}

void RecordAccumulator::ResetSequences() {
  std::lock_guard lock(mu_);
  for (auto& [tp, q] : queues_) {
    q.next_sequence = 0;
    q.last_acked_sequence = -1;
    for (auto& batch : q.batches) {
      batch->base_sequence = kNoSequence;
      batch->producer_id = kNoProducerId;
      batch->producer_epoch = kNoProducerEpoch;
    }
  }
}

void RecordAccumulator::BeginFlush() {
  std::lock_guard lock(mu_);
  ++flushing_;
}

void RecordAccumulator::EndFlush() {
  std::lock_guard lock(mu_);
  --flushing_;
}

void RecordAccumulator::AwaitAllCompleted() {
  std::unique_lock lock(mu_);
  all_completed_.wait(lock, [this] { return incomplete_records_ == 0; });
}

void RecordAccumulator::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
}

void RecordAccumulator::Finished(size_t records) {
  std::lock_guard lock(mu_);
  incomplete_records_ -= records;
  if (incomplete_records_ == 0) all_completed_.notify_all();
}

size_t RecordAccumulator::in_flight_batches() const {
  std::lock_guard lock(mu_);
  return in_flight_batches_;
}

bool RecordAccumulator::empty() const {
  std::lock_guard lock(mu_);
  return incomplete_records_ == 0;
}

}  // namespace brook::client
