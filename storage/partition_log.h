// storage/partition_log.h
//
// One partition's log: a directory `<topic>-<partition>` of segments (see
// storage/segment.h) with their aborted-transaction indexes (.txnindex) and
// producer-state snapshots (.snapshot). It validates and appends produced
// batches as a Kafka leader does (UnifiedLog.appendAsLeader and
// LogValidator), enforces idempotence and transaction rules through
// ProducerState, appends transaction markers, serves reads up to the high
// watermark or the last stable offset, finds offsets by timestamp, and keeps
// the log start offset (retention, DeleteRecords).
//
// Offsets: log_start_offset <= last_stable_offset <= high_watermark <=
// log_end_offset. With one node the high watermark is the log end once the
// data is as durable as the flush policy asks (at once for kOs and
// kInterval; after the fsync for kEveryAppend). The last stable offset is
// min(first offset of any open transaction, high watermark).
//
// Recovery (Open): segments below the recovery point are trusted; the others
// are scanned batch by batch and cut at the first torn or corrupt batch, and
// every segment after a cut one is deleted. Producer state comes from the
// newest valid snapshot plus a replay of the batches after it, which also
// rebuilds the .txnindex entries of that range.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/record.h"
#include "protocol/record_batch.h"
#include "protocol/wire/serde.h"
#include "storage/aborted_txn_index.h"
#include "storage/errors.h"
#include "storage/log_cleaner.h"
#include "storage/log_config.h"
#include "storage/producer_state.h"
#include "storage/segment.h"

namespace brook::storage {

class FileSystem;

enum class IsolationLevel { kReadUncommitted = 0, kReadCommitted = 1 };

// Where a previous run left the log, from the catalog's checkpoint.
struct LogStart {
  int64_t log_start_offset = 0;
  // Everything below it was synced before: no need to scan it.
  int64_t recovery_point = 0;
  // Compaction: everything below it was cleaned (-1: nothing known), and
  // when tombstones next pass their delete horizon.
  int64_t first_dirty_offset = -1;
  std::optional<int64_t> next_delete_horizon_ms;
};

struct AppendResult {
  int64_t base_offset = -1;  // of the first batch
  int64_t last_offset = -1;  // of the last record
  // The broker's append time under LogAppendTime; -1 under CreateTime.
  int64_t log_append_time_ms = -1;
  int64_t log_start_offset = 0;
  // The batch was a retry of one already in the log: nothing was written and
  // the offsets are the original ones.
  bool duplicate = false;
};

// Whole batches left in a segment's .log file, for the broker to send with
// sendfile(2). Keeps the file open: the range stays readable after the
// segment is deleted or compacted away.
class FileRange final : public wire::ExternalBytes {
 public:
  FileRange(std::shared_ptr<const File> file, uint64_t position, size_t size)
      : file_(std::move(file)), position_(position), size_(size) {}

  size_t size() const override { return size_; }
  int fd() const override { return file_->native_handle(); }
  uint64_t offset() const override { return position_; }
  bool AppendTo(std::string& out) const override;

 private:
  std::shared_ptr<const File> file_;
  uint64_t position_;
  size_t size_;
};

struct ReadResult {
  std::string records;  // whole batches, possibly empty
  // Instead of `records`, when the read was asked for a file range: the
  // batches as bytes of the segment file.
  std::shared_ptr<const FileRange> file_range;
  int64_t high_watermark = 0;
  int64_t last_stable_offset = 0;
  int64_t log_start_offset = 0;
  // read_committed only: aborted transactions overlapping the returned range.
  std::vector<AbortedTxn> aborted;

  size_t size() const { return file_range != nullptr ? file_range->size() : records.size(); }
};

// PartitionLog::Read's `min_file_range_bytes` for reads that always copy.
inline constexpr size_t kNoFileRange = std::numeric_limits<size_t>::max();

struct TimestampOffset {
  int64_t timestamp = -1;
  int64_t offset = -1;
  bool operator==(const TimestampOffset&) const = default;
};

// Thread-safe: every public method takes mu_.
class PartitionLog {
 public:
  using NowMs = std::function<int64_t()>;

