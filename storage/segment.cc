// storage/segment.cc
#include "storage/segment.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "protocol/base/logging.h"
#include "protocol/record_batch_errors.h"
#include "storage/errors.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

// Reads per refill when walking whole batches (recovery, ForEachBatch) and
// when walking headers only (Read, FindOffsetByTimestamp, TruncateTo).
constexpr size_t kBatchChunkBytes = 1 << 20;
constexpr size_t kHeaderChunkBytes = 16 << 10;

// Bytes that are not a whole, well-placed batch (as opposed to an I/O error).
bool IsDataError(const Status& s) {
  return s.code().category() == RecordBatchCategory() || s.code() == Errc::kCorruptBatch;
}

// Walks the batches of a .log from `position` to `end`, reading in chunks.
class LogScanner {
 public:
  LogScanner(const File& file, uint64_t position, uint64_t end, size_t chunk_bytes)
      : file_(file), position_(position), end_(end), chunk_bytes_(chunk_bytes) {}

  // Where the next batch starts.
  uint64_t position() const { return position_; }
  void Seek(uint64_t position) { position_ = position; }

  // The next batch, validated by RecordBatchView::Parse; nullopt at the end.
  // The view points into the scanner's buffer: valid until the next call.
  // Errors: Parse's (kPartialBatch: cut short by the end), read errors.
  Result<std::optional<RecordBatchView>> NextBatch(CrcCheck crc_check) {
    if (position_ >= end_) return std::optional<RecordBatchView>();
    const uint64_t left = end_ - position_;
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, kRecordBatchHeaderSize));
    if (Status s = Fill(want); !s.ok()) return s;
    if (want >= kLogOverhead) {
      int32_t batch_length = 0;
      for (size_t i = 0; i < 4; ++i) {
        batch_length =
            static_cast<int32_t>(static_cast<uint32_t>(batch_length) << 8 |
                                 static_cast<uint8_t>(At(RecordBatchLayout::kBatchLength + i)));
      }
      if (batch_length > 0) {
        want = static_cast<size_t>(
            std::min<uint64_t>(left, static_cast<uint64_t>(batch_length) + kLogOverhead));
        if (Status s = Fill(want); !s.ok()) return s;
      }
    }
    Result<RecordBatchView> batch = RecordBatchView::Parse(View(want), crc_check);
    if (!batch.ok()) return batch.status();
    position_ += batch->size();
    return std::optional<RecordBatchView>(*batch);
  }

  // The next batch's header, checking only its length and magic; nullopt at
  // the end. Errors: kCorruptBatch, read errors.
  Result<std::optional<RecordBatchHeader>> NextHeader() {
    if (position_ >= end_) return std::optional<RecordBatchHeader>();
    const uint64_t left = end_ - position_;
    if (left < kRecordBatchHeaderSize) return Corrupt("a partial batch header");
    if (Status s = Fill(kRecordBatchHeaderSize); !s.ok()) return s;
    const RecordBatchHeader header = ReadRecordBatchHeader(View(kRecordBatchHeaderSize));
    if (header.magic != kRecordBatchMagic ||
        header.batch_length < static_cast<int32_t>(kRecordBatchHeaderSize - kLogOverhead) ||
        header.size_in_bytes() > left) {
      return Corrupt("a batch header that does not fit the log");
    }
    position_ += header.size_in_bytes();
    return std::optional<RecordBatchHeader>(header);
  }

 private:
  // Makes the buffer hold [position_, position_ + n). REQUIRES: position_ + n <= end_.
  Status Fill(size_t n) {
    if (position_ >= buffer_start_ && position_ + n <= buffer_start_ + buffer_.size()) {
      return Status::Ok();
    }
    const size_t read =
        static_cast<size_t>(std::min<uint64_t>(end_ - position_, std::max(n, chunk_bytes_)));
    if (Status s = file_.ReadAt(position_, read, &buffer_); !s.ok()) return s;
    buffer_start_ = position_;
    if (buffer_.size() < n) return Corrupt("the end of the file");
    return Status::Ok();
  }

  char At(size_t i) const { return buffer_[position_ - buffer_start_ + i]; }
  std::string_view View(size_t n) const {
    return std::string_view(buffer_).substr(position_ - buffer_start_, n);
  }
  Status Corrupt(const std::string& what) const {
    return Status(Errc::kCorruptBatch, "byte " + std::to_string(position_) + ": " + what);
  }

  const File& file_;
  uint64_t position_;
  uint64_t end_;
  size_t chunk_bytes_;
  std::string buffer_;
  uint64_t buffer_start_ = 0;
};

