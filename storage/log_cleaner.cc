// storage/log_cleaner.cc
#include "storage/log_cleaner.h"

#include <algorithm>
#include <memory>

#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/file_system.h"
#include "storage/segment.h"
#include "storage/segment_name.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

// The same bound the partition log's validation uses when it decompresses.
constexpr size_t kMaxUncompressedRecords = 256u << 20;

constexpr std::string_view kCleanedSuffix = ".cleaned";
constexpr std::string_view kSwapSuffix = ".swap";

Status CorruptBatch(const Segment& segment, const Status& cause) {
  return Status(Errc::kCorruptBatch, segment.dir() + " segment " +
                                         std::to_string(segment.base_offset()) + ": " +
                                         cause.ToString());
}

// A batch with the records in `kept` (views into the original batch or its
// decompressed scratch), and the delete horizon `horizon_ms` if set: the base
// timestamp moves to the horizon and every record's timestamp delta follows,
// so record timestamps do not change.
Result<std::string> Rebuild(const RecordBatchHeader& original, const std::vector<RecordView>& kept,
                            std::optional<int64_t> horizon_ms) {
  RecordBatchHeader h = original;
  if (horizon_ms) {
    h.attributes = static_cast<int16_t>(h.attributes | kDeleteHorizonAttribute);
    h.base_timestamp = *horizon_ms;
  }
  RecordBatchBuilder builder(h, original.compression());
  for (const RecordView& view : kept) {
    Record record = view.ToRecord();
    // Wrapping arithmetic, as the batch format's own.
    record.timestamp_delta = static_cast<int64_t>(static_cast<uint64_t>(original.base_timestamp) +
                                                  static_cast<uint64_t>(view.timestamp_delta) -
                                                  static_cast<uint64_t>(h.base_timestamp));
    builder.Append(record);
  }
  builder.set_last_offset_delta(original.last_offset_delta);
  builder.set_max_timestamp(original.max_timestamp);
  return std::move(builder).Build();
}

// An empty batch covering the offsets of `original`, without producer or
// transaction: it only keeps the segment's end in place.
Result<std::string> EndKeeper(const RecordBatchHeader& original) {
  RecordBatchHeader h;
  h.base_offset = original.base_offset;
  h.partition_leader_epoch = original.partition_leader_epoch;
  h.base_timestamp = original.max_timestamp;
  RecordBatchBuilder builder(h, Compression::kNone);
  builder.set_last_offset_delta(original.last_offset_delta);
  builder.set_max_timestamp(original.max_timestamp);
  return std::move(builder).Build();
}

Status RemoveIfExists(FileSystem& fs, const std::string& path) {
  if (!fs.Exists(path)) return Status::Ok();
  return fs.Remove(path);
}

void KeepEarliest(std::optional<int64_t>* earliest, int64_t value) {
  if (!*earliest || value < **earliest) *earliest = value;
}

}  // namespace

CleanStats& CleanStats::operator+=(const CleanStats& other) {
  segments_cleaned += other.segments_cleaned;
  bytes_before += other.bytes_before;
  bytes_after += other.bytes_after;
  records_removed += other.records_removed;
  batches_removed += other.batches_removed;
  return *this;
}

bool AbortedTxnSet::Contains(int64_t producer_id, int64_t offset) const {
  auto it = by_producer_.find(producer_id);
  if (it == by_producer_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const AbortedTxn& txn) {
    return txn.first_offset <= offset && offset <= txn.last_offset;
  });
}

TxnTracker::Txn& TxnTracker::Open(int64_t producer_id, bool aborted) {
  auto [it, inserted] = open_.try_emplace(producer_id);
  if (inserted) it->second.aborted = aborted;
  return it->second;
}

std::optional<TxnTracker::Txn> TxnTracker::Close(int64_t producer_id) {
  auto it = open_.find(producer_id);
  if (it == open_.end()) return std::nullopt;
  Txn txn = it->second;
  open_.erase(it);
  return txn;
}

