// client/record_accumulator.h
//
// Records waiting to be sent, in per-partition queues of batches. send()
// appends: the record is encoded straight into the last open batch of its
// partition (varint framing, protocol/record.h), or into a new one when that
// is full (batch.size, uncompressed) or absent; its callback, timestamp and
// sizes go into the batch's vector beside it, and its RecordMetadata is only
// built when the batch completes. A batch is ready once full, linger.ms old,
// or when someone flushes. The sender drains ready batches (one per partition
// per request), closes them (compression, then the header and CRC, once per
// attempt: retries may carry a new sequence), and hands each back as
// completed, to retry (it goes back in front, in its original order), or
// failed.
//
// Records of a topic whose partition count is not known yet wait in the
// topic's own queue, in order, until SetPartitionCount (the sender asks for
// metadata) or until max.block.ms passes (they fail).
//
// Idempotence: each partition keeps the next sequence number and the last
// acknowledged one; a batch gets its base sequence when first drained, under
// the producer id and epoch the sender passes. ResetSequences (an epoch bump)
// starts every partition at 0 again and makes unacknowledged batches take new
// sequences.
//
// Transactions: the sender drains only partitions the transaction manager
// has added to the transaction (Drain's `may_send`); QueuedPartitions tells it
// which partitions have batches waiting.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "client/client_config.h"
#include "client/partitioner.h"
#include "client/producer_record.h"
#include "client/topic_partition.h"
#include "protocol/base/status.h"
#include "protocol/compression.h"
#include "protocol/record_batch.h"

namespace brook::client {

using Clock = std::chrono::steady_clock;

// One batch for one partition. Owned by the accumulator while queued (appends
// hold its partition's lock) and by the sender once drained, when it is
// closed to appends for good.
struct ProducerBatch {
  // What the completion of one record needs besides the batch.
  struct PendingRecord {
    SendCallback callback;
    int64_t timestamp = 0;  // CreateTime
    int32_t key_size = -1;
    int32_t value_size = -1;
  };

  TopicPartition tp;
  uint64_t order = 0;  // creation order within the partition
  // kRecordBatchHeaderSize bytes of room for the header, then the records as
  // AppendRecord encodes them; replaced by the codec's output at the first
  // Encode() when compressed.
  std::string buffer;
  std::vector<PendingRecord> records;  // one per record, in offset order
  int64_t base_timestamp = 0;
  int64_t max_timestamp = kNoTimestamp;
  bool compressed = false;  // buffer holds the compressed records
  Clock::time_point created{};
  bool full = false;  // closed to appends
  int attempts = 0;   // sends so far
  Clock::time_point retry_at{};
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;

  int32_t record_count() const { return static_cast<int32_t>(records.size()); }
  int32_t last_sequence() const {
    return base_sequence == kNoSequence ? kNoSequence : base_sequence + record_count() - 1;
  }
  // The batch's bytes for one attempt: compresses the records the first time
  // (`compression` must be the same on every call), then writes the header
  // (`attributes` besides the codec; the producer id, epoch and sequence as
  // they are now) and the CRC. REQUIRES: drained (no more appends).
  // Errors: the codec's.
  Result<std::string> Encode(Compression compression, int16_t attributes);
};

// The producer id and epoch batches are drained under; pid -1: none.
struct ProducerIdAndEpoch {
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
};

// Thread-safe. Locks: topics_mu_ guards the topic table (shared for appends
// and the sender's walks, exclusive to add topics or partitions and for the
// records waiting for metadata), and each partition's queue has its own
// mutex, taken inside it: send() threads appending to different partitions
// never wait for one another, and the sender holds a partition only to look
// at or pop its head. Callbacks are never run under a lock: methods that
// complete records return them as a Completions to run.
class RecordAccumulator {
 public:
  // Records to complete, run by Run() outside the locks; a record counts as
  // incomplete (flush() waits for it) until its callback has returned.
  class Completions {
   public:
    Completions() = default;
    Completions(const Completions&) = delete;
    Completions& operator=(const Completions&) = delete;
    ~Completions() { Run(); }
    void Bind(RecordAccumulator* owner) { owner_ = owner; }
    // One record that never joined a batch.
    void Add(SendCallback cb, RecordMetadata md, std::optional<ClientError> error) {
      items_.push_back(Item{.cb = std::move(cb), .md = std::move(md), .error = std::move(error)});
    }
    // Every record of `batch`: acknowledged at `base_offset` (-1: unknown)
    // when `error` is empty, else failed with it.
    void AddBatch(std::shared_ptr<ProducerBatch> batch, int64_t base_offset,
                  int64_t log_append_time_ms, std::optional<ClientError> error) {
      items_.push_back(Item{.batch = std::move(batch),
                            .base_offset = base_offset,
                            .log_append_time_ms = log_append_time_ms,
                            .error = std::move(error)});
    }
    void Run();
    bool empty() const { return items_.empty(); }

   private:
    struct Item {
      std::shared_ptr<ProducerBatch> batch;  // null: one record, `cb` and `md`
      SendCallback cb;
      RecordMetadata md;
      int64_t base_offset = -1;
      int64_t log_append_time_ms = -1;
      std::optional<ClientError> error;
    };
    std::vector<Item> items_;
    RecordAccumulator* owner_ = nullptr;
  };

  explicit RecordAccumulator(const ClientConfig& config);