// Where Retire puts a segment's file for a later Create to reuse.
std::string RetiredPath(const std::string& dir, int64_t base_offset, SegmentFileType type) {
  return SegmentFilePath(dir, base_offset, type) + ".deleted";
}

// A batch's header and where it starts in the .log.
struct BatchAt {
  uint64_t position = 0;
  RecordBatchHeader header;
};

// Reads headers from `scanner` on to the batch holding `offset` (past a gap
// of a compacted log, the first one after it). Errors: kCorruptBatch (no
// batch does: the log at `path` ends first), the scanner's.
Result<BatchAt> BatchHolding(LogScanner& scanner, int64_t offset, const std::string& path) {
  for (;;) {
    const uint64_t position = scanner.position();
    Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
    if (!header.ok()) return header.status();
    if (!header->has_value()) break;
    if ((*header)->next_offset() > offset) return BatchAt{position, **header};
  }
  return Status(Errc::kCorruptBatch, path + ": no batch holds offset " + std::to_string(offset));
}

template <typename Ptr>  // std::unique_ptr<File> or std::shared_ptr<File>
Status OpenFile(FileSystem& fs, const std::string& path, OpenMode mode, Ptr* out) {
  Result<std::unique_ptr<File>> file = fs.Open(path, mode);
  if (!file.ok()) return file.status();
  *out = std::move(*file);
  return Status::Ok();
}

// A scanner over `log` that will reach the batch holding `offset` soonest:
// from the offset index entry for it, provided the batch there ends at the
// entry's offset (an index can pass its load checks and still be wrong), or
// else from the start.
LogScanner ScannerFor(const File& log, uint64_t log_size, const OffsetIndex& index, int64_t offset,
                      size_t chunk_bytes) {
  LogScanner scanner(log, 0, log_size, chunk_bytes);
  const std::optional<OffsetIndexEntry> entry = index.Lookup(offset);
  if (!entry) return scanner;
  scanner.Seek(entry->position);
  Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
  if (header.ok() && header->has_value() && (*header)->last_offset() == entry->offset) {
    scanner.Seek(entry->position);
  } else {
    kLog.Warn("offset index entry {", entry->offset, ", ", entry->position,
              "} does not match the log; scanning from its start");
    scanner.Seek(0);
  }
  return scanner;
}

}  // namespace

Result<std::string> ReadSlice::ReadBytes() const {
  std::string out;
  if (size == 0) return out;
  assert(file != nullptr);
  if (Status s = file->ReadAt(position, static_cast<size_t>(size), &out); !s.ok()) return s;
  if (out.size() != size) {
    return Status(Errc::kOffsetOutOfRange,
                  "log ends inside the slice at byte " + std::to_string(position + out.size()));
  }
  return out;
}

Segment::Segment(FileSystem& fs, std::string dir, int64_t base_offset, SegmentConfig config)
    : fs_(fs),
      dir_(std::move(dir)),
      base_offset_(base_offset),
      config_(config),
      offset_index_(base_offset),
      time_index_(base_offset),
      next_offset_(base_offset),
      offset_of_max_timestamp_(base_offset) {}

Segment::~Segment() = default;

std::string Segment::Path(SegmentFileType type) const {
  return SegmentFilePath(dir_, base_offset_, type);
}

