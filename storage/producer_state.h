// storage/producer_state.h
//
// What one partition knows about its idempotent and transactional producers,
// kept the way Apache Kafka's ProducerStateManager keeps it: per producer id
// the epoch, the last five batches (for duplicate detection and sequence
// order), the first offset of its open transaction and the coordinator epoch
// of its last marker. The leader checks every producer batch against it before
// the append, the open transactions give the last stable offset, and snapshots
// spare a restart from replaying the whole log.
//
// Append rules (Kafka 3.x/4.0: UnifiedLog.analyzeAndValidateProducerState and
// ProducerAppendInfo, transactions of versions 0 and 1), in this order:
//   1. A batch without a producer id is not checked at all.
//   2. Duplicate: same epoch as the producer's and the same first and last
//      sequence as one of its last five batches. Nothing is appended; the
//      broker answers as if it had just appended it: base_offset = that
//      batch's first offset, log_append_time = its max timestamp (Kafka's
//      UnifiedLog.append sets both from the cached batch).
//   3. Epoch older than the producer's: kInvalidProducerEpoch. Kafka's produce
//      response says INVALID_PRODUCER_EPOCH (47) for idempotent and
//      transactional producers alike: since 2.7 (KIP-588, KAFKA-10687) a
//      partition leader never answers a produce with PRODUCER_FENCED (90),
//      which only the transaction coordinator returns.
//   4. Newer epoch: the first sequence must be 0 (kOutOfOrderSequence, Kafka
//      OUT_OF_ORDER_SEQUENCE_NUMBER). Same epoch: the first sequence must follow
//      the last one, wrapping from INT32_MAX to 0 (kOutOfOrderSequence).
//      Unknown producer id (no state, or state with no epoch): any sequence is
//      accepted, as Kafka does since 2.5 (KIP-360): its state may have been
//      lost to retention, DeleteRecords or expiration, and the producer cannot
//      tell. So kUnknownProducerId (UNKNOWN_PRODUCER_ID) is never returned;
//      brokers before 2.5 returned it for a non-zero sequence.
//   5. A non-transactional batch while the producer's transaction is open:
//      kInvalidTxnState (INVALID_TXN_STATE). A transactional batch of a producer
//      without an open transaction opens one at the batch's base offset.
//   Batches the broker writes itself (AppendOrigin::kCoordinator, Kafka's
//   AppendOrigin.COORDINATOR: the group coordinator's transactional offset
//   commits) carry no sequence numbers: rules 2 and 4 are skipped, 3 and 5
//   apply.
//   A marker (ApplyMarker) with an epoch older than the producer's:
//   kInvalidProducerEpoch (INVALID_PRODUCER_EPOCH); with a coordinator epoch
//   older than the last marker's: kCoordinatorFenced (Kafka's
//   TRANSACTION_COORDINATOR_FENCED, 52). A marker of a producer without an open
//   transaction is accepted and completes nothing (Kafka writes no .txnindex
//   entry for it either), but its epoch, coordinator epoch and timestamp apply.
//
// Not supported: transactions version 2 (KIP-890 part 2: markers carry a
// bumped epoch and must be strictly newer, retried markers are idempotent),
// the transactional verification of KIP-890 part 1 (the broker's job), and
// transactions completed above the high watermark (Kafka's unreplicated
// transactions; FirstUnstableOffset counts only open ones).
//
// Snapshot file <next_offset as 20 digits>.snapshot, big-endian:
//   header, 18 bytes:
//     magic                     uint32  0x42505353 ("BPSS")
//     version                   int16   1
//     next_offset               int64   the state covers every batch below it
//     producer_count            int32
//   producer_count producers, by ascending producer id:
//     producer_id               int64
//     producer_epoch            int16
//     coordinator_epoch         int32   -1: no marker yet
//     last_timestamp            int64
//     current_txn_first_offset  int64   -1: no open transaction
//     batch_count               int8    0 to 5
//     batch_count batches, oldest first, 32 bytes each:
//       first_sequence          int32
//       last_sequence           int32
//       first_offset            int64
//       last_offset             int64
//       max_timestamp           int64
//   checksum                    uint64  XXH64 (seed 0) of every byte before it
// Unlike Kafka's snapshot (last batch only), all five batches are kept, so
// duplicates are still detected after a restart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/record.h"
#include "protocol/record_batch.h"