  // Opens (and recovers) the log in `dir`, creating the directory and a first
  // segment at log_start_offset when there is none. `fs` must outlive the log.
  static Result<std::unique_ptr<PartitionLog>> Open(FileSystem& fs, std::string dir,
                                                    LogConfig config, LogStart start, NowMs now);

  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Validates and appends the batches of one produce request for this
  // partition (`records` is modified in place: offsets, leader epoch, append
  // time). Nothing is written unless every batch is valid.
  // Errors (storage::Errc): kCorruptBatch (CRC, framing; CORRUPT_MESSAGE),
  // kInvalidRecord (INVALID_RECORD), kInvalidTimestamp (INVALID_TIMESTAMP),
  // kRecordTooLarge (MESSAGE_TOO_LARGE), and ProducerState::Check's. When
  // single records are at fault (no key in a compacted topic, a timestamp
  // out of bounds) every one of them is listed in `*record_errors`, if given,
  // and the status's context is Kafka's error_message for them.
  // AppendOrigin::kCoordinator (the broker's own writes, e.g. transactional
  // offset commits) takes producer batches without sequence numbers and
  // checks only their epoch and transaction state; a transactional one opens
  // the producer's transaction here as any other.
  Result<AppendResult> Append(std::string records, int32_t leader_epoch,
                              AppendOrigin origin = AppendOrigin::kClient,
                              std::vector<RecordError>* record_errors = nullptr);
  // The same, on bytes the caller owns (a request frame): the batch headers
  // are rewritten in place there.
  Result<AppendResult> Append(std::span<char> records, int32_t leader_epoch,
                              AppendOrigin origin = AppendOrigin::kClient,
                              std::vector<RecordError>* record_errors = nullptr);

  // Appends a COMMIT or ABORT marker for the producer's transaction
  // (WriteTxnMarkers / EndTxn). Errors: ProducerState::ApplyMarker's.
  Result<AppendResult> AppendMarker(int64_t producer_id, int16_t producer_epoch,
                                    ControlRecordType type, int32_t coordinator_epoch,
                                    int32_t leader_epoch);

  // Whole batches from the one holding `offset`, up to `max_bytes` (at least
  // one batch), below the high watermark or, for read_committed, the last
  // stable offset. A read of at least `min_file_range_bytes` from a segment
  // file with an OS descriptor comes back as a FileRange instead of bytes.
  // Errors: kOffsetOutOfRange.
  Result<ReadResult> Read(int64_t offset, size_t max_bytes, IsolationLevel isolation,
                          size_t min_file_range_bytes = kNoFileRange) const;

  // The first record with timestamp >= `timestamp` (ListOffsets by time);
  // nullopt when every record is older.
  Result<std::optional<TimestampOffset>> OffsetForTimestamp(int64_t timestamp) const;
  // The record with the largest timestamp (ListOffsets MAX_TIMESTAMP, -3).
  Result<std::optional<TimestampOffset>> MaxTimestamp() const;

  // Moves the log start offset up to `offset` and deletes the segments wholly
  // below it (DeleteRecords). Errors: kOffsetOutOfRange above the high watermark.
  Status DeleteRecordsBefore(int64_t offset);
  // Deletes old segments by retention.ms and retention.bytes (never the active
  // one, never data above the high watermark) unless the policy is compact
  // alone; rolls the active segment when segment.ms has passed. Returns the
  // number of segments deleted.
  Result<int> ApplyRetention();
  // Compacts the closed segments below the last stable offset when the
  // policy includes compact and the log is dirty enough (see
  // storage/log_cleaner.h); the broker's background cleaner calls it. Returns
  // what was done (segments_cleaned 0: nothing). On error the log holds
  // every segment either as it was or cleaned.
  Result<CleanStats> Compact();
  // Forgets producers idle longer than producer.id.expiration.ms.
  void ExpireProducers();
  // fsyncs what is not durable yet and advances the recovery point.
  Status Flush();
  // fsyncs the segments rolled since the last flush, without holding the
  // log's lock while the disk works (Kafka's flush after a roll), and moves
  // the recovery point to the active segment. The broker's maintenance thread
  // calls it; appends meanwhile go on.
  Status FlushRolled();
  // Flushes when flush_policy is kInterval and flush_interval_ms has passed.
  Status FlushIfDue();
  // Flush, snapshot producer state, close the files. Further calls fail.
  Status Close();
  // Closes and deletes the whole directory (DeleteTopics).
  Status Remove();

  int64_t log_start_offset() const;
  int64_t log_end_offset() const;
  int64_t high_watermark() const;
  int64_t last_stable_offset() const;
  int64_t recovery_point() const;
  // The cleaner's position, for the catalog's checkpoint (see LogStart).
  int64_t first_dirty_offset() const;
  std::optional<int64_t> next_delete_horizon_ms() const;
  size_t segment_count() const;
  uint64_t size_bytes() const;
  std::vector<ProducerDescription> DescribeProducers() const;
  const std::string& dir() const { return dir_; }
  void set_config(LogConfig config);
  LogConfig config() const;

