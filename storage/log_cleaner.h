// storage/log_cleaner.h
//
// Log compaction (cleanup.policy=compact), as Kafka's LogCleaner does it, over
// the closed segments of one partition log. PartitionLog::Compact drives it:
//   1. The cleanable range is every segment wholly below the first uncleanable
//      offset: min(active segment base, last stable offset, high watermark,
//      first segment with data newer than min.compaction.lag.ms).
//   2. AddToOffsetMap maps each key to the offset of its latest record in that
//      range. Records of aborted transactions and control batches do not count.
//   3. CleanSegment filters each segment, oldest first, keeping a record only if
//      it is the latest of its key. Tombstones (null values) stay until their
//      batch's delete horizon (KIP-534: set to now + delete.retention.ms the
//      first time the batch is cleaned, then stored in base_timestamp with the
//      delete-horizon attribute) has passed. Keyless records go. Records of
//      aborted transactions go. A marker stays while any batch of its
//      transaction stays, and goes once none does and its own delete horizon
//      has passed.
//   4. Each cleaned segment replaces the old one crash-safely (below).
//
// What a rewritten batch keeps: base offset, last_offset_delta (so it still
// covers its original range), partition leader epoch, producer id, epoch and
// base sequence, max_timestamp, codec (recompressed). The CRC is recomputed.
// Batches that lose no record and need no new delete horizon are copied byte
// for byte. Two batches are kept even when every record goes, as empty batches:
//   - the last data batch of every producer the log still tracks, with its
//     producer fields, so that its sequence state survives a rebuild from the
//     log (Kafka's RETAIN_EMPTY);
//   - the last batch of every segment, stripped of producer and transaction
//     fields, so a segment still ends where the next one begins (recovery
//     reads a segment that ends early as cut short).
//
// Files, beside the segment (<base> is the 20-digit base offset):
//   <base>.log.cleaned, <base>.txnindex.cleaned   being written
//   <base>.log.swap,    <base>.txnindex.swap      complete and synced
// The swap protocol (Kafka's): write the .cleaned files and sync them; rename
// the .txnindex then the .log to .swap, syncing the directory after each (the
// .log.swap is the commit point); then drop the old .index and .timeindex
// (derived data, rebuilt from the new .log) and rename the .swap files over the
// segment's. RecoverCleanerFiles, run before a log is opened, deletes .cleaned
// files and a .txnindex.swap without its .log.swap, and completes every swap
// whose .log.swap exists. Segments are swapped one at a time, oldest first, so
// a crash between two leaves a log whose older part is cleaned: the same
// latest value per key, and no marker lost while its transaction has data.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/record_batch.h"
#include "storage/aborted_txn_index.h"

namespace brook::storage {

class FileSystem;
class Segment;

// What one Compact did.
struct CleanStats {
  int segments_cleaned = 0;  // 0: nothing was cleanable, or not dirty enough
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
  int64_t records_removed = 0;
  int64_t batches_removed = 0;

  CleanStats& operator+=(const CleanStats& other);
};

// Key -> offset of its latest record in the cleanable range.
using OffsetMap = std::unordered_map<std::string, int64_t>;

// The aborted transactions of a whole log (every segment's .txnindex).
class AbortedTxnSet {
 public:
  void Add(const AbortedTxn& txn) { by_producer_[txn.producer_id].push_back(txn); }
  // Whether the producer's data batch at `offset` belongs to an aborted transaction.
  bool Contains(int64_t producer_id, int64_t offset) const;

 private:
  std::map<int64_t, std::vector<AbortedTxn>> by_producer_;
};

// Adds the keys of the data records of `segment` below `end_offset` to `map`,
// each with its offset (later records overwrite earlier ones). Skips control
// batches, batches of aborted transactions and keyless records.
// Errors: kCorruptBatch, read errors.
Status AddToOffsetMap(const Segment& segment, const AbortedTxnSet& aborted, int64_t end_offset,
                      OffsetMap* map);

// What CleanSegment needs to know about the log.
struct CleanContext {
  int64_t now_ms = 0;
  int64_t delete_retention_ms = 0;
  const OffsetMap* offsets = nullptr;
  const AbortedTxnSet* aborted = nullptr;
  // Producer id -> last offset of its last data batch, for the producers
  // whose state the log keeps.
  std::map<int64_t, int64_t> producer_last_offsets;
};

// The transactions a cleaning pass is inside of, carried from one segment to
// the next (a transaction may span segments).
class TxnTracker {
 public:
  struct Txn {
    bool aborted = false;
    bool has_kept_batch = false;  // a batch of it stays in the cleaned log
  };
  // The producer's transaction, opened by its first transactional batch.
  Txn& Open(int64_t producer_id, bool aborted);
  // Ends and returns the producer's transaction, if a batch of it was seen.
  std::optional<Txn> Close(int64_t producer_id);

 private:
  std::map<int64_t, Txn> open_;
};

struct CleanedSegment {
  CleanStats stats;
  // Entries of the segment's .txnindex to keep: aborted transactions whose
  // marker stays with data of the transaction still in the log.
  std::vector<AbortedTxn> kept_txns;
  // The earliest delete horizon of a kept batch with tombstones or a
  // removable marker: the next clean after it has something to drop.
  std::optional<int64_t> next_delete_horizon_ms;
};

// Filters the batches of `segment` (see the file comment) and hands each
// batch to keep, in order, to `emit`. `txn_entries` is the segment's .txnindex.
// Errors: kCorruptBatch, read errors, the first error from `emit`.
Result<CleanedSegment> CleanSegment(const Segment& segment,
                                    const std::vector<AbortedTxn>& txn_entries,
                                    const CleanContext& context, TxnTracker* tracker,
                                    const std::function<Status(std::string_view)>& emit);

// "<dir>/<base>.log.cleaned" and friends.
std::string CleanedLogPath(const std::string& dir, int64_t base_offset);
std::string CleanedTxnIndexPath(const std::string& dir, int64_t base_offset);
std::string SwapLogPath(const std::string& dir, int64_t base_offset);
std::string SwapTxnIndexPath(const std::string& dir, int64_t base_offset);

// Cleans `segment` into its .cleaned files, syncs them and renames them to
// .swap (the commit point). The segment itself is not touched.
// Errors: CleanSegment's, file system errors (the .cleaned files may remain;
// RecoverCleanerFiles or the next attempt deletes them).
Result<CleanedSegment> WriteSwapFiles(FileSystem& fs, const std::string& dir,
                                      const Segment& segment,
                                      const std::vector<AbortedTxn>& txn_entries,
                                      const CleanContext& context, TxnTracker* tracker);

// Replaces the files of the segment at `base_offset` with its .swap files.
// REQUIRES: the segment's files are closed; its .log.swap exists.
Status InstallSwapFiles(FileSystem& fs, const std::string& dir, int64_t base_offset);

// Before a log directory is opened: deletes .cleaned files and orphan
// .txnindex.swap files, and completes the swaps whose .log.swap exists.
Status RecoverCleanerFiles(FileSystem& fs, const std::string& dir);

}  // namespace brook::storage