Result<std::unique_ptr<Segment>> Segment::Create(FileSystem& fs, std::string dir,
                                                 int64_t base_offset, SegmentConfig config,
                                                 bool sync_dir, std::optional<int64_t> reuse) {
  assert(base_offset >= 0);
  std::unique_ptr<Segment> segment(new Segment(fs, std::move(dir), base_offset, config));
  const std::string log_path = segment->Path(SegmentFileType::kLog);
  if (fs.Exists(log_path)) return Status(Errc::kInvalidArgument, log_path + " already exists");
  if (reuse) {
    for (SegmentFileType type :
         {SegmentFileType::kLog, SegmentFileType::kIndex, SegmentFileType::kTimeIndex}) {
      const std::string retired = RetiredPath(segment->dir_, *reuse, type);
      if (Status s = fs.Rename(retired, segment->Path(type)); !s.ok()) {
        kLog.Warn("reusing ", retired, ": ", s.ToString(), "; creating the file instead");
        (void)fs.Remove(retired);
      }
    }
  }
  if (Status s = OpenFile(fs, log_path, OpenMode::kCreateOrAppend, &segment->log_); !s.ok()) {
    return s;
  }
  if (segment->log_->size() > 0) {  // a reused .log: overwrite it in place
    if (Status s = segment->log_->Rewind(); !s.ok()) return s;
    segment->reused_ = true;
  }
  bool created = false;
  if (Status s = segment->OpenIndexFiles(&created); !s.ok()) return s;
  // Leftovers of an earlier segment at this offset describe another log:
  // empty them (new, empty files need no save and no sync).
  if (segment->offset_index_file_->size() > 0 || segment->time_index_file_->size() > 0) {
    segment->offset_index_.Clear();
    segment->time_index_.Clear();
    if (Status s = segment->SaveIndexes(); !s.ok()) return s;
  }
  if (sync_dir) {
    if (Status s = fs.SyncDir(segment->dir_); !s.ok()) return s;
  }
  return segment;
}

Result<std::unique_ptr<Segment>> Segment::Open(FileSystem& fs, std::string dir, int64_t base_offset,
                                               SegmentConfig config, Recover recover) {
  assert(base_offset >= 0);
  std::unique_ptr<Segment> segment(new Segment(fs, std::move(dir), base_offset, config));
  const std::string log_path = segment->Path(SegmentFileType::kLog);
  if (Status s = OpenFile(fs, log_path, OpenMode::kReadWrite, &segment->log_); !s.ok()) {
    if (s.code() == std::errc::no_such_file_or_directory) return Status(Errc::kNotFound, log_path);
    return s;
  }
  segment->size_ = segment->log_->size();
  if (segment->size_ > kMaxSizeBytes) {
    return Status(Errc::kInvalidArgument, log_path + ": " + std::to_string(segment->size_) +
                                              " bytes, more than a segment holds");
  }
  bool created = false;
  if (Status s = segment->OpenIndexFiles(&created); !s.ok()) return s;
  Status loaded = recover == Recover::kYes ? segment->RecoverLog() : segment->LoadIndexes(created);
  if (!loaded.ok()) return loaded;
  if (Status s = segment->SaveIndexes(); !s.ok()) return s;
  if (created) {
    if (Status s = fs.SyncDir(segment->dir_); !s.ok()) return s;
  }
  return segment;
}

Status Segment::OpenIndexFiles(bool* created) {
  const std::string index_path = Path(SegmentFileType::kIndex);
  const std::string time_index_path = Path(SegmentFileType::kTimeIndex);
  *created = !fs_.Exists(index_path) || !fs_.Exists(time_index_path);
  if (Status s = OpenFile(fs_, index_path, OpenMode::kCreateOrAppend, &offset_index_file_);
      !s.ok()) {
    return s;
  }
  return OpenFile(fs_, time_index_path, OpenMode::kCreateOrAppend, &time_index_file_);
}

Status Segment::RecoverLog() {
  offset_index_.Clear();
  time_index_.Clear();
  Result<ScanEnd> end = ResumeIndexing(CrcCheck::kVerify);
  if (!end.ok()) return end.status();
  if (end->position == size_) return Status::Ok();
  kLog.Warn("truncating ", Path(SegmentFileType::kLog), " from ", size_, " to ", end->position,
            " bytes (next offset ", next_offset_, "): ", end->reason.ToString());
  if (Status s = log_->Truncate(end->position); !s.ok()) return s;
  if (Status s = log_->Sync(); !s.ok()) return s;
  size_ = end->position;
  return Status::Ok();
}

