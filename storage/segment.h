// storage/segment.h
//
// One segment of a partition log, in Kafka's layout, in directory `dir`:
//   <base_offset>.log        record batches back to back, exactly as on the wire
//   <base_offset>.index      offset -> position (storage/offset_index.h)
//   <base_offset>.timeindex  timestamp -> offset (storage/time_index.h)
// (names from storage/segment_name.h). An index entry is added for a batch when
// more than `index_interval_bytes` were appended since the previous entry.
//
// Durability: Append writes to the .log only; Sync fdatasyncs the .log and
// then saves and syncs the indexes, so a saved index never points at bytes a
// crash could take away. Indexes are derived data: whenever one is missing or
// fails its checks it is rebuilt from the log.
//
// Positions and relative offsets are 32-bit in the index files, and Kafka
// keeps both below 2^31: a batch that would cross either limit gets
// kSegmentFull, and the partition log rolls to a new segment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/base/status.h"
#include "protocol/record_batch.h"
#include "storage/file_system.h"
#include "storage/offset_index.h"
#include "storage/segment_name.h"
#include "storage/time_index.h"

namespace brook::storage {

struct SegmentConfig {
  // Kafka's index.interval.bytes.
  uint32_t index_interval_bytes = 4096;
};

// How Open treats the existing .log.
enum class Recover {
  // After a clean shutdown: trust the log. Loads the indexes (rebuilding
  // both if either is missing or fails its checks, or if the batch at the
  // last offset index entry does not end at its offset) and finds the next
  // offset by scanning the batches after that entry, indexing any the files
  // lacked; if that scan hits bytes that are not whole batches, falls back
  // to kYes. As in Kafka, an index that passes its checks is trusted: a time
  // index cut at an entry boundary lowers max_timestamp(). (Lookups check
  // the offset index entry they start from and scan from the start of the
  // log when it is wrong.)
  kNo,
  // After a crash: scan every batch from the start, checking its length,
  // magic and CRC-32C, that offsets increase and fit the segment; truncate
  // the .log at the first batch that fails (or is cut short) and rebuild
  // both indexes. base_offset and partition_leader_epoch lie outside the
  // CRC: a damaged base offset shows when it breaks the order with its
  // neighbours (with dense offsets always, but for an upward flip in the
  // last batch); the epoch cannot be checked.
  kYes,
};

// Whole batches of a segment's .log, as a byte range the broker can hand to
// sendfile(2) (file->native_handle()) or read with ReadBytes(). Valid while
// the segment lives and is not truncated below position + size.
struct ReadSlice {
  const File* file = nullptr;
  uint64_t position = 0;
  uint64_t size = 0;
  // Base offset of the first batch and next offset after the last one (or,
  // in a compacted segment, possibly the base offset of the batch after it);
  // both -1 when the slice is empty.
  int64_t base_offset = -1;
  int64_t next_offset = -1;

  bool empty() const { return size == 0; }
  // The bytes of the range.
  Result<std::string> ReadBytes() const;
};

// Not thread-safe: owned and guarded by the partition log. Holds its three
// files open; `fs` must outlive it.
class Segment {
 public:
  static constexpr uint64_t kMaxSizeBytes = std::numeric_limits<int32_t>::max();
  static constexpr int64_t kMaxRelativeOffset = std::numeric_limits<int32_t>::max();

