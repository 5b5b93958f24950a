// storage/partition_log.cc
#include "storage/partition_log.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <span>

#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/file_system.h"
#include "storage/segment_name.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

// Deleted segments whose files a log keeps for reuse, at most, and the bytes
// of their .log files it keeps (the disk space retention meant to free).
constexpr size_t kMaxRetiredSegments = 128;
constexpr uint64_t kMaxRetiredBytes = 16 << 20;

// Segment::Read's slice, as a FileRange in `result` when it holds at least
// `min_range_bytes`, else read into result->records.
Result<ReadSlice> ReadRangeOrBytes(const Segment& segment, int64_t offset, size_t max_bytes,
                                   int64_t max_offset, size_t min_range_bytes, ReadResult* result) {
  Result<ReadSlice> slice = segment.Read(offset, max_bytes, max_offset);
  if (!slice.ok() || slice->empty()) return slice;
  if (slice->size >= min_range_bytes) {
    result->file_range = std::make_shared<const FileRange>(segment.log_file(), slice->position,
                                                           static_cast<size_t>(slice->size));
    return slice;
  }
  Result<std::string> bytes = slice->ReadBytes();
  if (!bytes.ok()) return bytes.status();
  result->records = std::move(*bytes);
  return slice;
}

// A produced batch's uncompressed records may be larger than the batch; this
// bounds what validation decompresses (Kafka's own bound is the heap).
constexpr size_t kMaxUncompressedRecords = 256u << 20;

Status Invalid(Errc code, std::string context) { return Status(code, std::move(context)); }

// The timestamps a CreateTime topic accepts at `now_ms`; any under LogAppendTime.
TimestampBounds AllowedTimestamps(const LogConfig& config, int64_t now_ms) {
  TimestampBounds bounds;
  if (config.timestamp_type != TimestampSource::kCreateTime) return bounds;
  if (__builtin_sub_overflow(now_ms, config.timestamp_before_max_ms, &bounds.min)) {
    bounds.min = std::numeric_limits<int64_t>::min();
  }
  if (__builtin_add_overflow(now_ms, config.timestamp_after_max_ms, &bounds.max)) {
    bounds.max = std::numeric_limits<int64_t>::max();
  }
  return bounds;
}

// What one produced batch is checked against.
struct BatchChecks {
  const LogConfig& config;
  AppendOrigin origin;
  TimestampBounds timestamps;
  std::string_view partition;  // "<topic>-<partition>", for messages
};

// Kafka's RecordValidationException message for `errors` (not empty):
// INVALID_TIMESTAMP when any record's timestamp is refused, else INVALID_RECORD.
Status RecordErrorsStatus(const std::vector<RecordError>& errors, bool any_timestamp) {
  if (any_timestamp) {
    return Invalid(Errc::kInvalidTimestamp,
                   "One or more records have been rejected due to invalid timestamp");
  }
  std::string message = "One or more records have been rejected due to " +
                        std::to_string(errors.size()) +
                        " record errors in total, and only showing the first three errors at "
                        "most: [";
  for (size_t i = 0; i < errors.size() && i < 3; ++i) {
    if (i > 0) message += ", ";
    message += "RecordError(batchIndex=" + std::to_string(errors[i].batch_index) + ", message='" +
               errors[i].message + "')";
  }
  message += "]";
  return Invalid(Errc::kInvalidRecord, std::move(message));
}

// Checks a produced batch as Kafka's LogValidator does for magic 2: no
// control batches from clients, at least one record, offset deltas 0..n-1
// in order, last_offset_delta == n - 1; and per record (each refused one
// listed in `*record_errors`, KIP-467) a key in compacted topics and, under
// CreateTime, a timestamp within the topic's bounds. Decodes (and for
// compressed batches decompresses) the records to check them. A producer
// batch needs a base sequence unless the coordinator wrote it.
Status ValidateProducedBatch(const RecordBatchView& batch, const BatchChecks& checks,
                             std::vector<RecordError>* record_errors) {
  const LogConfig& config = checks.config;
  const RecordBatchHeader& h = batch.header();
  if (batch.size() > static_cast<size_t>(config.max_message_bytes)) {
    return Invalid(Errc::kRecordTooLarge, "batch of " + std::to_string(batch.size()) +
                                              " bytes > max.message.bytes " +
                                              std::to_string(config.max_message_bytes));
  }
  if (h.is_control()) return Invalid(Errc::kInvalidRecord, "control batch from a producer");
  if (h.record_count <= 0) return Invalid(Errc::kInvalidRecord, "batch without records");
  if (h.last_offset_delta != h.record_count - 1) {
    return Invalid(Errc::kInvalidRecord, "last offset delta " +
                                             std::to_string(h.last_offset_delta) + " for " +
                                             std::to_string(h.record_count) + " records");
  }
  if (checks.origin == AppendOrigin::kClient && h.has_producer_id() && h.base_sequence < 0) {
    return Invalid(Errc::kInvalidRecord, "producer batch without a base sequence");
  }
  const bool compacted = config.cleanup_policy != CleanupPolicy::kDelete;
  // The common case, checked without building record views; anything else
  // takes the full walk below, which says what is wrong. A producer never
  // marks its batch LogAppendTime; Kafka refuses records so marked unless
  // their timestamp passes the CreateTime check.
  if (h.timestamp_type() == TimestampType::kCreateTime &&
      batch.HasDenseRecords(/*require_keys=*/compacted, checks.timestamps)) {
    return Status::Ok();
  }
  // One pointer for the visitor to capture, so std::function keeps it
  // inline: this runs for every produced batch that is not dense.
  struct Walk {
    const BatchChecks* checks;
    const RecordBatchHeader* header;
    bool compacted;
    int32_t index = 0;
    Status invalid;  // the batch as a whole
    std::vector<RecordError> errors;
    bool any_timestamp = false;
  } walk{.checks = &checks, .header = &h, .compacted = compacted};
  Walk* w = &walk;
  std::string scratch;  // only compressed batches use it
  Status decoded =
      batch.VisitRecords(kMaxUncompressedRecords, &scratch, [w](const RecordView& record) {
        const int32_t index = w->index++;
        if (record.offset_delta != index) {
          w->invalid = Invalid(Errc::kInvalidRecord, "record " + std::to_string(index) +
                                                         " has offset delta " +
                                                         std::to_string(record.offset_delta));
          return false;
        }
        const BatchChecks& c = *w->checks;
        const RecordBatchHeader& header = *w->header;
        if (w->compacted && !record.key) {
          w->errors.push_back(
              {index, "Compacted topic cannot accept message without key in topic partition " +
                          std::string(c.partition)});
          return true;
        }
        const int64_t timestamp = header.record_timestamp(record.timestamp_delta);
        const int64_t offset = header.record_offset(record.offset_delta);
        if (c.config.timestamp_type == TimestampSource::kCreateTime && timestamp != kNoTimestamp) {
          if (!c.timestamps.Allows(timestamp)) {
            w->any_timestamp = true;
            w->errors.push_back({index, "Timestamp " + std::to_string(timestamp) +
                                            " of message with offset " + std::to_string(offset) +
                                            " is out of range. The timestamp should be within [" +
                                            std::to_string(c.timestamps.min) + ", " +
                                            std::to_string(c.timestamps.max) + "]"});
          }
        } else if (header.timestamp_type() == TimestampType::kLogAppendTime) {
          w->any_timestamp = true;
          w->errors.push_back({index, "Invalid timestamp type in message with offset " +
                                          std::to_string(offset) +
                                          ". Producer should not set timestamp type to "
                                          "LogAppendTime."});
        }
        return true;
      });
  if (!walk.invalid.ok()) return walk.invalid;
  if (!decoded.ok()) return Status(Errc::kCorruptBatch, decoded.ToString());
  if (walk.errors.empty()) return Status::Ok();
  Status refused = RecordErrorsStatus(walk.errors, walk.any_timestamp);
  if (record_errors != nullptr) *record_errors = std::move(walk.errors);
  return refused;
}

