// client/fetcher.h
//
// The consumer's partitions and the requests that read them: for each
// assigned partition its position (the offset of the next record poll()
// returns), whether it is paused, and the records fetched ahead of it.
//
// A partition without a position first takes its group's committed offset
// (the consumer looks it up, see NeedsCommitted) and otherwise is reset by
// ListOffsets (auto.offset.reset: earliest -2, latest -1, under the
// consumer's isolation level, so latest is the LSO under read_committed).
// Positioned, unpaused partitions are fetched from their leaders, one Fetch
// per leader at a time (sessionless full fetches; topic ids from v13 when the
// metadata has them, else v12 at most). A partition is fetched again as soon
// as its previous response is buffered, from where that response ends, while
// it has fewer than two responses buffered and the buffered bytes of all
// stay under fetch.max.bytes: the next response is on its way while poll()
// drains the last one. A response stays as it came: the io thread only
// frames and checks its batches (FrameFetchedRecords, as Java's
// CompletedFetch filters them), and poll() builds ConsumerRecords from the
// response's bytes, copying each key, value and header once, at most
// max.poll.records at a time. OFFSET_OUT_OF_RANGE resets the partition (or
// fails poll() with auto.offset.reset=none); errors that mean stale metadata
// ask the Cluster for a refresh.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/strand.hpp>
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
#include <string>
#include <vector>

#include "client/client_config.h"
#include "client/client_error.h"
#include "client/consumer_record.h"
#include "client/network/cluster.h"
#include "protocol/messages/fetch.h"
#include "protocol/record_batch.h"

namespace brook::client {

// The batches of one partition's fetched bytes that hold records for the
// consumer, framed and CRC-checked but not decoded; the views point into the
// bytes given.
struct FramedFetch {
  std::vector<RecordBatchView> batches;  // in offset order
  // Where the next fetch starts: past every batch looked at, control and
  // aborted batches included; the fetch offset when nothing was complete.
  int64_t next_offset = 0;
  Status error;  // a corrupt batch (the batches before it are kept)
};

// Frames a partition's RECORDS from a fetch at `fetch_offset`: batches wholly
// before the fetch offset and control batches are left out. Under
// read_committed, batches at or past `last_stable_offset` are left for a
// later fetch, and the batches of a transaction listed in `aborted` are
// skipped up to its abort marker (Java's CompletedFetch.nextFetchedRecord
// and consumeAbortedTransactionsUpTo).
FramedFetch FrameFetchedRecords(int64_t fetch_offset, std::string_view records,
                                IsolationLevel isolation, int64_t last_stable_offset,
                                const std::vector<FetchResponse::AbortedTransaction>& aborted);

// What one partition's fetched bytes hold for the consumer.
struct DecodedFetch {
  std::vector<ConsumerRecord> records;
  // As FramedFetch's; a batch whose records are corrupt stops it there.
  int64_t next_offset = 0;
  Status error;  // a corrupt batch (records before it are kept)
};

// Frames (see FrameFetchedRecords) and decodes a partition's RECORDS at
// once: records before the fetch offset (in a batch that starts earlier) are
// dropped, and control records are never returned.
DecodedFetch DecodeFetchedRecords(const std::string& topic, int32_t partition, int64_t fetch_offset,
                                  std::string_view records, IsolationLevel isolation,
                                  int64_t last_stable_offset,
                                  const std::vector<FetchResponse::AbortedTransaction>& aborted);

// Thread-safe: the user-facing methods run on the consumer's calling thread,
// the awaitables on the consumer's strand; the partition table is behind mu_.
// The Cluster must outlive the Fetcher.
class Fetcher {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;

  // `wake` asks the consumer's loop to look again (a completed request).
  Fetcher(const ClientConfig& config, Cluster& cluster, Strand strand, std::function<void()> wake);