Status Segment::LoadIndexes(bool created) {
  Status loaded = created ? Status(Errc::kCorruptIndex, "an index file was missing")
                          : offset_index_.Load(*offset_index_file_, size_);
  if (loaded.ok()) {
    // Time index entries are added with offset index entries, never after them.
    std::optional<OffsetIndexEntry> last = offset_index_.last_entry();
    loaded = time_index_.Load(*time_index_file_, last ? last->offset : base_offset_ - 1);
  }
  if (!loaded.ok()) {
    if (loaded.code() != Errc::kCorruptIndex) return loaded;
    kLog.Warn("rebuilding the indexes of ", Path(SegmentFileType::kLog), ": ", loaded.ToString());
    offset_index_.Clear();
    time_index_.Clear();
  }
  Result<ScanEnd> end = ResumeIndexing(CrcCheck::kSkip);
  if (!end.ok()) return end.status();
  if (end->position == size_) return Status::Ok();
  // Not whole batches after all, or an index pointing into the middle of one.
  kLog.Warn("recovering ", Path(SegmentFileType::kLog), ": ", end->reason.ToString());
  return RecoverLog();
}

Result<Segment::ScanEnd> Segment::ResumeIndexing(CrcCheck crc_check) {
  const std::optional<OffsetIndexEntry> last = offset_index_.last_entry();
  const std::optional<TimeIndexEntry> last_time = time_index_.last_entry();
  next_offset_ = base_offset_;
  max_timestamp_ = last_time ? last_time->timestamp : kNoTimestamp;
  offset_of_max_timestamp_ = last_time ? last_time->offset : base_offset_;
  bytes_since_index_entry_ = 0;  // so the batch of `last` is not indexed again

  // A batch is indexed only once the next one checks out. base_offset lies
  // outside the CRC, and a damaged one may show only when the next batch
  // seems to go backwards; the blame then goes to the pending batch if it
  // would have fitted below the next one, as it does when offsets are dense.
  struct Pending {
    uint64_t position;
    RecordBatchHeader header;
  };
  std::optional<Pending> pending;
  LogScanner scanner(*log_, last ? last->position : 0, size_, kBatchChunkBytes);
  for (;;) {
    const uint64_t position = scanner.position();
    Result<std::optional<RecordBatchView>> batch = scanner.NextBatch(crc_check);
    if (!batch.ok()) {
      if (!IsDataError(batch.status())) return batch.status();
      if (pending) IndexBatch(pending->position, pending->header);
      return ScanEnd{position, Status(batch.status().code(), "byte " + std::to_string(position) +
                                                                 ": " + batch.status().context())};
    }
    if (!batch->has_value()) break;
    const RecordBatchHeader& header = (*batch)->header();
    const int64_t expected = pending ? pending->header.next_offset() : next_offset_;
    Status placed = CheckPlacement(position, header, expected);
    if (!placed.ok() && pending && header.base_offset < expected &&
        header.base_offset >= next_offset_ &&
        header.base_offset - next_offset_ > pending->header.last_offset_delta) {
      return ScanEnd{
          pending->position,
          Status(Errc::kCorruptBatch,
                 "byte " + std::to_string(pending->position) + ": base offset " +
                     std::to_string(pending->header.base_offset) +
                     " out of line with the next batch's " + std::to_string(header.base_offset))};
    }
    if (placed.ok() && !pending && last && header.last_offset() != last->offset) {
      placed = Status(Errc::kCorruptBatch, "byte " + std::to_string(position) +
                                               ": batch ends at offset " +
                                               std::to_string(header.last_offset()) +
                                               ", the index says " + std::to_string(last->offset));
    }
    if (pending) IndexBatch(pending->position, pending->header);
    if (!placed.ok()) return ScanEnd{position, placed};
    pending = Pending{position, header};
  }
  if (pending) IndexBatch(pending->position, pending->header);
  return ScanEnd{scanner.position(), Status::Ok()};
}

Status Segment::CheckPlacement(uint64_t position, const RecordBatchHeader& header,
                               int64_t expected_offset) const {
  std::string problem;
  if (header.base_offset < expected_offset) {
    problem = "base offset " + std::to_string(header.base_offset) + " below " +
              std::to_string(expected_offset);
  } else if (header.last_offset() - base_offset_ > kMaxRelativeOffset) {
    problem = "offset " + std::to_string(header.last_offset()) + " too far past the segment base";
  } else if (position + header.size_in_bytes() > kMaxSizeBytes) {
    problem = "batch ends past the segment size limit";
  } else {
    return Status::Ok();
  }
  return Status(Errc::kCorruptBatch, "byte " + std::to_string(position) + ": " + problem);
}