// "<topic>-<partition>": the log directory's last component.
std::string_view PartitionName(std::string_view dir) {
  const size_t slash = dir.rfind('/');
  return slash == std::string_view::npos ? dir : dir.substr(slash + 1);
}

}  // namespace

// ---------------------------------------------------------------------------
// Opening and recovery

Result<std::unique_ptr<PartitionLog>> PartitionLog::Open(FileSystem& fs, std::string dir,
                                                         LogConfig config, LogStart start,
                                                         NowMs now) {
  if (!now) return Status(Errc::kInvalidArgument, "no clock");
  std::unique_ptr<PartitionLog> log(new PartitionLog(fs, std::move(dir), config, std::move(now)));
  if (Status s = log->Load(start); !s.ok()) return s;
  return log;
}

PartitionLog::~PartitionLog() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  // An owner that forgot Close: the files close with the objects; nothing is
  // synced, which recovery handles.
  kLog.Warn(dir_, " destroyed without Close");
}

Result<PartitionLog::SegmentEntry> PartitionLog::OpenSegmentFiles(int64_t base_offset,
                                                                  Recover recover) {
  SegmentConfig seg_config{.index_interval_bytes = config_.index_interval_bytes};
  Result<std::unique_ptr<Segment>> segment =
      Segment::Open(fs_, dir_, base_offset, seg_config, recover);
  if (!segment.ok()) return segment.status();
  Result<AbortedTxnIndex> txn_index = AbortedTxnIndex::Open(
      fs_, SegmentFilePath(dir_, base_offset, SegmentFileType::kTxnIndex), base_offset);
  if (!txn_index.ok() && txn_index.status().code() == Errc::kCorruptIndex) {
    // Rebuilt below by the producer-state replay for the range it covers.
    kLog.Warn(dir_, ": corrupt transaction index of segment ", base_offset, "; rebuilding");
    if (Status s = fs_.Remove(SegmentFilePath(dir_, base_offset, SegmentFileType::kTxnIndex));
        !s.ok()) {
      return s;
    }
    txn_index = AbortedTxnIndex::Open(
        fs_, SegmentFilePath(dir_, base_offset, SegmentFileType::kTxnIndex), base_offset);
  }
  if (!txn_index.ok()) return txn_index.status();
  SegmentEntry entry;
  entry.segment = std::move(segment).value();
  entry.txn_index = std::make_unique<AbortedTxnIndex>(std::move(txn_index).value());
  entry.created_ms = now_();
  return entry;
}