Status AddToOffsetMap(const Segment& segment, const AbortedTxnSet& aborted, int64_t end_offset,
                      OffsetMap* map) {
  return segment.ForEachBatch(segment.base_offset(), [&](const RecordBatchView& batch) {
    const RecordBatchHeader& h = batch.header();
    if (h.base_offset >= end_offset || h.is_control() || h.record_count == 0) {
      return Status::Ok();
    }
    if (h.is_transactional() && aborted.Contains(h.producer_id, h.base_offset)) {
      return Status::Ok();
    }
    std::string scratch;
    Result<std::vector<RecordView>> records =
        batch.DecodeRecordViews(kMaxUncompressedRecords, &scratch);
    if (!records.ok()) return CorruptBatch(segment, records.status());
    for (const RecordView& r : *records) {
      if (!r.key) continue;
      const int64_t offset = h.record_offset(r.offset_delta);
      if (offset >= end_offset) break;
      (*map)[std::string(*r.key)] = offset;
    }
    return Status::Ok();
  });
}

Result<CleanedSegment> CleanSegment(const Segment& segment,
                                    const std::vector<AbortedTxn>& txn_entries,
                                    const CleanContext& context, TxnTracker* tracker,
                                    const std::function<Status(std::string_view)>& emit) {
  CleanedSegment result;
  CleanStats& stats = result.stats;
  stats.segments_cleaned = 1;
  std::optional<RecordBatchHeader> last_batch;
  bool last_batch_kept = false;

  auto write = [&](std::string_view bytes) {
    stats.bytes_after += bytes.size();
    last_batch_kept = true;
    return emit(bytes);
  };
  auto drop = [&](const RecordBatchHeader& h) {
    stats.records_removed += h.record_count;
    ++stats.batches_removed;
    return Status::Ok();
  };

  Status scanned = segment.ForEachBatch(segment.base_offset(), [&](const RecordBatchView& batch) {
    const RecordBatchHeader& h = batch.header();
    stats.bytes_before += batch.size();
    last_batch = h;
    last_batch_kept = false;
    const std::optional<int64_t> horizon = h.delete_horizon_ms();
    const bool horizon_passed = horizon && context.now_ms >= *horizon;

    if (h.is_control()) {
      if (h.record_count == 0) return drop(h);  // cleaned out before
      Result<EndTransactionMarker> marker = ReadEndTransactionMarker(batch);
      if (!marker.ok()) return write(batch.bytes());  // another kind of control record
      std::optional<TxnTracker::Txn> txn = tracker->Close(h.producer_id);
      if (txn && txn->has_kept_batch) {
        if (txn->aborted) {
          for (const AbortedTxn& entry : txn_entries) {
            if (entry.producer_id == h.producer_id && entry.last_offset >= h.base_offset &&
                entry.last_offset <= h.last_offset()) {
              result.kept_txns.push_back(entry);
            }
          }
        }
        return write(batch.bytes());
      }
      // The transaction has no data left: the marker goes once its horizon passed.
      if (horizon_passed) return drop(h);
      if (horizon) {
        KeepEarliest(&result.next_delete_horizon_ms, *horizon);
        return write(batch.bytes());
      }
      const int64_t new_horizon = context.now_ms + context.delete_retention_ms;
      KeepEarliest(&result.next_delete_horizon_ms, new_horizon);
      std::string scratch;
      Result<std::vector<RecordView>> records =
          batch.DecodeRecordViews(kMaxUncompressedRecords, &scratch);
      if (!records.ok()) return CorruptBatch(segment, records.status());
      Result<std::string> rebuilt = Rebuild(h, *records, new_horizon);
      if (!rebuilt.ok()) return rebuilt.status();
      return write(*rebuilt);
    }

    const bool aborted = h.is_transactional() && h.has_producer_id() &&
                         context.aborted->Contains(h.producer_id, h.base_offset);
    TxnTracker::Txn* txn = nullptr;
    if (h.is_transactional() && h.has_producer_id()) txn = &tracker->Open(h.producer_id, aborted);
    bool producer_last = false;
    if (h.has_producer_id()) {
      auto it = context.producer_last_offsets.find(h.producer_id);
      producer_last = it != context.producer_last_offsets.end() && it->second == h.last_offset();
    }

    std::string scratch;
    Result<std::vector<RecordView>> records =
        batch.DecodeRecordViews(kMaxUncompressedRecords, &scratch);
    if (!records.ok()) return CorruptBatch(segment, records.status());
    std::vector<RecordView> kept;
    bool has_tombstone = false;
    for (const RecordView& r : *records) {
      if (aborted || !r.key) continue;
      auto latest = context.offsets->find(std::string(*r.key));
      if (latest != context.offsets->end() && h.record_offset(r.offset_delta) < latest->second) {
        continue;  // a later record has this key
      }
      if (!r.value) {
        if (horizon_passed) continue;
        has_tombstone = true;
      }
      kept.push_back(r);
    }
    stats.records_removed += h.record_count - static_cast<int64_t>(kept.size());

    if (kept.empty() && !producer_last) {
      ++stats.batches_removed;
      return Status::Ok();
    }
    if (txn != nullptr) txn->has_kept_batch = true;
    std::optional<int64_t> new_horizon;
    if (has_tombstone) {
      new_horizon = horizon ? *horizon : context.now_ms + context.delete_retention_ms;
      KeepEarliest(&result.next_delete_horizon_ms, *new_horizon);
    }
    if (kept.size() == static_cast<size_t>(h.record_count) && (!has_tombstone || horizon)) {
      return write(batch.bytes());  // unchanged
    }
    Result<std::string> rebuilt = Rebuild(h, kept, new_horizon ? new_horizon : horizon);
    if (!rebuilt.ok()) return rebuilt.status();
    return write(*rebuilt);
  });
  if (!scanned.ok()) return scanned;

  if (last_batch && !last_batch_kept) {
    Result<std::string> keeper = EndKeeper(*last_batch);
    if (!keeper.ok()) return keeper.status();
    if (Status s = write(*keeper); !s.ok()) return s;
  }
  return result;
}