void Segment::IndexBatch(uint64_t position, const RecordBatchHeader& header) {
  if (header.max_timestamp > max_timestamp_) {
    max_timestamp_ = header.max_timestamp;
    offset_of_max_timestamp_ = header.last_offset();
  }
  if (bytes_since_index_entry_ > config_.index_interval_bytes) {
    offset_index_.Append(header.last_offset(), static_cast<uint32_t>(position));
    const std::optional<TimeIndexEntry> last_time = time_index_.last_entry();
    if (max_timestamp_ > (last_time ? last_time->timestamp : kNoTimestamp)) {
      time_index_.Append(max_timestamp_, offset_of_max_timestamp_);
    }
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += header.size_in_bytes();
  next_offset_ = header.next_offset();
}

Status Segment::Append(std::string_view batch, const RecordBatchHeader& header) {
  assert(log_ != nullptr);
  assert(batch.size() == header.size_in_bytes());
  assert(header.base_offset >= next_offset_);
  if (header.last_offset() - base_offset_ > kMaxRelativeOffset ||
      size_ + batch.size() > kMaxSizeBytes) {
    return Status(Errc::kSegmentFull, Path(SegmentFileType::kLog) + ": no room for offsets " +
                                          std::to_string(header.base_offset) + "-" +
                                          std::to_string(header.last_offset()));
  }
  // A write that failed half way left bytes that are not a batch: cut them.
  if (log_->size() != size_) {
    if (Status s = log_->Truncate(size_); !s.ok()) return s;
  }
  if (Status s = log_->Append(batch); !s.ok()) return s;
  IndexBatch(size_, header);
  size_ += batch.size();
  return Status::Ok();
}

Result<ReadSlice> Segment::Read(int64_t offset, size_t max_bytes, int64_t max_offset) const {
  if (offset < base_offset_ || offset > next_offset_) {
    return Status(Errc::kOffsetOutOfRange, "offset " + std::to_string(offset) + " outside " +
                                               Path(SegmentFileType::kLog) + " [" +
                                               std::to_string(base_offset_) + ", " +
                                               std::to_string(next_offset_) + "]");
  }
  ReadSlice slice{.file = log_.get(), .position = size_};
  if (offset == next_offset_) return slice;
  LogScanner scanner = ScannerFor(*log_, size_, offset_index_, offset, kHeaderChunkBytes);
  Result<BatchAt> first = BatchHolding(scanner, offset, Path(SegmentFileType::kLog));
  if (!first.ok()) return first.status();
  slice.position = first->position;
  if (first->header.base_offset >= max_offset) return slice;
  slice.size = first->header.size_in_bytes();
  slice.base_offset = first->header.base_offset;
  slice.next_offset = first->header.next_offset();
  if (slice.size >= max_bytes) return slice;

  // The batches after the first, framed without reading them: every batch
  // before the index entry at or below the byte limit fits, and every batch
  // before the entry of the last offset below `max_offset` is below it. Only
  // the headers from the nearer of the two entries on are read.
  const uint64_t limit = slice.position + std::min<uint64_t>(max_bytes, size_ - slice.position);
  uint64_t known_end = slice.position + slice.size;
  std::optional<OffsetIndexEntry> jump = offset_index_.LookupPosition(limit);
  if (max_offset <= next_offset_) {
    std::optional<OffsetIndexEntry> below = offset_index_.Lookup(max_offset - 1);
    if (!below) {
      jump.reset();
    } else if (jump && below->position < jump->position) {
      jump = below;
    }
  }
  scanner.Seek(known_end);
  if (jump && jump->position > known_end) {
    scanner.Seek(jump->position);
    Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
    if (header.ok() && header->has_value() && (*header)->last_offset() == jump->offset) {
      // Every batch before the entry's is in; the entry's own is checked below.
      known_end = jump->position;
      slice.next_offset = (*header)->base_offset;
    } else {
      kLog.Warn("offset index entry {", jump->offset, ", ", jump->position,
                "} does not match the log; framing the read by its headers");
    }
    scanner.Seek(known_end);
  }
  for (;;) {
    const uint64_t position = scanner.position();
    Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
    if (!header.ok()) return header.status();
    if (!header->has_value()) break;
    const RecordBatchHeader& h = **header;
    if (h.base_offset >= max_offset || position + h.size_in_bytes() > limit) break;
    known_end = position + h.size_in_bytes();
    slice.next_offset = h.next_offset();
  }
  slice.size = known_end - slice.position;
  return slice;
}

Result<ReadSlice> Segment::ReadInto(int64_t offset, size_t max_bytes, int64_t max_offset,
                                    std::string* out) const {
  out->clear();
  if (offset < base_offset_ || offset > next_offset_) return Read(offset, max_bytes, max_offset);
  ReadSlice slice{.file = log_.get(), .position = size_};
  if (offset == next_offset_) return slice;
  // The batch holding `offset`, by its header.
  LogScanner scanner = ScannerFor(*log_, size_, offset_index_, offset, kHeaderChunkBytes);
  Result<BatchAt> holding = BatchHolding(scanner, offset, Path(SegmentFileType::kLog));
  if (!holding.ok()) return holding.status();
  slice.position = holding->position;
  const RecordBatchHeader* first = &holding->header;
  if (first->base_offset >= max_offset) return slice;

  // One read of everything that may be returned, then the batches after the
  // first framed in memory with NextHeader's checks.
  const uint64_t left = size_ - slice.position;
  const size_t want = static_cast<size_t>(
      std::min<uint64_t>(left, std::max<uint64_t>(first->size_in_bytes(), max_bytes)));
  if (Status s = log_->ReadAt(slice.position, want, out); !s.ok()) return s;
  if (out->size() != want) {
    return Status(Errc::kCorruptBatch, Path(SegmentFileType::kLog) + ": ends at byte " +
                                           std::to_string(slice.position + out->size()) +
                                           ", inside the slice");
  }
  slice.size = first->size_in_bytes();
  slice.base_offset = first->base_offset;
  slice.next_offset = first->next_offset();
  while (slice.size + kRecordBatchHeaderSize <= out->size()) {
    const RecordBatchHeader h = ReadRecordBatchHeader(std::string_view(*out).substr(slice.size));
    if (h.magic != kRecordBatchMagic ||
        h.batch_length < static_cast<int32_t>(kRecordBatchHeaderSize - kLogOverhead) ||
        h.size_in_bytes() > left - slice.size) {
      return Status(Errc::kCorruptBatch, Path(SegmentFileType::kLog) + " byte " +
                                             std::to_string(slice.position + slice.size) +
                                             ": a batch header that does not fit the log");
    }
    if (h.base_offset >= max_offset || slice.size + h.size_in_bytes() > max_bytes) break;
    slice.size += h.size_in_bytes();
    slice.next_offset = h.next_offset();
  }
  out->resize(static_cast<size_t>(slice.size));
  return slice;
}

Result<std::optional<int64_t>> Segment::FindOffsetByTimestamp(int64_t timestamp) const {
  if (is_empty() || max_timestamp_ < timestamp) return std::optional<int64_t>();
  // Every batch before the one holding the entry's offset has a smaller max timestamp.
  const std::optional<TimeIndexEntry> entry = time_index_.Lookup(timestamp);
  LogScanner scanner = ScannerFor(*log_, size_, offset_index_,
                                  entry ? entry->offset : base_offset_ - 1, kHeaderChunkBytes);
  for (;;) {
    Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
    if (!header.ok()) return header.status();
    if (!header->has_value()) return std::optional<int64_t>();
    if ((*header)->max_timestamp >= timestamp)
      return std::optional<int64_t>((*header)->base_offset);
  }
}

Result<int64_t> Segment::FirstBatchTimestamp() const {
  if (is_empty()) return kNoTimestamp;
  LogScanner scanner(*log_, 0, size_, kHeaderChunkBytes);
  Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
  if (!header.ok()) return header.status();
  return header->has_value() ? (*header)->max_timestamp : kNoTimestamp;
}

Status Segment::ForEachBatch(int64_t from_offset,
                             const std::function<Status(const RecordBatchView&)>& fn) const {
  LogScanner scanner = ScannerFor(*log_, size_, offset_index_, from_offset, kBatchChunkBytes);
  for (;;) {
    const uint64_t position = scanner.position();
    Result<std::optional<RecordBatchView>> batch = scanner.NextBatch(CrcCheck::kSkip);
    if (!batch.ok()) {
      if (!IsDataError(batch.status())) return batch.status();
      return Status(Errc::kCorruptBatch, Path(SegmentFileType::kLog) + " byte " +
                                             std::to_string(position) + ": " +
                                             batch.status().ToString());
    }
    if (!batch->has_value()) return Status::Ok();
    if ((*batch)->header().next_offset() <= from_offset) continue;
    if (Status s = fn(**batch); !s.ok()) return s;
  }
}

Status Segment::SaveIndexes() {
  if (Status s = offset_index_.Save(*offset_index_file_); !s.ok()) return s;
  return time_index_.Save(*time_index_file_);
}

Status Segment::Sync() {
  assert(log_ != nullptr);
  if (Status s = log_->Sync(); !s.ok()) return s;
  return SaveIndexes();
}

Status Segment::TruncateTo(int64_t offset) {
  assert(log_ != nullptr);
  if (offset >= next_offset_) return Status::Ok();
  // The first batch with base offset >= `offset`.
  LogScanner scanner = ScannerFor(*log_, size_, offset_index_, offset, kHeaderChunkBytes);
  uint64_t cut = size_;
  int64_t dropped_offset = next_offset_;
  for (;;) {
    const uint64_t position = scanner.position();
    Result<std::optional<RecordBatchHeader>> header = scanner.NextHeader();
    if (!header.ok()) return header.status();
    if (!header->has_value()) break;
    if ((*header)->base_offset >= offset) {
      cut = position;
      dropped_offset = (*header)->base_offset;
      break;
    }
  }
  if (cut == size_) return Status::Ok();  // `offset` is inside the last batch
  if (Status s = log_->Truncate(cut); !s.ok()) return s;
  if (Status s = log_->Sync(); !s.ok()) return s;
  size_ = cut;
  offset_index_.Truncate(dropped_offset);
  // Keep the time index within the offset index, as if built by appends.
  const std::optional<OffsetIndexEntry> last = offset_index_.last_entry();
  time_index_.Truncate(last ? std::min(dropped_offset, last->offset + 1) : base_offset_);
  Result<ScanEnd> end = ResumeIndexing(CrcCheck::kSkip);
  if (!end.ok()) return end.status();
  if (end->position != size_) {
    return Status(Errc::kCorruptBatch, Path(SegmentFileType::kLog) + ": " + end->reason.ToString());
  }
  return SaveIndexes();
}

Status Segment::Trim() {
  if (!reused_ || log_ == nullptr) return Status::Ok();
  if (Status s = log_->Truncate(size_); !s.ok()) return s;
  reused_ = false;
  return Status::Ok();
}

Status Segment::Close() {
  if (log_ == nullptr) return Status::Ok();
  if (Status s = Trim(); !s.ok()) return s;
  if (Status s = Sync(); !s.ok()) return s;
  log_.reset();
  offset_index_file_.reset();
  time_index_file_.reset();
  return Status::Ok();
}

Status Segment::Retire(KeepBytes keep_bytes) {
  Status retired = Status::Ok();
  for (const std::shared_ptr<File>* file : {&log_, &offset_index_file_, &time_index_file_}) {
    if (file == &log_ && keep_bytes == KeepBytes::kYes) continue;
    if (retired.ok()) retired = (*file)->Truncate(0);
  }
  log_.reset();
  offset_index_file_.reset();
  time_index_file_.reset();
  for (SegmentFileType type :
       {SegmentFileType::kLog, SegmentFileType::kIndex, SegmentFileType::kTimeIndex}) {
    if (retired.ok()) retired = fs_.Rename(Path(type), RetiredPath(dir_, base_offset_, type));
  }
  if (retired.ok()) return retired;
  // Delete whatever is left under either name.
  for (SegmentFileType type :
       {SegmentFileType::kLog, SegmentFileType::kIndex, SegmentFileType::kTimeIndex}) {
    for (const std::string& path : {Path(type), RetiredPath(dir_, base_offset_, type)}) {
      Status s = fs_.Remove(path);
      if (!s.ok() && s.code() != std::errc::no_such_file_or_directory) return s;
    }
  }
  return retired;
}

Status Segment::Remove() {
  log_.reset();
  offset_index_file_.reset();
  time_index_file_.reset();
  for (SegmentFileType type :
       {SegmentFileType::kLog, SegmentFileType::kIndex, SegmentFileType::kTimeIndex}) {
    Status s = fs_.Remove(Path(type));
    if (!s.ok() && s.code() != std::errc::no_such_file_or_directory) return s;
  }
  return Status::Ok();
}

}  // namespace brook::storage