namespace brook::storage {

class FileSystem;

// Batches per producer remembered for duplicate detection (Kafka's
// NUM_BATCHES_TO_RETAIN, which matches max.in.flight.requests.per.connection).
inline constexpr size_t kProducerBatchesToRetain = 5;

// One appended batch of a producer.
struct ProducerBatch {
  int32_t first_sequence = kNoSequence;
  int32_t last_sequence = kNoSequence;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t max_timestamp = kNoTimestamp;

  bool operator==(const ProducerBatch&) const = default;
};

// The state of one producer id.
struct ProducerEntry {
  int16_t producer_epoch = kNoProducerEpoch;
  std::vector<ProducerBatch> batches;  // oldest first, at most kProducerBatchesToRetain
  std::optional<int64_t> current_txn_first_offset;  // the open transaction
  int32_t coordinator_epoch = -1;                   // of the last marker
  int64_t last_timestamp = kNoTimestamp;  // of the last batch or marker: drives expiration

  int32_t last_sequence() const {
    return batches.empty() ? kNoSequence : batches.back().last_sequence;
  }

  bool operator==(const ProducerEntry&) const = default;
};

// Who wrote a batch: a producer (every rule above) or the broker's own
// coordinator (no duplicate detection, no sequence checks).
enum class AppendOrigin { kClient, kCoordinator };

// What Check decided about a batch.
struct AppendCheck {
  enum Outcome { kAppend, kDuplicate };

  Outcome outcome = kAppend;
  // kDuplicate: the batch already in the log. The broker answers with its
  // offsets and appends nothing.
  ProducerBatch original;
};

// A transaction ended by a marker.
struct CompletedTxn {
  int64_t producer_id = kNoProducerId;
  int64_t first_offset = 0;  // of the transaction's first batch
  int64_t last_offset = 0;   // of the marker
  bool is_abort = false;
  // The last stable offset once this transaction is complete: the first
  // offset of the oldest transaction still open, else last_offset + 1. An
  // aborted transaction's .txnindex entry records it (Kafka's
  // ProducerStateManager.lastStableOffset).
  int64_t last_stable_offset = 0;

  bool operator==(const CompletedTxn&) const = default;
};

// One row of DescribeProducers.
struct ProducerDescription {
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t last_sequence = kNoSequence;
  int64_t last_timestamp = kNoTimestamp;
  int32_t coordinator_epoch = -1;
  int64_t current_txn_start_offset = -1;  // -1: no open transaction

  bool operator==(const ProducerDescription&) const = default;
};

// The producer state of one partition. Not thread-safe: owned and guarded by
// the partition log's mutex, like the log it describes.
class ProducerState {
 public:
  // Whether `batch`, about to be appended, may be (see the rules above).
  // Changes nothing. Errors: kInvalidProducerEpoch, kOutOfOrderSequence,
  // kInvalidTxnState, kInvalidArgument (a control batch: markers go through
  // ApplyMarker).
  Result<AppendCheck> Check(const RecordBatchHeader& batch,
                            AppendOrigin origin = AppendOrigin::kClient) const;

  // Records a data batch just appended, with its assigned offsets: the
  // producer's epoch (a new one forgets the old epoch's batches), the batch
  // (the oldest of six is dropped), the last timestamp, and the start of a
  // transaction if the batch is transactional and none is open. A batch
  // without a producer id changes nothing.
  // REQUIRES: Check accepted the batch (kAppend); !appended.is_control().
  void Update(const RecordBatchHeader& appended);

  // Applies the marker appended at `marker_offset` (timestamp_ms: its
  // record's timestamp). Ends the producer's open transaction and returns it;
  // nullopt if none was open. Errors: kInvalidProducerEpoch, kCoordinatorFenced
  // (older coordinator epoch), kInvalidArgument (type neither abort nor
  // commit). Nothing changes on error.
  Result<std::optional<CompletedTxn>> ApplyMarker(int64_t producer_id, int16_t producer_epoch,
                                                  ControlRecordType type, int32_t coordinator_epoch,
                                                  int64_t marker_offset, int64_t timestamp_ms);