 private:
  struct SegmentEntry {
    std::unique_ptr<Segment> segment;
    std::unique_ptr<AbortedTxnIndex> txn_index;
    int64_t created_ms = 0;  // for segment.ms
  };

  PartitionLog(FileSystem& fs, std::string dir, LogConfig config, NowMs now)
      : fs_(fs), dir_(std::move(dir)), config_(config), now_(std::move(now)) {}

  Status Load(LogStart start);
  Status RebuildProducerState();
  Result<SegmentEntry> OpenSegmentFiles(int64_t base_offset, Recover recover);
  Status Roll();                            // REQUIRES: mu_ held
  Status MaybeRoll(size_t incoming_bytes);  // REQUIRES: mu_ held
  Status AppendBatchLocked(std::string_view batch, const RecordBatchHeader& header);
  Status AfterAppendLocked();
  int64_t LastStableOffsetLocked() const;
  // Segments taken out of the log under mu_, whose files are removed after
  // it is released (unlinks must not stall appends), with the producer
  // snapshots below the new first segment.
  struct Detached {
    std::vector<SegmentEntry> segments;
    int64_t snapshots_before = -1;  // -1: no snapshot goes
  };
  void DetachSegmentLocked(std::map<int64_t, SegmentEntry>::iterator it, Detached* detached);
  Status RemoveDetached(Detached& detached);
  // Deletes the files of a segment no longer in segments_, or keeps its .log
  // and indexes for a later roll (Segment::Retire): emptied, or the .log
  // with its bytes.
  enum class Retire { kNo, kEmpty, kKeepBytes };
  Status RemoveSegmentFiles(SegmentEntry& entry, Retire retire = Retire::kNo);
  Status ApplyRetentionLocked(Detached* detached);
  Status DeleteRecordsBeforeLocked(int64_t offset, Detached* detached);
  SegmentEntry& active() { return segments_.rbegin()->second; }
  const SegmentEntry& active() const { return segments_.rbegin()->second; }
  // The segment holding `offset`, or end().
  std::map<int64_t, SegmentEntry>::const_iterator SegmentFor(int64_t offset) const;

  FileSystem& fs_;
  const std::string dir_;
  mutable std::mutex mu_;
  // Held while detached segments' files are removed (outside mu_), so that
  // Close and Remove wait for it: Remove deletes the directory, and a new
  // log of the same partition may then create files of the same names.
  // Order: files_mu_ before mu_.
  std::mutex files_mu_;
  LogConfig config_;  // guarded by mu_
  NowMs now_;
  std::map<int64_t, SegmentEntry> segments_;  // guarded by mu_; by base offset
  // Base offsets of deleted segments whose emptied files wait, renamed
  // "*.deleted", for the next rolls to reuse (Segment::Retire). Guarded by mu_.
  struct RetiredSegment {
    int64_t base_offset = 0;
    uint64_t kept_bytes = 0;  // the old .log's bytes, kept for their cached pages
  };
  std::vector<RetiredSegment> retired_segments_;
  uint64_t retired_bytes_ = 0;  // their kept_bytes, at most kMaxRetiredBytes
  // Paths of deleted producer snapshots kept for the next rolls' snapshots
  // (ProducerState::DeleteSnapshotsBefore). Guarded by mu_.
  std::vector<std::string> retired_snapshots_;
  ProducerState producers_;       // guarded by mu_
  int64_t log_start_offset_ = 0;  // guarded by mu_
  int64_t high_watermark_ = 0;    // guarded by mu_
  int64_t recovery_point_ = 0;    // guarded by mu_
  int64_t last_flush_ms_ = 0;     // guarded by mu_
  // Rolls that created files whose directory entries are not synced yet, and
  // how many of them a SyncDir has covered. Under kEveryAppend a roll syncs at
  // once; otherwise the next flush does.
  uint64_t dir_changes_ = 0;  // guarded by mu_
  uint64_t dir_synced_ = 0;   // guarded by mu_
  // Compaction: everything below was cleaned; checkpointed in the catalog.
  int64_t first_dirty_offset_ = 0;                 // guarded by mu_
  std::optional<int64_t> next_delete_horizon_ms_;  // guarded by mu_
  bool closed_ = false;                            // guarded by mu_
};

}  // namespace brook::storage