Status PartitionLog::Load(LogStart start) {
  std::lock_guard lock(mu_);
  if (!fs_.Exists(dir_)) {
    if (Status s = fs_.CreateDirs(dir_); !s.ok()) return s;
    // The new directory and any new parents survive a crash only once their
    // parents' entries are synced.
    for (size_t slash = dir_.rfind('/');; slash = dir_.rfind('/', slash - 1)) {
      std::string parent = slash == std::string::npos ? "" : dir_.substr(0, slash);
      if (Status s = fs_.SyncDir(parent); !s.ok()) return s;
      if (slash == std::string::npos || slash == 0) break;
    }
  }
  if (Status s = RecoverCleanerFiles(fs_, dir_); !s.ok()) return s;
  Result<std::vector<std::string>> names = fs_.List(dir_);
  if (!names.ok()) return names.status();

  std::vector<int64_t> bases;
  for (const std::string& name : *names) {
    if (name.ends_with(".tmp") || name.ends_with(".deleted")) {
      if (Status s = fs_.Remove(dir_ + "/" + name); !s.ok()) return s;
      continue;
    }
    std::optional<ParsedSegmentFileName> parsed = ParseSegmentFileName(name);
    if (parsed && parsed->type == SegmentFileType::kLog) bases.push_back(parsed->base_offset);
  }
  std::sort(bases.begin(), bases.end());

  recovery_point_ = start.recovery_point;
  bool cut = false;  // a segment lost its tail: later segments cannot follow it
  for (int64_t base : bases) {
    if (cut) {
      kLog.Warn(dir_, ": deleting segment ", base, " after a truncated one");
      for (SegmentFileType type : {SegmentFileType::kLog, SegmentFileType::kIndex,
                                   SegmentFileType::kTimeIndex, SegmentFileType::kTxnIndex}) {
        std::string path = SegmentFilePath(dir_, base, type);
        if (!fs_.Exists(path)) continue;
        if (Status s = fs_.Remove(path); !s.ok()) return s;
      }
      continue;
    }
    // A segment that starts at or after the recovery point, or the one that
    // holds it, may have been written after the last sync.
    auto next = std::upper_bound(bases.begin(), bases.end(), base);
    bool may_be_dirty = next == bases.end() || *next > start.recovery_point;
    Result<SegmentEntry> entry =
        OpenSegmentFiles(base, may_be_dirty ? Recover::kYes : Recover::kNo);
    if (!entry.ok()) return entry.status();
    int64_t end = entry->segment->next_offset();
    segments_.emplace(base, std::move(entry).value());
    if (next != bases.end() && end < *next && may_be_dirty) {
      cut = true;
      kLog.Warn(dir_, ": segment ", base, " ends at ", end, " before the next segment ", *next);
    }
  }
  if (cut) {
    if (Status s = fs_.SyncDir(dir_); !s.ok()) return s;
  }
  // Segments wholly below the log start offset are leftovers of a deletion
  // that did not finish.
  Detached leftovers;
  while (segments_.size() > 1) {
    auto second = std::next(segments_.begin());
    if (second->first > start.log_start_offset) break;
    DetachSegmentLocked(segments_.begin(), &leftovers);
  }
  for (SegmentEntry& entry : leftovers.segments) {  // nothing else runs yet: mu_ is enough
    if (Status s = RemoveSegmentFiles(entry); !s.ok()) return s;
  }
  if (segments_.empty()) {
    int64_t base = std::max<int64_t>(start.log_start_offset, 0);
    SegmentConfig seg_config{.index_interval_bytes = config_.index_interval_bytes};
    Result<std::unique_ptr<Segment>> segment = Segment::Create(fs_, dir_, base, seg_config);
    if (!segment.ok()) return segment.status();
    Result<AbortedTxnIndex> txn_index =
        AbortedTxnIndex::Open(fs_, SegmentFilePath(dir_, base, SegmentFileType::kTxnIndex), base);
    if (!txn_index.ok()) return txn_index.status();
    SegmentEntry entry;
    entry.segment = std::move(segment).value();
    entry.txn_index = std::make_unique<AbortedTxnIndex>(std::move(txn_index).value());
    entry.created_ms = now_();
    segments_.emplace(base, std::move(entry));
  }
  log_start_offset_ = std::max(start.log_start_offset, segments_.begin()->first);
  high_watermark_ = active().segment->next_offset();
  // A checkpointed cleaner position outside the log (the log was truncated or
  // its start moved past it) is dropped, as Kafka's cleaner manager does.
  first_dirty_offset_ =
      start.first_dirty_offset >= log_start_offset_ && start.first_dirty_offset <= high_watermark_
          ? start.first_dirty_offset
          : log_start_offset_;
  next_delete_horizon_ms_ = start.next_delete_horizon_ms;
  recovery_point_ = std::min(recovery_point_, high_watermark_);
  last_flush_ms_ = now_();
  if (Status s = RebuildProducerState(); !s.ok()) return s;
  kLog.Debug(dir_, ": opened ", segments_.size(), " segments, offsets ", log_start_offset_, "..",
             high_watermark_);
  return Status::Ok();
}