  // Creates the three files, empty, and syncs `dir` so they survive a crash
  // (unless !sync_dir: the caller syncs the directory before it counts on them).
  // With `reuse`, the files of the segment Retire()d at that base offset are
  // renamed to the new names instead (the ones that cannot be are created).
  // REQUIRES: `dir` exists; base_offset >= 0.
  // Errors: kInvalidArgument (the .log already exists), file system errors.
  static Result<std::unique_ptr<Segment>> Create(FileSystem& fs, std::string dir,
                                                 int64_t base_offset, SegmentConfig config = {},
                                                 bool sync_dir = true,
                                                 std::optional<int64_t> reuse = std::nullopt);
  // Opens an existing segment (see Recover). Rebuilt indexes are saved before
  // it returns. Errors: kNotFound (no .log), kInvalidArgument (a .log larger
  // than kMaxSizeBytes), file system errors; never a data error, which
  // recovery repairs by truncating.
  static Result<std::unique_ptr<Segment>> Open(FileSystem& fs, std::string dir, int64_t base_offset,
                                               SegmentConfig config, Recover recover);

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();

  // Appends one batch, adds index entries per interval and tracks the max
  // timestamp. Nothing is durable until Sync.
  // REQUIRES: `batch` is exactly one batch that RecordBatchView::Parse
  // accepted, `header` is its header, and its base offset (already assigned)
  // is >= next_offset().
  // Errors: kSegmentFull (nothing written), the file's write errors (any
  // partial write is cut off before the next append).
  Status Append(std::string_view batch, const RecordBatchHeader& header);

  // Whole batches starting with the one that holds `offset`, as many as fit
  // in `max_bytes` but at least that first one, and none whose base offset is
  // >= `max_offset` (the high watermark or last stable offset). Empty when
  // `offset` is next_offset() or the first batch starts at or past
  // `max_offset`. Only batch headers are read, and past the first batch only
  // those after the offset index entry nearest the slice's end: the bytes
  // are left in the file (for sendfile(2)).
  // Errors: kOffsetOutOfRange (offset below base_offset() or above
  // next_offset()), kCorruptBatch, read errors.
  Result<ReadSlice> Read(int64_t offset, size_t max_bytes, int64_t max_offset) const;
  // The same slice, with its bytes copied into `*out` by one read of the
  // file: the batches after the first are framed in the bytes read rather
  // than by reading their headers from the file first.
  Result<ReadSlice> ReadInto(int64_t offset, size_t max_bytes, int64_t max_offset,
                             std::string* out) const;

  // Base offset of the first batch whose max timestamp is >= `timestamp`
  // (ListOffsets by time); nullopt when there is none in this segment.
  // Errors: kCorruptBatch, read errors.
  Result<std::optional<int64_t>> FindOffsetByTimestamp(int64_t timestamp) const;
  // The first batch's max timestamp (Kafka's first batch timestamp, what
  // max.compaction.lag.ms is measured from); kNoTimestamp when empty.
  Result<int64_t> FirstBatchTimestamp() const;

  // Calls `fn` with every batch holding an offset >= `from_offset`, in log
  // order (the partition log rebuilds producer state this way). The view's
  // bytes are valid only during the call. Stops at the first error from `fn`
  // and returns it. Errors: kCorruptBatch, read errors.
  Status ForEachBatch(int64_t from_offset,
                      const std::function<Status(const RecordBatchView&)>& fn) const;