std::string CleanedLogPath(const std::string& dir, int64_t base_offset) {
  return SegmentFilePath(dir, base_offset, SegmentFileType::kLog) + std::string(kCleanedSuffix);
}
std::string CleanedTxnIndexPath(const std::string& dir, int64_t base_offset) {
  return SegmentFilePath(dir, base_offset, SegmentFileType::kTxnIndex) +
         std::string(kCleanedSuffix);
}
std::string SwapLogPath(const std::string& dir, int64_t base_offset) {
  return SegmentFilePath(dir, base_offset, SegmentFileType::kLog) + std::string(kSwapSuffix);
}
std::string SwapTxnIndexPath(const std::string& dir, int64_t base_offset) {
  return SegmentFilePath(dir, base_offset, SegmentFileType::kTxnIndex) + std::string(kSwapSuffix);
}

Result<CleanedSegment> WriteSwapFiles(FileSystem& fs, const std::string& dir,
                                      const Segment& segment,
                                      const std::vector<AbortedTxn>& txn_entries,
                                      const CleanContext& context, TxnTracker* tracker) {
  const int64_t base = segment.base_offset();
  for (const std::string& path : {CleanedLogPath(dir, base), CleanedTxnIndexPath(dir, base),
                                  SwapLogPath(dir, base), SwapTxnIndexPath(dir, base)}) {
    if (Status s = RemoveIfExists(fs, path); !s.ok()) return s;
  }
  Result<std::unique_ptr<File>> log = fs.Open(CleanedLogPath(dir, base), OpenMode::kCreateOrAppend);
  if (!log.ok()) return log.status();
  Result<CleanedSegment> cleaned =
      CleanSegment(segment, txn_entries, context, tracker,
                   [&](std::string_view batch) { return (*log)->Append(batch); });
  if (!cleaned.ok()) return cleaned.status();
  if (Status s = (*log)->Sync(); !s.ok()) return s;
  log->reset();

  Result<AbortedTxnIndex> txn_index =
      AbortedTxnIndex::Open(fs, CleanedTxnIndexPath(dir, base), base);
  if (!txn_index.ok()) return txn_index.status();
  for (const AbortedTxn& txn : cleaned->kept_txns) {
    if (Status s = txn_index->Append(txn); !s.ok()) return s;
  }
  if (Status s = txn_index->Sync(); !s.ok()) return s;

  // The .txnindex first: a .log.swap always finds its .txnindex.swap durable
  // (none: the cleaned segment keeps no aborted transaction).
  if (txn_index->file() != nullptr) {
    if (Status s = fs.Rename(CleanedTxnIndexPath(dir, base), SwapTxnIndexPath(dir, base));
        !s.ok()) {
      return s;
    }
    if (Status s = fs.SyncDir(dir); !s.ok()) return s;
  }
  if (Status s = fs.Rename(CleanedLogPath(dir, base), SwapLogPath(dir, base)); !s.ok()) return s;
  if (Status s = fs.SyncDir(dir); !s.ok()) return s;
  return cleaned;
}