  // Appends a record. Returns true when the sender should look again (a
  // batch filled up, a new batch or topic appeared). Completes the record
  // at once with an error when it cannot be sent (bad partition, closed).
  bool Append(ProducerRecord record, SendCallback callback, Completions* done);

  // Topics with records waiting for their partition count.
  std::vector<std::string> TopicsAwaitingMetadata() const;
  // Places the waiting records of `topic`; `count` <= 0 fails them with `error`.
  void SetPartitionCount(const std::string& topic, int32_t count, const ClientError* error,
                         Completions* done);

  // Pops the batches ready to send, at most one per partition, grouped by
  // leader. `leader` returns the partition's leader or nullopt (the partition
  // is skipped and `*need_metadata` set); `node_has_room` says whether a node
  // can take another request; `may_send`, when given, whether a partition
  // may be sent to yet (a transaction has added it).
  std::map<int32_t, std::vector<std::shared_ptr<ProducerBatch>>> Drain(
      Clock::time_point now,
      const std::function<std::optional<int32_t>(const TopicPartition&)>& leader,
      const std::function<bool(int32_t node)>& node_has_room, const ProducerIdAndEpoch& pid,
      bool* need_metadata, const std::function<bool(const TopicPartition&)>& may_send = {});
  // Partitions with batches queued (not in flight).
  std::vector<TopicPartition> QueuedPartitions() const;
  // When the sender must look again at the latest (the earliest linger,
  // retry or expiry deadline); nullopt: nothing is waiting.
  std::optional<Clock::time_point> NextDeadline(Clock::time_point now) const;

  // An in-flight batch was acknowledged at `base_offset` (-1: unknown).
  void Complete(const std::shared_ptr<ProducerBatch>& batch, int64_t base_offset,
                int64_t log_append_time_ms, Completions* done);
  // An in-flight batch goes back in front of its queue, sendable at `retry_at`.
  void Reenqueue(const std::shared_ptr<ProducerBatch>& batch, Clock::time_point retry_at);
  // An in-flight batch failed for good.
  void Fail(const std::shared_ptr<ProducerBatch>& batch, const ClientError& error,
            Completions* done);
  // Fails queued batches older than delivery.timeout.ms and waiting records
  // older than max.block.ms. Returns true when a batch that had a sequence
  // number expired (the idempotent producer must bump its epoch).
  bool Expire(Clock::time_point now, Completions* done);
  // Fails every queued and waiting record (fatal error, an aborted
  // transaction). Returns true when a failed batch had a sequence number.
  bool FailAll(const ClientError& error, Completions* done);

  // The base sequence `batch` would need to be the next one acknowledged.
  bool IsNextSequence(const TopicPartition& tp, int32_t base_sequence) const;
  // Epoch bump: sequences restart at 0 everywhere; unacknowledged queued
  // batches lose theirs. REQUIRES: nothing in flight.
  void ResetSequences();

  // Flushing makes every batch ready at once; nested calls count.
  void BeginFlush();
  void EndFlush();
  // Blocks until every record appended so far is completed.
  void AwaitAllCompleted();
  // No more appends: they fail with kClosed.
  void Close();

  size_t in_flight_batches() const;
  bool empty() const;  // nothing queued, waiting or in flight

 private:
  struct PartitionQueue {
    mutable std::mutex mu;
    std::deque<std::shared_ptr<ProducerBatch>> batches;  // guarded by mu
    int in_flight = 0;                                   // guarded by mu
    uint64_t next_order = 0;                             // guarded by mu
    int32_t next_sequence = 0;                           // guarded by mu
    int32_t last_acked_sequence = -1;                    // guarded by mu
  };
  struct Waiting {
    ProducerRecord record;
    SendCallback callback;
    Clock::time_point since;
  };
  struct Topic {
    int32_t partition_count = 0;  // 0: not known yet
    // One per partition ever known (a count only grows); never removed, so
    // a queue may be used after topics_mu_ is released.
    std::vector<std::unique_ptr<PartitionQueue>> partitions;
    std::deque<Waiting> waiting;  // records waiting for the partition count
  };

  // REQUIRES: topics_mu_ held (either way) and topic.partition_count > 0.
  bool AppendLocked(const std::string& name, Topic& topic, ProducerRecord& record,
                    SendCallback& callback, Completions* done);
  // The queue of `tp`, or null when its topic or partition is unknown.
  // REQUIRES: topics_mu_ held.
  PartitionQueue* QueueLocked(const TopicPartition& tp) const;
  // Counts `batch` out of flight and runs `fn` on its partition's queue with
  // the queue's lock held (a batch came back: acknowledged, failed, retried).
  template <typename Fn>
  void Land(const ProducerBatch& batch, Fn&& fn);
  void Finished(size_t records);
  static RecordMetadata MetadataFor(const ProducerRecord& r, int32_t partition);

  const ClientConfig config_;
  mutable std::shared_mutex topics_mu_;
  std::map<std::string, Topic, std::less<>> topics_;  // guarded by topics_mu_
  bool closed_ = false;                               // guarded by topics_mu_
  std::mutex sticky_mu_;
  StickyPartitioner sticky_;  // guarded by sticky_mu_
  std::atomic<size_t> incomplete_records_{0};
  std::atomic<size_t> in_flight_batches_{0};
  std::atomic<int> flushing_{0};
  std::mutex completed_mu_;  // pairs with all_completed_
  std::condition_variable all_completed_;
};

}  // namespace brook::client