  // fdatasyncs the .log, then saves and syncs the indexes that changed.
  Status Sync();
  // The .log, for a flush that syncs it without holding the log's lock; the
  // file stays valid after the segment closes or goes.
  std::shared_ptr<File> log_file() const { return log_; }
  // Drops every batch whose base offset is >= `offset` (a batch that merely
  // holds `offset` stays), durably: the .log is cut and synced and the
  // indexes are saved. Errors: kCorruptBatch, file system errors.
  Status TruncateTo(int64_t offset);
  // Sync, then close the files. The segment may only be destroyed afterwards.
  Status Close();
  // Renames the three files to "<name>.deleted", the indexes emptied, for a
  // later Create to take (recycling a file spares the file system an inode
  // allocation and release per file, which dominates rolls of small
  // segments). With KeepBytes::kYes the .log keeps its bytes: the reusing
  // segment overwrites them in place (File::Rewind), which keeps their
  // cached pages, and cuts what it did not overwrite when it stops being
  // active (Trim); else it is emptied too. Nothing is
  // synced: leftovers after a crash are deleted at open, and a reused
  // file's old bytes that a crash keeps are cut by recovery (their offsets
  // lie below the segment's base). On an error the files are deleted
  // instead (the error is still returned). The segment may only be
  // destroyed afterwards.
  enum class KeepBytes { kNo, kYes };
  Status Retire(KeepBytes keep_bytes);
  // Cuts the old bytes a reused .log still holds past size_bytes(); called
  // when the segment stops being active (a roll) and by Close.
  Status Trim();
  // Whether something besides the segment holds the .log open (a FileRange
  // being sent): its bytes must then stay, so the segment is not retired.
  bool log_file_shared() const { return log_.use_count() > 1; }
  // The index files, for a flush that syncs them without the log's lock.
  std::shared_ptr<File> offset_index_file() const { return offset_index_file_; }
  std::shared_ptr<File> time_index_file() const { return time_index_file_; }
  // Closes and deletes the three files. The directory is not synced: the
  // owner syncs it later (a deleted segment that comes back after a crash
  // lies below the log start offset, and opening the log deletes it again).
  // The segment may only be destroyed afterwards.
  Status Remove();

  const std::string& dir() const { return dir_; }
  int64_t base_offset() const { return base_offset_; }
  // One past the last offset of the last batch; base_offset() when empty.
  int64_t next_offset() const { return next_offset_; }
  uint64_t size_bytes() const { return size_; }
  // The largest batch max timestamp; kNoTimestamp when there is none.
  int64_t max_timestamp() const { return max_timestamp_; }
  bool is_empty() const { return size_ == 0; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }

 private:
  // Where a scan of the .log stopped: at `position`, for `reason` (OK: at the
  // end of the data it was asked to scan).
  struct ScanEnd {
    uint64_t position = 0;
    Status reason;
  };

  Segment(FileSystem& fs, std::string dir, int64_t base_offset, SegmentConfig config);

  // Opens (creating if missing) the two index files; `created` tells whether either was new.
  Status OpenIndexFiles(bool* created);
  // Recover::kYes: rebuilds everything from a checked scan, truncating the .log
  // at the first bad batch.
  Status RecoverLog();
  // Recover::kNo: loads the indexes (rebuilding them if `created` or corrupt)
  // and scans the rest of the log; falls back to RecoverLog if that fails.
  Status LoadIndexes(bool created);
  // Scans and indexes the .log from the batch of the last offset index entry
  // (or the start) to size_, rebuilding next_offset_, the max timestamp and
  // the interval count. REQUIRES: both indexes are exact up to that batch.
  Result<ScanEnd> ResumeIndexing(CrcCheck crc_check);
  // Updates the offsets, max timestamp and indexes for a batch at `position`.
  void IndexBatch(uint64_t position, const RecordBatchHeader& header);
  // kCorruptBatch unless the batch at `position` may come where a batch
  // starting at or after `expected_offset` is due.
  Status CheckPlacement(uint64_t position, const RecordBatchHeader& header,
                        int64_t expected_offset) const;
  Status SaveIndexes();
  std::string Path(SegmentFileType type) const;

  FileSystem& fs_;
  std::string dir_;
  int64_t base_offset_;
  SegmentConfig config_;
  std::shared_ptr<File> log_;  // shared: a background flush may sync it unlocked
  bool reused_ = false;        // the .log was another segment's: Trim cuts its old tail
  std::shared_ptr<File> offset_index_file_;  // shared: see log_
  std::shared_ptr<File> time_index_file_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;

  uint64_t size_ = 0;  // bytes of whole batches in the .log
  int64_t next_offset_;
  int64_t max_timestamp_ = kNoTimestamp;
  int64_t offset_of_max_timestamp_;  // last offset of the first batch that reached it
  uint64_t bytes_since_index_entry_ = 0;
};

}  // namespace brook::storage