  // The first offset of the oldest open transaction, if any. The partition log's
  // last stable offset is min(this, high watermark).
  std::optional<int64_t> FirstUnstableOffset() const;

  // Rebuilds state from a batch read back from the log (after the snapshot
  // loaded, if any), data or marker, without any check, as Kafka replays
  // replicated or recovered batches. Returns the transaction a marker
  // completed, so that recovery can rebuild the .txnindex. Errors: a control
  // batch whose marker cannot be read (ReadEndTransactionMarker's). A control
  // batch without records (its transaction compacted away) is skipped.
  Result<std::optional<CompletedTxn>> ReplayBatch(const RecordBatchView& batch);

  // Forgets producers without an open transaction whose last timestamp is
  // at least `producer_id_expiration_ms` before `now_ms` (Kafka's
  // producer.id.expiration.ms, default one day).
  // REQUIRES: now_ms >= 0, producer_id_expiration_ms >= 0.
  void ExpireProducers(int64_t now_ms, int64_t producer_id_expiration_ms);

  // Every producer, by ascending id (DescribeProducers).
  std::vector<ProducerDescription> Describe() const;
  // The producer's state, or nullptr. Valid until the next non-const call.
  const ProducerEntry* Find(int64_t producer_id) const;
  size_t producer_count() const { return producers_.size(); }
  // Forgets everything (before reloading, or when the log is truncated fully).
  void Clear();

  // --- Snapshots ---

  // The state in the snapshot format above, taken at log offset `next_offset`.
  std::string Snapshot(int64_t next_offset) const;
  // Replaces the state with a snapshot's. Errors: kCorruptSnapshot (bad
  // checksum, truncated, unknown magic or version, inconsistent fields); the
  // state is then unchanged and the caller rebuilds from the log.
  Status LoadSnapshot(std::string_view snapshot);

  // Writes Snapshot(next_offset) durably to `dir`/<next_offset>.snapshot:
  // into a .tmp file, synced, renamed over the final name, directory synced.
  // With !durable nothing is synced (Kafka's snapshot at a roll): a crash may
  // leave the file torn or gone, which its checksum and a replay cover.
  // `reuse` names a file DeleteSnapshotsBefore kept: it becomes the .tmp
  // (sparing the file system a new inode) instead of a new file.
  Status WriteSnapshotFile(FileSystem& fs, const std::string& dir, int64_t next_offset,
                           bool durable = true,
                           const std::optional<std::string>& reuse = std::nullopt) const;
  // Loads the newest valid snapshot in `dir` and returns its offset (replay
  // the log from there). Corrupt snapshots are deleted on the way, and so are
  // snapshots above `log_end_offset` (the log lost what they describe) and
  // leftover .tmp files. Errors: kNotFound if no valid snapshot is left (the
  // state is then empty: replay from the log start), file system errors.
  Result<int64_t> LoadLatestSnapshot(FileSystem& fs, const std::string& dir,
                                     int64_t log_end_offset = std::numeric_limits<int64_t>::max());
  // Deletes the snapshots of `dir` taken below `offset` (the log start moved
  // past them). The directory is not synced: an old snapshot that comes back
  // after a crash is never preferred to a newer one, and the next deletion
  // removes it again. Up to `keep` of them are renamed "<name>.deleted"
  // instead, and their paths added to `*kept`, for WriteSnapshotFile to
  // reuse (a log's open deletes such leftovers).
  static Status DeleteSnapshotsBefore(FileSystem& fs, const std::string& dir, int64_t offset,
                                      size_t keep = 0, std::vector<std::string>* kept = nullptr);
  // "<offset as 20 digits>.snapshot".
  static std::string SnapshotFileName(int64_t offset);

 private:
  void AppendBatch(int64_t producer_id, const RecordBatchHeader& batch);
  // Replaces the state with a decoded snapshot's producers.
  void Install(std::map<int64_t, ProducerEntry> producers);
  std::optional<CompletedTxn> EndTxn(int64_t producer_id, int16_t producer_epoch,
                                     ControlRecordType type, int32_t coordinator_epoch,
                                     int64_t marker_offset, int64_t timestamp_ms);

  std::map<int64_t, ProducerEntry> producers_;
  std::set<std::pair<int64_t, int64_t>> open_txns_;  // {first_offset, producer_id}
};

}  // namespace brook::storage