Status PartitionLog::RebuildProducerState() {
  const int64_t end = active().segment->next_offset();
  int64_t replay_from = log_start_offset_;
  Result<int64_t> snapshot = producers_.LoadLatestSnapshot(fs_, dir_, end);
  if (snapshot.ok()) {
    replay_from = std::max(*snapshot, log_start_offset_);
  } else if (snapshot.status().code() != Errc::kNotFound) {
    return snapshot.status();
  }
  // The .txnindex entries from replay_from on are rebuilt by the replay.
  for (auto& [base, entry] : segments_) {
    if (entry.segment->next_offset() <= replay_from) continue;
    if (Status s = entry.txn_index->TruncateTo(replay_from); !s.ok()) return s;
  }
  for (auto& [base, entry] : segments_) {
    if (entry.segment->next_offset() <= replay_from) continue;
    AbortedTxnIndex* txn_index = entry.txn_index.get();
    Status s = entry.segment->ForEachBatch(replay_from, [&](const RecordBatchView& batch) {
      if (batch.header().base_offset < replay_from) return Status::Ok();
      Result<std::optional<CompletedTxn>> done = producers_.ReplayBatch(batch);
      if (!done.ok()) return done.status();
      if (*done && (*done)->is_abort) {
        return txn_index->Append(AbortedTxn{.producer_id = (*done)->producer_id,
                                            .first_offset = (*done)->first_offset,
                                            .last_offset = (*done)->last_offset,
                                            .last_stable_offset = (*done)->last_stable_offset});
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  ++dir_changes_;  // the replay may have created .txnindex files
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Appending

// Under kEveryAppend everything a roll leaves behind is synced before the
// next append is acknowledged. Otherwise, as Kafka does, the roll only
// writes: the rolled segment, the new files' directory entries and the
// producer snapshot are synced by the next Flush or FlushRolled, and the
// recovery point moves then.
Status PartitionLog::Roll() {
  const int64_t base = active().segment->next_offset();
  if (base == active().segment->base_offset()) return Status::Ok();  // active is empty
  const bool sync_now = config_.flush_policy == FlushPolicy::kEveryAppend;
  if (Status s = active().segment->Trim(); !s.ok()) return s;
  if (sync_now) {
    if (Status s = active().segment->Sync(); !s.ok()) return s;
    if (Status s = active().txn_index->Sync(); !s.ok()) return s;
  }
  SegmentConfig seg_config{.index_interval_bytes = config_.index_interval_bytes};
  std::optional<int64_t> reuse;
  if (!retired_segments_.empty()) {
    reuse = retired_segments_.back().base_offset;
    retired_bytes_ -= retired_segments_.back().kept_bytes;
    retired_segments_.pop_back();
  }
  Result<std::unique_ptr<Segment>> segment =
      Segment::Create(fs_, dir_, base, seg_config, /*sync_dir=*/sync_now, reuse);
  if (!segment.ok()) return segment.status();
  Result<AbortedTxnIndex> txn_index =
      AbortedTxnIndex::Open(fs_, SegmentFilePath(dir_, base, SegmentFileType::kTxnIndex), base);
  if (!txn_index.ok()) return txn_index.status();
  SegmentEntry entry;
  entry.segment = std::move(segment).value();
  entry.txn_index = std::make_unique<AbortedTxnIndex>(std::move(txn_index).value());
  entry.created_ms = now_();
  segments_.emplace(base, std::move(entry));
  ++dir_changes_;
  if (sync_now) {
    dir_synced_ = dir_changes_;
    recovery_point_ = std::max(recovery_point_, base);
  }
  // Kafka snapshots producer state at every roll so recovery replays at most
  // one segment.
  std::optional<std::string> reuse_snapshot;
  if (!retired_snapshots_.empty()) {
    reuse_snapshot = std::move(retired_snapshots_.back());
    retired_snapshots_.pop_back();
  }
  if (Status s =
          producers_.WriteSnapshotFile(fs_, dir_, base, /*durable=*/sync_now, reuse_snapshot);
      !s.ok()) {
    return s;
  }
  kLog.Info(dir_, ": rolled segment at offset ", base);
  return Status::Ok();
}

Status PartitionLog::MaybeRoll(size_t incoming_bytes) {
  const Segment& seg = *active().segment;
  if (seg.is_empty()) return Status::Ok();
  bool full = seg.size_bytes() + incoming_bytes > static_cast<uint64_t>(config_.segment_bytes) ||
              seg.size_bytes() + incoming_bytes > Segment::kMaxSizeBytes;
  bool old = now_() - active().created_ms >= config_.effective_segment_ms();
  if (full || old) return Roll();
  return Status::Ok();
}

Status PartitionLog::AppendBatchLocked(std::string_view batch, const RecordBatchHeader& header) {
  if (Status s = MaybeRoll(batch.size()); !s.ok()) return s;
  Status s = active().segment->Append(batch, header);
  if (s.code() == Errc::kSegmentFull) {
    if (Status r = Roll(); !r.ok()) return r;
    s = active().segment->Append(batch, header);
  }
  return s;
}

Status PartitionLog::AfterAppendLocked() {
  if (config_.flush_policy == FlushPolicy::kEveryAppend) {
    if (Status s = active().segment->Sync(); !s.ok()) return s;
    recovery_point_ = active().segment->next_offset();
  }
  high_watermark_ = active().segment->next_offset();
  return Status::Ok();
}

Result<AppendResult> PartitionLog::Append(std::string records, int32_t leader_epoch,
                                          AppendOrigin origin,
                                          std::vector<RecordError>* record_errors) {
  return Append(std::span<char>(records.data(), records.size()), leader_epoch, origin,
                record_errors);
}

Result<AppendResult> PartitionLog::Append(std::span<char> records_span, int32_t leader_epoch,
                                          AppendOrigin origin,
                                          std::vector<RecordError>* record_errors) {
  const std::string_view records(records_span.data(), records_span.size());
  std::lock_guard lock(mu_);
  if (closed_) return Status(Errc::kInvalidArgument, dir_ + " is closed");

  // Validate every batch first: a request writes all of its batches or none.
  // Kafka's producers send one batch per partition; the passes below walk
  // the validated bytes again by their headers rather than keep a list.
  // Kafka checks timestamps and stamps LogAppendTime with one clock reading.
  const int64_t now_ms = now_();
  size_t validated_bytes = 0;
  int batch_count = 0;
  {
    const BatchChecks checks{.config = config_,
                             .origin = origin,
                             .timestamps = AllowedTimestamps(config_, now_ms),
                             .partition = PartitionName(dir_)};
    RecordBatchReader reader(records);
    for (;;) {
      Result<std::optional<RecordBatchView>> next = reader.Next();
      if (!next.ok()) return Status(Errc::kCorruptBatch, next.status().ToString());
      if (!next->has_value()) break;
      if (Status s = ValidateProducedBatch(**next, checks, record_errors); !s.ok()) return s;
      ++batch_count;
    }
    if (reader.has_partial_tail()) {
      return Status(Errc::kCorruptBatch, "records end inside a batch");
    }
    validated_bytes = reader.position();
  }
  if (batch_count == 0) return Status(Errc::kInvalidRecord, "no record batch");
  // REQUIRES (of `fn`): nothing that moves the bytes. Visits each validated batch in order.
  auto for_each_batch = [&](auto&& fn) -> Status {
    for (size_t position = 0; position < validated_bytes;) {
      const RecordBatchHeader h = ReadRecordBatchHeader(std::string_view(records).substr(position));
      const size_t size = h.size_in_bytes();
      if (Status s = fn(position, size, h); !s.ok()) return s;
      position += size;
    }
    return Status::Ok();
  };

  // Producer checks. A duplicate is answered with the original offsets and
  // writes nothing.
  std::optional<AppendResult> duplicate;
  Status checked = for_each_batch([&](size_t, size_t, const RecordBatchHeader& h) -> Status {
    Result<AppendCheck> check = producers_.Check(h, origin);
    if (!check.ok()) return check.status();
    if (check->outcome == AppendCheck::kDuplicate) {
      if (batch_count != 1) return Status(Errc::kInvalidRecord, "duplicate batch among several");
      duplicate = AppendResult{.base_offset = check->original.first_offset,
                               .last_offset = check->original.last_offset,
                               .log_append_time_ms = -1,
                               .log_start_offset = log_start_offset_,
                               .duplicate = true};
    }
    return Status::Ok();
  });
  if (!checked.ok()) return checked;
  if (duplicate) return *duplicate;

  AppendResult result{.log_start_offset = log_start_offset_};
  if (config_.timestamp_type == TimestampSource::kLogAppendTime) result.log_append_time_ms = now_ms;
  Status appended = for_each_batch([&](size_t position, size_t size,
                                       const RecordBatchHeader& produced) -> Status {
    std::span<char> batch = records_span.subspan(position, size);
    RecordBatchHeader h = produced;
    h.base_offset = active().segment->next_offset();
    h.partition_leader_epoch = leader_epoch;
    SetBaseOffset(batch, h.base_offset);
    SetPartitionLeaderEpoch(batch, leader_epoch);
    if (config_.timestamp_type == TimestampSource::kLogAppendTime) {
      SetMaxTimestamp(batch, TimestampType::kLogAppendTime, now_ms);
      h = ReadRecordBatchHeader(std::string_view(batch.data(), batch.size()));
    }
    if (Status s = AppendBatchLocked(std::string_view(batch.data(), batch.size()), h); !s.ok()) {
      return s;
    }
    producers_.Update(h);
    if (result.base_offset < 0) result.base_offset = h.base_offset;
    result.last_offset = h.last_offset();
    return Status::Ok();
  });
  if (!appended.ok()) return appended;
  if (Status s = AfterAppendLocked(); !s.ok()) return s;
  return result;
}

Result<AppendResult> PartitionLog::AppendMarker(int64_t producer_id, int16_t producer_epoch,
                                                ControlRecordType type, int32_t coordinator_epoch,
                                                int32_t leader_epoch) {
  std::lock_guard lock(mu_);
  if (closed_) return Status(Errc::kInvalidArgument, dir_ + " is closed");
  const int64_t offset = active().segment->next_offset();
  const int64_t now_ms = now_();
  // Check the marker against producer state on a copy first, so that a
  // rejected marker writes nothing.
  {
    ProducerState trial = producers_;
    Result<std::optional<CompletedTxn>> check =
        trial.ApplyMarker(producer_id, producer_epoch, type, coordinator_epoch, offset, now_ms);
    if (!check.ok()) return check.status();
  }
  std::string batch = BuildEndTransactionBatch(
      ControlBatchFields{.base_offset = offset,
                         .partition_leader_epoch = leader_epoch,
                         .producer_id = producer_id,
                         .producer_epoch = producer_epoch,
                         .timestamp_ms = now_ms},
      EndTransactionMarker{.type = type, .coordinator_epoch = coordinator_epoch});
  RecordBatchHeader h = ReadRecordBatchHeader(batch);
  if (Status s = AppendBatchLocked(batch, h); !s.ok()) return s;
  Result<std::optional<CompletedTxn>> done =
      producers_.ApplyMarker(producer_id, producer_epoch, type, coordinator_epoch, offset, now_ms);
  if (!done.ok()) return done.status();  // checked above; cannot happen
  if (*done && (*done)->is_abort) {
    AbortedTxnIndex& index = *active().txn_index;
    const bool new_file = index.file() == nullptr;
    Status s = index.Append(AbortedTxn{.producer_id = producer_id,
                                       .first_offset = (*done)->first_offset,
                                       .last_offset = (*done)->last_offset,
                                       .last_stable_offset = (*done)->last_stable_offset});
    if (!s.ok()) return s;
    if (new_file) ++dir_changes_;  // FlushRolled syncs the directory
  }
  if (Status s = AfterAppendLocked(); !s.ok()) return s;
  return AppendResult{.base_offset = offset,
                      .last_offset = offset,
                      .log_append_time_ms = -1,
                      .log_start_offset = log_start_offset_};
}

// ---------------------------------------------------------------------------
// Reading

int64_t PartitionLog::LastStableOffsetLocked() const {
  std::optional<int64_t> unstable = producers_.FirstUnstableOffset();
  return unstable ? std::min(*unstable, high_watermark_) : high_watermark_;
}

std::map<int64_t, PartitionLog::SegmentEntry>::const_iterator PartitionLog::SegmentFor(
    int64_t offset) const {
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return segments_.end();
  return std::prev(it);
}

bool FileRange::AppendTo(std::string& out) const {
  std::string bytes;
  if (!file_->ReadAt(position_, size_, &bytes).ok() || bytes.size() != size_) return false;
  out.append(bytes);
  return true;
}

Result<ReadResult> PartitionLog::Read(int64_t offset, size_t max_bytes, IsolationLevel isolation,
                                      size_t min_file_range_bytes) const {
  std::lock_guard lock(mu_);
  if (closed_) return Status(Errc::kInvalidArgument, dir_ + " is closed");
  const int64_t log_end = active().segment->next_offset();
  if (offset < log_start_offset_ || offset > log_end) {
    return Status(Errc::kOffsetOutOfRange, "offset " + std::to_string(offset) + " outside " +
                                               std::to_string(log_start_offset_) + ".." +
                                               std::to_string(log_end));
  }
  ReadResult result;
  result.high_watermark = high_watermark_;
  result.last_stable_offset = LastStableOffsetLocked();
  result.log_start_offset = log_start_offset_;
  const int64_t bound = isolation == IsolationLevel::kReadCommitted ? result.last_stable_offset
                                                                    : result.high_watermark;
  if (offset >= bound) return result;

  // The segment that holds `offset`; an offset in a gap (after compaction or
  // at a segment's end) continues in the next segment.
  ReadSlice slice;
  for (auto it = SegmentFor(offset); it != segments_.end(); ++it) {
    int64_t from = std::max(offset, it->first);
    if (from >= bound) break;
    if (from >= it->second.segment->next_offset()) continue;
    const Segment& segment = *it->second.segment;
    Result<ReadSlice> read =
        min_file_range_bytes != kNoFileRange && segment.log_file()->native_handle() >= 0
            ? ReadRangeOrBytes(segment, from, max_bytes, bound, min_file_range_bytes, &result)
            : segment.ReadInto(from, max_bytes, bound, &result.records);
    if (!read.ok()) return read.status();
    if (!read->empty()) {
      slice = *read;
      break;
    }
  }
  if (slice.empty()) return result;

  if (isolation == IsolationLevel::kReadCommitted) {
    // Markers of transactions that overlap [slice start, slice end) lie in
    // the segment holding the start or in later ones.
    const int64_t fetch_start = slice.base_offset;
    const int64_t fetch_end = slice.next_offset;
    for (auto it = SegmentFor(fetch_start); it != segments_.end(); ++it) {
      CollectedAbortedTxns collected = it->second.txn_index->Collect(fetch_start, fetch_end);
      result.aborted.insert(result.aborted.end(), collected.aborted.begin(),
                            collected.aborted.end());
      if (collected.complete) break;
    }
  }
  return result;
}

Result<std::optional<TimestampOffset>> PartitionLog::OffsetForTimestamp(int64_t timestamp) const {
  std::lock_guard lock(mu_);
  for (const auto& [base, entry] : segments_) {
    if (entry.segment->is_empty() || entry.segment->max_timestamp() < timestamp) continue;
    Result<std::optional<int64_t>> batch_offset = entry.segment->FindOffsetByTimestamp(timestamp);
    if (!batch_offset.ok()) return batch_offset.status();
    if (!*batch_offset) continue;
    // The batch's max timestamp is >= `timestamp`; find the first such record.
    std::optional<TimestampOffset> found;
    Status s = entry.segment->ForEachBatch(**batch_offset, [&](const RecordBatchView& batch) {
      if (found || batch.header().is_control()) return Status::Ok();
      if (batch.header().base_offset < std::max(**batch_offset, log_start_offset_) &&
          batch.header().last_offset() < log_start_offset_) {
        return Status::Ok();
      }
      std::string scratch;
      Result<std::vector<RecordView>> records =
          batch.DecodeRecordViews(kMaxUncompressedRecords, &scratch);
      if (!records.ok()) return Status(Errc::kCorruptBatch, records.status().ToString());
      for (const RecordView& r : *records) {
        int64_t offset = batch.header().record_offset(r.offset_delta);
        int64_t ts = batch.header().record_timestamp(r.timestamp_delta);
        if (offset >= log_start_offset_ && offset < high_watermark_ && ts >= timestamp) {
          found = TimestampOffset{.timestamp = ts, .offset = offset};
          break;
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (found) return found;
  }
  return std::optional<TimestampOffset>();
}

Result<std::optional<TimestampOffset>> PartitionLog::MaxTimestamp() const {
  std::lock_guard lock(mu_);
  std::optional<TimestampOffset> best;
  for (const auto& [base, entry] : segments_) {
    if (entry.segment->is_empty()) continue;
    if (best && entry.segment->max_timestamp() <= best->timestamp) continue;
    Status s = entry.segment->ForEachBatch(base, [&](const RecordBatchView& batch) {
      const RecordBatchHeader& h = batch.header();
      if (h.is_control() || h.last_offset() < log_start_offset_) return Status::Ok();
      if (h.base_offset >= high_watermark_) return Status::Ok();
      if (best && h.max_timestamp <= best->timestamp) return Status::Ok();
      std::string scratch;
      Result<std::vector<RecordView>> records =
          batch.DecodeRecordViews(kMaxUncompressedRecords, &scratch);
      if (!records.ok()) return Status(Errc::kCorruptBatch, records.status().ToString());
      for (const RecordView& r : *records) {
        int64_t offset = h.record_offset(r.offset_delta);
        int64_t ts = h.record_timestamp(r.timestamp_delta);
        if (offset < log_start_offset_ || offset >= high_watermark_) continue;
        if (!best || ts > best->timestamp)
          best = TimestampOffset{.timestamp = ts, .offset = offset};
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  return best;
}

// ---------------------------------------------------------------------------
// Deleting

void PartitionLog::DetachSegmentLocked(std::map<int64_t, SegmentEntry>::iterator it,
                                       Detached* detached) {
  detached->segments.push_back(std::move(it->second));
  segments_.erase(it);
  detached->snapshots_before = segments_.begin()->first;
  ++dir_changes_;  // the next FlushRolled syncs the directory
}

Status PartitionLog::RemoveSegmentFiles(SegmentEntry& entry, Retire retire) {
  const int64_t base = entry.segment->base_offset();
  Status removed = retire == Retire::kNo ? entry.segment->Remove()
                                         : entry.segment->Retire(retire == Retire::kKeepBytes
                                                                     ? Segment::KeepBytes::kYes
                                                                     : Segment::KeepBytes::kNo);
  entry.txn_index.reset();
  Status s = fs_.Remove(SegmentFilePath(dir_, base, SegmentFileType::kTxnIndex));
  if (!s.ok() && s.code() != std::errc::no_such_file_or_directory) return s;
  if (!removed.ok()) return removed;
  kLog.Info(dir_, ": deleted segment ", base,
            retire == Retire::kNo ? "" : " (files kept for reuse)");
  return Status::Ok();
}

Status PartitionLog::RemoveDetached(Detached& detached) {
  if (detached.segments.empty() && detached.snapshots_before < 0) return Status::Ok();
  std::lock_guard files(files_mu_);
  size_t room = 0;           // for retired segments
  uint64_t bytes_room = 0;   // and the bytes they keep
  size_t snapshot_room = 0;  // and snapshots
  {
    std::lock_guard lock(mu_);
    bytes_room = kMaxRetiredBytes - std::min(kMaxRetiredBytes, retired_bytes_);
    // Closed: left for the next open, which deletes segments below the log
    // start. Removed: the directory is gone, and a new log may own its name.
    if (closed_) return Status::Ok();
    room = kMaxRetiredSegments - std::min(kMaxRetiredSegments, retired_segments_.size());
    snapshot_room = kMaxRetiredSegments - std::min(kMaxRetiredSegments, retired_snapshots_.size());
  }
  std::vector<RetiredSegment> retired;
  for (SegmentEntry& entry : detached.segments) {
    const int64_t base = entry.segment->base_offset();
    if (retired.size() < room && !entry.segment->log_file_shared()) {
      const uint64_t bytes = entry.segment->size_bytes();
      const bool keep_bytes = bytes <= bytes_room;
      Status s = RemoveSegmentFiles(entry, keep_bytes ? Retire::kKeepBytes : Retire::kEmpty);
      if (s.ok()) {
        retired.push_back({.base_offset = base, .kept_bytes = keep_bytes ? bytes : 0});
        if (keep_bytes) bytes_room -= bytes;
      } else {
        kLog.Warn(dir_, ": keeping segment ", base, "'s files for reuse: ", s.ToString());
      }
      continue;
    }
    if (Status s = RemoveSegmentFiles(entry); !s.ok()) return s;
  }
  std::vector<std::string> snapshots;
  Status deleted = detached.snapshots_before < 0
                       ? Status::Ok()
                       : ProducerState::DeleteSnapshotsBefore(fs_, dir_, detached.snapshots_before,
                                                              snapshot_room, &snapshots);
  std::lock_guard lock(mu_);
  if (!closed_) {
    for (const RetiredSegment& r : retired) retired_bytes_ += r.kept_bytes;
    retired_segments_.insert(retired_segments_.end(), retired.begin(), retired.end());
    retired_snapshots_.insert(retired_snapshots_.end(), snapshots.begin(), snapshots.end());
  }
  return deleted;
}

Status PartitionLog::DeleteRecordsBefore(int64_t offset) {
  Detached detached;
  {
    std::lock_guard lock(mu_);
    if (Status s = DeleteRecordsBeforeLocked(offset, &detached); !s.ok()) return s;
  }
  return RemoveDetached(detached);
}

Status PartitionLog::DeleteRecordsBeforeLocked(int64_t offset, Detached* detached) {
  if (closed_) return Status(Errc::kInvalidArgument, dir_ + " is closed");
  if (offset > high_watermark_) {
    return Status(Errc::kOffsetOutOfRange, "delete before " + std::to_string(offset) +
                                               " above the high watermark " +
                                               std::to_string(high_watermark_));
  }
  if (offset <= log_start_offset_) return Status::Ok();
  log_start_offset_ = offset;
  // Delete segments whose every offset is below the new start; the active
  // segment is rolled first if it is among them.
  if (active().segment->next_offset() <= offset && !active().segment->is_empty()) {
    if (Status s = Roll(); !s.ok()) return s;
  }
  while (segments_.size() > 1 && segments_.begin()->second.segment->next_offset() <= offset) {
    DetachSegmentLocked(segments_.begin(), detached);
  }
  detached->snapshots_before = segments_.begin()->first;
  return Status::Ok();
}

Result<int> PartitionLog::ApplyRetention() {
  Detached detached;
  {
    std::lock_guard lock(mu_);
    if (Status s = ApplyRetentionLocked(&detached); !s.ok()) return s;
  }
  if (Status s = RemoveDetached(detached); !s.ok()) return s;
  return static_cast<int>(detached.segments.size());
}

Status PartitionLog::ApplyRetentionLocked(Detached* detached) {
  if (closed_) return Status::Ok();
  const int64_t now_ms = now_();
  if (!active().segment->is_empty() &&
      now_ms - active().created_ms >= config_.effective_segment_ms()) {
    if (Status s = Roll(); !s.ok()) return s;
  }
  // Kafka deletes by retention only under a policy that includes delete.
  if (config_.cleanup_policy == CleanupPolicy::kCompact) return Status::Ok();
  // As Kafka: the oldest segments, in order, while each is wholly below the
  // high watermark and either older than retention.ms (by its largest
  // timestamp) or not needed to keep retention.bytes; the active segment too,
  // after a roll, when every segment goes.
  uint64_t total = 0;
  for (const auto& [base, entry] : segments_) total += entry.segment->size_bytes();
  std::vector<int64_t> doomed;
  for (const auto& [base, entry] : segments_) {
    const Segment& seg = *entry.segment;
    if (seg.is_empty() || seg.next_offset() > high_watermark_) break;
    bool by_time = config_.retention_ms >= 0 && now_ms - seg.max_timestamp() > config_.retention_ms;
    bool by_size = config_.retention_bytes >= 0 &&
                   total - seg.size_bytes() >= static_cast<uint64_t>(config_.retention_bytes);
    if (!by_time && !by_size) break;
    total -= seg.size_bytes();
    doomed.push_back(base);
  }
  if (!doomed.empty() && doomed.back() == active().segment->base_offset()) {
    if (Status s = Roll(); !s.ok()) return s;
  }
  for (int64_t base : doomed) {
    auto it = segments_.find(base);
    int64_t next_base = std::next(it)->first;
    DetachSegmentLocked(it, detached);
    log_start_offset_ = std::max(log_start_offset_, next_base);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Compaction (storage/log_cleaner.h)

Result<CleanStats> PartitionLog::Compact() {
  std::lock_guard lock(mu_);
  if (closed_) return Status(Errc::kInvalidArgument, dir_ + " is closed");
  CleanStats stats;
  if (config_.cleanup_policy == CleanupPolicy::kDelete) return stats;
  const int64_t now_ms = now_();

  // Kafka's first uncleanable offset, and the segments wholly below it.
  const int64_t first_uncleanable =
      std::min({active().segment->base_offset(), LastStableOffsetLocked(), high_watermark_});
  std::vector<int64_t> cleanable;
  uint64_t clean_bytes = 0;
  uint64_t dirty_bytes = 0;
  for (const auto& [base, entry] : segments_) {
    const Segment& seg = *entry.segment;
    if (seg.next_offset() > first_uncleanable || base == active().segment->base_offset()) break;
    if (config_.min_compaction_lag_ms > 0 && !seg.is_empty() &&
        seg.max_timestamp() > now_ms - config_.min_compaction_lag_ms) {
      break;
    }
    cleanable.push_back(base);
    (seg.next_offset() <= first_dirty_offset_ ? clean_bytes : dirty_bytes) += seg.size_bytes();
  }
  if (cleanable.empty()) return stats;
  const double dirty_ratio =
      clean_bytes + dirty_bytes == 0
          ? 0.0
          : static_cast<double>(dirty_bytes) / static_cast<double>(clean_bytes + dirty_bytes);
  const bool horizon_due = next_delete_horizon_ms_ && now_ms >= *next_delete_horizon_ms_;
  // KIP-354: dirty data older than max.compaction.lag.ms is cleaned whatever
  // the ratio.
  bool lag_due = false;
  if (config_.max_compaction_lag_ms < std::numeric_limits<int64_t>::max()) {
    for (int64_t base : cleanable) {
      const Segment& seg = *segments_.at(base).segment;
      if (seg.next_offset() <= first_dirty_offset_) continue;
      Result<int64_t> first = seg.FirstBatchTimestamp();
      if (!first.ok()) return first.status();
      lag_due = *first != kNoTimestamp && now_ms - *first >= config_.max_compaction_lag_ms;
      break;  // the earliest dirty segment decides
    }
  }
  if (!(dirty_ratio > config_.min_cleanable_dirty_ratio) && !horizon_due && !lag_due) return stats;

  const int64_t end = segments_.at(cleanable.back()).segment->next_offset();
  AbortedTxnSet aborted;
  for (const auto& [base, entry] : segments_) {
    for (const AbortedTxn& txn : entry.txn_index->entries()) aborted.Add(txn);
  }
  OffsetMap offsets;
  for (int64_t base : cleanable) {
    if (Status s = AddToOffsetMap(*segments_.at(base).segment, aborted, end, &offsets); !s.ok()) {
      return s;
    }
  }
  CleanContext context{.now_ms = now_ms,
                       .delete_retention_ms = config_.delete_retention_ms,
                       .offsets = &offsets,
                       .aborted = &aborted};
  for (const ProducerDescription& producer : producers_.Describe()) {
    const ProducerEntry* entry = producers_.Find(producer.producer_id);
    if (entry != nullptr && !entry->batches.empty()) {
      context.producer_last_offsets[producer.producer_id] = entry->batches.back().last_offset;
    }
  }

  TxnTracker tracker;
  std::optional<int64_t> next_horizon;
  for (int64_t base : cleanable) {
    SegmentEntry& entry = segments_.at(base);
    Result<CleanedSegment> cleaned =
        WriteSwapFiles(fs_, dir_, *entry.segment, entry.txn_index->entries(), context, &tracker);
    if (!cleaned.ok()) return cleaned.status();
    const int64_t created_ms = entry.created_ms;
    Status installed = entry.segment->Close();
    if (installed.ok()) installed = InstallSwapFiles(fs_, dir_, base);
    // Open whatever the directory now holds under the segment's name: the old
    // files or the cleaned ones (an unfinished swap completes at the next Open).
    entry.txn_index.reset();
    Result<SegmentEntry> reopened = OpenSegmentFiles(base, Recover::kYes);
    if (!reopened.ok()) {
      closed_ = true;  // the log lost a segment in memory: only a reopen can fix that
      return reopened.status();
    }
    entry = std::move(reopened).value();
    entry.created_ms = created_ms;
    if (!installed.ok()) return installed;
    stats += cleaned->stats;
    if (cleaned->next_delete_horizon_ms &&
        (!next_horizon || *cleaned->next_delete_horizon_ms < *next_horizon)) {
      next_horizon = cleaned->next_delete_horizon_ms;
    }
  }
  first_dirty_offset_ = end;
  next_delete_horizon_ms_ = next_horizon;
  kLog.Info(dir_, ": cleaned ", stats.segments_cleaned, " segments, ", stats.bytes_before, " to ",
            stats.bytes_after, " bytes, ", stats.records_removed, " records removed");
  return stats;
}

void PartitionLog::ExpireProducers() {
  std::lock_guard lock(mu_);
  producers_.ExpireProducers(now_(), config_.producer_id_expiration_ms);
}

// ---------------------------------------------------------------------------
// Durability and lifecycle

Status PartitionLog::Flush() {
  std::lock_guard lock(mu_);
  if (closed_) return Status::Ok();
  for (auto& [base, entry] : segments_) {
    if (entry.segment->next_offset() < recovery_point_) continue;  // synced already
    if (Status s = entry.segment->Sync(); !s.ok()) return s;
    if (Status s = entry.txn_index->Sync(); !s.ok()) return s;
  }
  if (dir_synced_ != dir_changes_) {
    if (Status s = fs_.SyncDir(dir_); !s.ok()) return s;
    dir_synced_ = dir_changes_;
  }
  recovery_point_ = active().segment->next_offset();
  last_flush_ms_ = now_();
  return Status::Ok();
}

Status PartitionLog::FlushRolled() {
  std::vector<std::shared_ptr<File>> files;
  int64_t target = 0;
  uint64_t dir_changes = 0;
  bool sync_dir = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::Ok();
    target = active().segment->base_offset();
    dir_changes = dir_changes_;
    sync_dir = dir_synced_ != dir_changes_;
    if (recovery_point_ >= target && !sync_dir) return Status::Ok();
    for (const auto& [base, entry] : segments_) {
      if (base >= target) break;
      if (entry.segment->next_offset() <= recovery_point_) continue;  // synced already
      // Closed segments keep their files until the log closes; the shared
      // handles keep them valid even if retention removes the segment now.
      // The index files too: a reused one's emptying becomes durable.
      files.push_back(entry.segment->log_file());
      files.push_back(entry.segment->offset_index_file());
      files.push_back(entry.segment->time_index_file());
      files.push_back(entry.txn_index->file());
    }
  }
  for (const std::shared_ptr<File>& file : files) {
    if (file == nullptr) continue;
    if (Status s = file->Sync(); !s.ok()) return s;
  }
  if (sync_dir) {
    if (Status s = fs_.SyncDir(dir_); !s.ok()) return s;
  }
  std::lock_guard lock(mu_);
  // The files of segments rolled since are not covered: they wait for the next call.
  dir_synced_ = std::max(dir_synced_, dir_changes);
  recovery_point_ = std::max(recovery_point_, target);
  return Status::Ok();
}

Status PartitionLog::FlushIfDue() {
  {
    std::lock_guard lock(mu_);
    if (config_.flush_policy != FlushPolicy::kInterval) return Status::Ok();
    if (now_() - last_flush_ms_ < config_.flush_interval_ms) return Status::Ok();
  }
  return Flush();
}

Status PartitionLog::Close() {
  std::lock_guard files(files_mu_);
  if (Status s = Flush(); !s.ok()) return s;
  std::lock_guard lock(mu_);
  if (closed_) return Status::Ok();
  Status result = producers_.WriteSnapshotFile(fs_, dir_, active().segment->next_offset());
  for (auto& [base, entry] : segments_) {
    Status s = entry.segment->Close();
    if (result.ok()) result = s;
  }
  closed_ = true;
  return result;
}

Status PartitionLog::Remove() {
  std::lock_guard files(files_mu_);
  std::lock_guard lock(mu_);
  for (auto& [base, entry] : segments_) {
    (void)entry.segment->Close();  // the files are deleted next anyway
  }
  segments_.clear();
  closed_ = true;
  return fs_.Remove(dir_);
}

// ---------------------------------------------------------------------------
// Accessors

int64_t PartitionLog::log_start_offset() const {
  std::lock_guard lock(mu_);
  return log_start_offset_;
}
int64_t PartitionLog::log_end_offset() const {
  std::lock_guard lock(mu_);
  return active().segment->next_offset();
}
int64_t PartitionLog::high_watermark() const {
  std::lock_guard lock(mu_);
  return high_watermark_;
}
int64_t PartitionLog::last_stable_offset() const {
  std::lock_guard lock(mu_);
  return LastStableOffsetLocked();
}
int64_t PartitionLog::recovery_point() const {
  std::lock_guard lock(mu_);
  return recovery_point_;
}
int64_t PartitionLog::first_dirty_offset() const {
  std::lock_guard lock(mu_);
  return first_dirty_offset_;
}
std::optional<int64_t> PartitionLog::next_delete_horizon_ms() const {
  std::lock_guard lock(mu_);
  return next_delete_horizon_ms_;
}
size_t PartitionLog::segment_count() const {
  std::lock_guard lock(mu_);
  return segments_.size();
}
uint64_t PartitionLog::size_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t total = 0;
  for (const auto& [base, entry] : segments_) total += entry.segment->size_bytes();
  return total;
}
std::vector<ProducerDescription> PartitionLog::DescribeProducers() const {
  std::lock_guard lock(mu_);
  return producers_.Describe();
}
LogConfig PartitionLog::config() const {
  std::lock_guard lock(mu_);
  return config_;
}
void PartitionLog::set_config(LogConfig config) {
  std::lock_guard lock(mu_);
  config_ = config;
}

}  // namespace brook::storage