Status InstallSwapFiles(FileSystem& fs, const std::string& dir, int64_t base_offset) {
  // The old indexes describe the old .log: gone, durably, before the new .log
  // takes its name, so they can never be trusted for it. So is the old
  // .txnindex when the cleaned segment has none.
  const bool swap_txn_index = fs.Exists(SwapTxnIndexPath(dir, base_offset));
  for (SegmentFileType type :
       {SegmentFileType::kIndex, SegmentFileType::kTimeIndex, SegmentFileType::kTxnIndex}) {
    if (type == SegmentFileType::kTxnIndex && swap_txn_index) continue;
    if (Status s = RemoveIfExists(fs, SegmentFilePath(dir, base_offset, type)); !s.ok()) return s;
  }
  if (Status s = fs.SyncDir(dir); !s.ok()) return s;
  if (swap_txn_index) {
    if (Status s = fs.Rename(SwapTxnIndexPath(dir, base_offset),
                             SegmentFilePath(dir, base_offset, SegmentFileType::kTxnIndex));
        !s.ok()) {
      return s;
    }
  }
  if (Status s = fs.Rename(SwapLogPath(dir, base_offset),
                           SegmentFilePath(dir, base_offset, SegmentFileType::kLog));
      !s.ok()) {
    return s;
  }
  return fs.SyncDir(dir);
}

Status RecoverCleanerFiles(FileSystem& fs, const std::string& dir) {
  Result<std::vector<std::string>> names = fs.List(dir);
  if (!names.ok()) return names.status();
  bool changed = false;
  for (const std::string& name : *names) {
    if (name.ends_with(kCleanedSuffix)) {
      if (Status s = fs.Remove(dir + "/" + name); !s.ok()) return s;
      changed = true;
    }
  }
  for (const std::string& name : *names) {
    if (!name.ends_with(kSwapSuffix)) continue;
    std::optional<ParsedSegmentFileName> parsed =
        ParseSegmentFileName(std::string_view(name).substr(0, name.size() - kSwapSuffix.size()));
    if (!parsed || parsed->type != SegmentFileType::kLog) continue;
    kLog.Warn(dir, ": completing the swap of cleaned segment ", parsed->base_offset);
    if (Status s = InstallSwapFiles(fs, dir, parsed->base_offset); !s.ok()) return s;
  }
  // A .txnindex.swap whose .log never became a .swap belongs to an unfinished clean.
  names = fs.List(dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (!name.ends_with(kSwapSuffix)) continue;
    if (Status s = fs.Remove(dir + "/" + name); !s.ok()) return s;
    changed = true;
  }
  if (changed) return fs.SyncDir(dir);
  return Status::Ok();
}

}  // namespace brook::storage