  // --- Any thread.
  // Replaces the assignment. Partitions that stay keep their position; new
  // ones wait for their committed offset when `committed_first`, else reset.
  void Assign(const std::vector<TopicPartition>& partitions, bool committed_first);
  std::vector<TopicPartition> Assignment() const;
  std::vector<std::string> Topics() const;
  // Errors: kInvalidArgument-like ClientErrc::kInvalidRecord when not assigned.
  Status Seek(const TopicPartition& tp, int64_t offset);
  Status SeekTo(const std::vector<TopicPartition>& partitions, OffsetResetStrategy where);
  // The position; nullopt while it is being looked up or reset.
  std::optional<int64_t> Position(const TopicPartition& tp) const;
  bool Assigned(const TopicPartition& tp) const;
  void Pause(const std::vector<TopicPartition>& partitions);
  void Resume(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> Paused() const;
  // Positions of every positioned partition, as a commit of what poll()
  // returned would send them.
  std::map<TopicPartition, OffsetAndMetadata> Consumed() const;
  // Partitions waiting for their committed offset; SetCommitted answers.
  std::vector<TopicPartition> NeedsCommitted() const;
  // The committed offset (nullopt or negative: none, so reset).
  void SetCommitted(const TopicPartition& tp, std::optional<int64_t> offset);

  // Takes up to `max_records` buffered records, advancing positions.
  // Throws nothing; a partition's fatal fetch error comes from TakeError().
  std::vector<ConsumerRecord> Drain(size_t max_records);
  // Waits until records are buffered, an error is pending, `interrupted()`
  // holds (checked when Notify() is called) or `deadline`.
  void Wait(std::chrono::steady_clock::time_point deadline,
            const std::function<bool()>& interrupted);
  // Wakes Wait() and position waiters.
  void Notify();
  // An error poll() must raise (OFFSET_OUT_OF_RANGE under "none", a corrupt
  // batch, an authorization failure); taken once.
  std::optional<ClientError> TakeError();
  // Waits until `tp` has a position or `deadline`.
  std::optional<int64_t> AwaitPosition(const TopicPartition& tp,
                                       std::chrono::steady_clock::time_point deadline);

  // --- On the strand.
  // Sends the ListOffsets the resets need and a Fetch to every leader with
  // fetchable partitions and none in flight. Resets are awaited; fetches
  // complete in the background and call `wake`.
  asio::awaitable<void> SendRequests();
  // When SendRequests next has something to retry (a backoff running out).
  std::optional<std::chrono::steady_clock::time_point> NextRetry() const;
  // Fetches in flight.
  int in_flight() const { return in_flight_; }

  // --- Any thread.
  // Bytes of fetched records waiting for poll(), every partition's.
  size_t buffered_bytes() const {
    std::lock_guard lock(mu_);
    return buffered_bytes_;
  }

 private:
  // One partition's part of a Fetch response, waiting for poll(). Holds the
  // response, whose bytes the batch views point into.
  struct CompletedFetch {
    std::shared_ptr<const FetchResponse> response;
    std::vector<RecordBatchView> batches;  // with records to return
    int64_t next_offset = 0;               // the position once drained
    size_t next_batch = 0;                 // the first batch not opened yet
    std::optional<RecordCursor> cursor;    // the open batch's records
    size_t bytes = 0;                      // of the batches not opened yet
  };
  struct PartitionState {
    std::optional<int64_t> position;
    bool awaiting_committed = false;
    std::optional<OffsetResetStrategy> reset;  // set: waiting for ListOffsets
    bool paused = false;
    bool fetch_in_flight = false;
    uint64_t generation = 0;               // bumped by every seek: stale answers are dropped
    std::deque<CompletedFetch> completed;  // fetched ahead of the position, in order
    size_t buffered_bytes = 0;             // of `completed`
    int32_t leader_epoch = -1;
    std::chrono::steady_clock::time_point retry_at{};
  };
  struct FetchTarget {
    TopicPartition tp;
    int64_t fetch_offset = 0;
    uint64_t generation = 0;
    int32_t leader_epoch = -1;
  };

  asio::awaitable<void> ResetOffsets(int32_t node, std::vector<FetchTarget> targets,
                                     OffsetResetStrategy strategy);
  asio::awaitable<void> Fetch(int32_t node, std::vector<FetchTarget> targets);
  // REQUIRES: mu_ held.
  void ResetLocked(PartitionState& state);
  void ClearBufferedLocked(PartitionState& state);
  void FailFetchLocked(const std::vector<FetchTarget>& targets);
  bool HasDataLocked() const;
  // Moves up to `max_records` of `state`'s buffered records to `out`.
  void DrainLocked(const TopicPartition& tp, PartitionState& state, size_t max_records,
                   std::vector<ConsumerRecord>* out);
  // Where the partition's next fetch starts: past what is buffered.
  static int64_t NextFetchOffset(const PartitionState& state) {
    return state.completed.empty() ? *state.position : state.completed.back().next_offset;
  }

  const ClientConfig& config_;
  Cluster& cluster_;
  Strand strand_;
  std::function<void()> wake_;
  std::set<int32_t> nodes_fetching_;  // strand_
  int in_flight_ = 0;                 // strand_

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<TopicPartition, PartitionState> partitions_;  // guarded by mu_
  std::optional<ClientError> error_;                     // guarded by mu_
  uint64_t notifications_ = 0;                           // guarded by mu_
  size_t buffered_bytes_ = 0;                            // guarded by mu_: every partition's
  size_t drain_start_ = 0;  // guarded by mu_: round robin over partitions in Drain
};

}  // namespace brook::client
