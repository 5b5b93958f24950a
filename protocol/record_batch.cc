// protocol/record_batch.cc
#include "protocol/record_batch.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <type_traits>

#include "protocol/base/crc32c.h"
#include "protocol/record_batch_errors.h"
#include "protocol/wire/varint.h"

namespace brook {
namespace {

using L = RecordBatchLayout;

// The smallest record: a length and six fields of one byte each.
constexpr size_t kMinRecordSize = 7;
// Control batches hold one small record; a compressed one needs no more.
constexpr size_t kMaxControlBatchRecordsBytes = 1 << 20;

template <typename T>
T LoadBe(const char* p) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | static_cast<uint8_t>(p[i]));
  return static_cast<T>(u);
}

template <typename T>
void StoreBe(char* p, T v) {
  using U = std::make_unsigned_t<T>;
  auto u = static_cast<U>(v);
  for (size_t i = 0; i < sizeof(T); ++i) {
    p[i] = static_cast<char>(u >> (8 * (sizeof(T) - 1 - i)));
  }
}

void WriteHeader(char* p, const RecordBatchHeader& h) {
  StoreBe(p + L::kBaseOffset, h.base_offset);
  StoreBe(p + L::kBatchLength, h.batch_length);
  StoreBe(p + L::kPartitionLeaderEpoch, h.partition_leader_epoch);
  StoreBe(p + L::kMagic, h.magic);
  StoreBe(p + L::kCrc, h.crc);
  StoreBe(p + L::kAttributes, h.attributes);
  StoreBe(p + L::kLastOffsetDelta, h.last_offset_delta);
  StoreBe(p + L::kBaseTimestamp, h.base_timestamp);
  StoreBe(p + L::kMaxTimestamp, h.max_timestamp);
  StoreBe(p + L::kProducerId, h.producer_id);
  StoreBe(p + L::kProducerEpoch, h.producer_epoch);
  StoreBe(p + L::kBaseSequence, h.base_sequence);
  StoreBe(p + L::kRecordCount, h.record_count);
}

uint32_t ComputeCrc(std::string_view batch) { return Crc32c(batch.substr(L::kAttributes)); }

Status CorruptBatch(std::string context) {
  return Status(RecordBatchErrc::kCorruptBatch, std::move(context));
}

std::string Hex32(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x00000000";
  for (int i = 9; i >= 2; --i, v >>= 4) s[i] = kDigits[v & 15];
  return s;
}

// The records section, decompressed into `*scratch` when the batch is compressed.
Result<std::string_view> RecordsSection(const RecordBatchView& batch, size_t max_uncompressed_bytes,
                                        std::string* scratch) {
  Compression compression = batch.header().compression();
  if (compression == Compression::kNone) return batch.records_bytes();
  Result<std::string> records =
      Decompress(compression, batch.records_bytes(), max_uncompressed_bytes);
  if (!records.ok()) return records.status();
  *scratch = std::move(records).value();
  return std::string_view(*scratch);
}

size_t ReserveFor(int32_t record_count, std::string_view records) {
  return std::min(static_cast<size_t>(record_count), records.size() / kMinRecordSize);
}

// Parses the records of `header` from `records`, calling fn(RecordView&) for
// each (fn may move from it).
template <typename Fn>
Status ForEachRecord(const RecordBatchHeader& header, std::string_view records, Fn&& fn) {
  RecordView view;
  int64_t previous_delta = -1;
  for (int32_t i = 0; i < header.record_count; ++i) {
    if (records.empty()) {
      return Status(RecordBatchErrc::kRecordCountMismatch,
                    "record count " + std::to_string(header.record_count) +
                        " but the records end after " + std::to_string(i));
    }
    Status s = ParseRecord(&records, &view);
    if (!s.ok()) return Status(s.code(), "record " + std::to_string(i) + ": " + s.context());
    if (view.offset_delta <= previous_delta || view.offset_delta > header.last_offset_delta) {
      return Status(RecordBatchErrc::kCorruptRecord,
                    "record " + std::to_string(i) + ": offset delta " +
                        std::to_string(view.offset_delta) + " after " +
                        std::to_string(previous_delta) + " with last offset delta " +
                        std::to_string(header.last_offset_delta));
    }
    previous_delta = view.offset_delta;
    fn(view);
  }
  if (!records.empty()) {
    return Status(RecordBatchErrc::kRecordCountMismatch,
                  std::to_string(records.size()) + " bytes after the last of " +
                      std::to_string(header.record_count) + " records");
  }
  return Status::Ok();
}

// A zigzag varint of at most `max_bytes` at `p` (below `end`), as
// ParseRecord reads them; most lengths and deltas take one byte.
inline bool ReadZigZag(const uint8_t*& p, const uint8_t* end, int max_bytes, int64_t* v) {
  if (p < end && *p < 0x80) {
    const uint8_t b = *p++;
    *v = static_cast<int64_t>(b >> 1) ^ -static_cast<int64_t>(b & 1);
    return true;
  }
  uint64_t u;
  if (wire::ReadUnsignedVarint(&p, end, max_bytes, &u) != wire::VarintStatus::kOk) return false;
  *v = max_bytes == 5 ? wire::UnZigZag32(static_cast<uint32_t>(u)) : wire::UnZigZag64(u);
  return true;
}

// A varint length and that many bytes, skipped; -1 is null when `nullable`.
inline bool SkipBytes(const uint8_t*& p, const uint8_t* end, bool nullable, bool* is_null) {
  int64_t n;
  if (!ReadZigZag(p, end, 5, &n)) return false;
  *is_null = n == -1 && nullable;
  if (*is_null) return true;
  if (n < 0 || n > end - p) return false;
  p += n;
  return true;
}

// ParseRecord's checks on the record at `p` (which must end by `end`)
// without building a view; the record's timestamp and offset deltas go to
// `*timestamp_delta` and `*offset_delta`, and whether its key is null to
// `*null_key`. nullptr if ParseRecord would fail, else the first byte after
// the record.
const uint8_t* SkipRecord(const uint8_t* p, const uint8_t* end, int64_t* timestamp_delta,
                          int64_t* offset_delta, bool* null_key) {
  int64_t length;
  if (!ReadZigZag(p, end, 5, &length) || length < 0 || length > end - p) return nullptr;
  const uint8_t* record_end = p + length;
  if (p == record_end) return nullptr;  // attributes
  ++p;
  int64_t header_count;
  bool null_value;
  if (!ReadZigZag(p, record_end, 10, timestamp_delta) ||
      !ReadZigZag(p, record_end, 5, offset_delta) || !SkipBytes(p, record_end, true, null_key) ||
      !SkipBytes(p, record_end, true, &null_value) ||
      !ReadZigZag(p, record_end, 5, &header_count)) {
    return nullptr;
  }
  if (header_count < 0 || header_count > (record_end - p) / 2) return nullptr;
  for (int64_t i = 0; i < header_count; ++i) {
    bool null_header;
    if (!SkipBytes(p, record_end, false, &null_header) ||
        !SkipBytes(p, record_end, true, &null_header)) {
      return nullptr;
    }
  }
  return p == record_end ? p : nullptr;
}

}  // namespace

RecordBatchHeader ReadRecordBatchHeader(std::string_view bytes) {
  assert(bytes.size() >= kRecordBatchHeaderSize);
  const char* p = bytes.data();
  RecordBatchHeader h;
  h.base_offset = LoadBe<int64_t>(p + L::kBaseOffset);
  h.batch_length = LoadBe<int32_t>(p + L::kBatchLength);
  h.partition_leader_epoch = LoadBe<int32_t>(p + L::kPartitionLeaderEpoch);
  h.magic = LoadBe<int8_t>(p + L::kMagic);
  h.crc = LoadBe<uint32_t>(p + L::kCrc);
  h.attributes = LoadBe<int16_t>(p + L::kAttributes);
  h.last_offset_delta = LoadBe<int32_t>(p + L::kLastOffsetDelta);
  h.base_timestamp = LoadBe<int64_t>(p + L::kBaseTimestamp);
  h.max_timestamp = LoadBe<int64_t>(p + L::kMaxTimestamp);
  h.producer_id = LoadBe<int64_t>(p + L::kProducerId);
  h.producer_epoch = LoadBe<int16_t>(p + L::kProducerEpoch);
  h.base_sequence = LoadBe<int32_t>(p + L::kBaseSequence);
  h.record_count = LoadBe<int32_t>(p + L::kRecordCount);
  return h;
}

// ---------------------------------------------------------------------------
// RecordBatchView

Result<RecordBatchView> RecordBatchView::Parse(std::string_view bytes, CrcCheck crc_check) {
  if (bytes.size() < kLogOverhead) {
    return Status(RecordBatchErrc::kPartialBatch,
                  std::to_string(bytes.size()) + " bytes, too few for a batch length");
  }
  // Magic sits at byte 16 in every message format, so check it first: an old
  // format says so rather than failing the length check below.
  if (bytes.size() > L::kMagic && static_cast<int8_t>(bytes[L::kMagic]) != kRecordBatchMagic) {
    return Status(RecordBatchErrc::kUnsupportedMagic,
                  "magic " + std::to_string(static_cast<int8_t>(bytes[L::kMagic])));
  }
  const int32_t batch_length = LoadBe<int32_t>(bytes.data() + L::kBatchLength);
  if (batch_length < static_cast<int32_t>(kRecordBatchHeaderSize - kLogOverhead)) {
    return CorruptBatch("batch length " + std::to_string(batch_length) + " below the header size");
  }
  const size_t size = static_cast<size_t>(batch_length) + kLogOverhead;
  if (bytes.size() < size) {
    return Status(RecordBatchErrc::kPartialBatch, "batch of " + std::to_string(size) + " bytes, " +
                                                      std::to_string(bytes.size()) + " present");
  }
  const std::string_view batch = bytes.substr(0, size);
  const RecordBatchHeader h = ReadRecordBatchHeader(batch);
  if (crc_check == CrcCheck::kVerify) {
    uint32_t computed = ComputeCrc(batch);
    if (computed != h.crc) {
      return Status(RecordBatchErrc::kCrcMismatch,
                    "stored " + Hex32(h.crc) + ", computed " + Hex32(computed));
    }
  }
  if (!IsKnownCompression(h.compression())) {
    return Status(RecordBatchErrc::kUnsupportedCompression,
                  "codec " + std::to_string(static_cast<int>(h.compression())));
  }
  if (h.record_count < 0) return CorruptBatch("record count " + std::to_string(h.record_count));
  if (h.last_offset_delta < 0 || (h.record_count > 0 && h.last_offset_delta < h.record_count - 1)) {
    return CorruptBatch("last offset delta " + std::to_string(h.last_offset_delta) + " for " +
                        std::to_string(h.record_count) + " records");
  }
  if (h.base_offset > std::numeric_limits<int64_t>::max() - h.last_offset_delta) {
    return CorruptBatch("base offset " + std::to_string(h.base_offset) + " overflows");
  }
  if (h.compression() == Compression::kNone &&
      static_cast<size_t>(h.record_count) > (size - kRecordBatchHeaderSize) / kMinRecordSize) {
    return CorruptBatch("record count " + std::to_string(h.record_count) + " in " +
                        std::to_string(size - kRecordBatchHeaderSize) + " bytes of records");
  }
  return RecordBatchView(batch, h);
}

Result<std::vector<Record>> RecordBatchView::DecodeRecords(size_t max_uncompressed_bytes) const {
  std::string scratch;
  Result<std::string_view> records = RecordsSection(*this, max_uncompressed_bytes, &scratch);
  if (!records.ok()) return records.status();
  std::vector<Record> out;
  out.reserve(ReserveFor(header_.record_count, *records));
  Status s = ForEachRecord(header_, *records,
                           [&out](RecordView& view) { out.push_back(view.ToRecord()); });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<RecordView>> RecordBatchView::DecodeRecordViews(size_t max_uncompressed_bytes,
                                                                   std::string* scratch) const {
  Result<std::string_view> records = RecordsSection(*this, max_uncompressed_bytes, scratch);
  if (!records.ok()) return records.status();
  std::vector<RecordView> out;
  out.reserve(ReserveFor(header_.record_count, *records));
  Status s = ForEachRecord(header_, *records,
                           [&out](RecordView& view) { out.push_back(std::move(view)); });
  if (!s.ok()) return s;
  return out;
}

Status RecordBatchView::VisitRecords(size_t max_uncompressed_bytes, std::string* scratch,
                                     const std::function<bool(const RecordView&)>& fn) const {
  Result<std::string_view> records = RecordsSection(*this, max_uncompressed_bytes, scratch);
  if (!records.ok()) return records.status();
  bool more = true;
  return ForEachRecord(header_, *records, [&](RecordView& view) {
    if (more) more = fn(view);
  });
}

bool RecordBatchView::HasDenseRecords(bool require_keys, TimestampBounds timestamps) const {
  if (header_.compression() != Compression::kNone) return false;
  const std::string_view records = records_bytes();
  const auto* p = reinterpret_cast<const uint8_t*>(records.data());
  const uint8_t* end = p + records.size();
  const bool check_timestamps = timestamps != TimestampBounds{};
  for (int32_t i = 0; i < header_.record_count; ++i) {
    int64_t timestamp_delta;
    int64_t offset_delta;
    bool null_key;
    p = SkipRecord(p, end, &timestamp_delta, &offset_delta, &null_key);
    if (p == nullptr || offset_delta != i || offset_delta > header_.last_offset_delta) return false;
    if (require_keys && null_key) return false;
    if (check_timestamps && !timestamps.Allows(header_.record_timestamp(timestamp_delta))) {
      return false;
    }
  }
  return p == end;
}

// ---------------------------------------------------------------------------
// RecordCursor

Result<RecordCursor> RecordCursor::Open(const RecordBatchView& batch,
                                        size_t max_uncompressed_bytes) {
  RecordCursor cursor;
  cursor.header_ = batch.header();
  if (batch.header().compression() == Compression::kNone) {
    cursor.records_ = batch.records_bytes();
    return cursor;
  }
  Result<std::string> records =
      Decompress(batch.header().compression(), batch.records_bytes(), max_uncompressed_bytes);
  if (!records.ok()) return records.status();
  cursor.decompressed_ = std::make_unique<std::string>(std::move(records).value());
  cursor.records_ = *cursor.decompressed_;
  return cursor;
}

Result<const RecordView*> RecordCursor::Next() {
  if (!error_.ok()) return error_;
  if (index_ == header_.record_count) {
    if (records_.empty()) return static_cast<const RecordView*>(nullptr);
    error_ = Status(RecordBatchErrc::kRecordCountMismatch,
                    std::to_string(records_.size()) + " bytes after the last of " +
                        std::to_string(header_.record_count) + " records");
    return error_;
  }
  if (records_.empty()) {
    error_ = Status(RecordBatchErrc::kRecordCountMismatch,
                    "record count " + std::to_string(header_.record_count) +
                        " but the records end after " + std::to_string(index_));
    return error_;
  }
  if (Status s = ParseRecord(&records_, &view_); !s.ok()) {
    error_ = Status(s.code(), "record " + std::to_string(index_) + ": " + s.context());
    return error_;
  }
  if (view_.offset_delta <= previous_delta_ || view_.offset_delta > header_.last_offset_delta) {
    error_ = Status(RecordBatchErrc::kCorruptRecord,
                    "record " + std::to_string(index_) + ": offset delta " +
                        std::to_string(view_.offset_delta) + " after " +
                        std::to_string(previous_delta_) + " with last offset delta " +
                        std::to_string(header_.last_offset_delta));
    return error_;
  }
  previous_delta_ = view_.offset_delta;
  ++index_;
  return static_cast<const RecordView*>(&view_);
}

// ---------------------------------------------------------------------------
// RecordBatchReader

Result<std::optional<RecordBatchView>> RecordBatchReader::Next() {
  if (position_ == records_.size()) return std::optional<RecordBatchView>();
  Result<RecordBatchView> batch = RecordBatchView::Parse(records_.substr(position_), crc_check_);
  if (!batch.ok()) {
    if (batch.status().code() == RecordBatchErrc::kPartialBatch) {
      return std::optional<RecordBatchView>();
    }
    return Status(batch.status().code(),
                  "batch at byte " + std::to_string(position_) + ": " + batch.status().context());
  }
  position_ += batch->size();
  return std::optional<RecordBatchView>(*batch);
}

// ---------------------------------------------------------------------------
// In-place edits

void SetBaseOffset(std::span<char> batch, int64_t base_offset) {
  assert(batch.size() >= kRecordBatchHeaderSize);
  StoreBe(batch.data() + L::kBaseOffset, base_offset);
}

void SetPartitionLeaderEpoch(std::span<char> batch, int32_t partition_leader_epoch) {
  assert(batch.size() >= kRecordBatchHeaderSize);
  StoreBe(batch.data() + L::kPartitionLeaderEpoch, partition_leader_epoch);
}

void SetMaxTimestamp(std::span<char> batch, TimestampType type, int64_t max_timestamp) {
  assert(batch.size() >= kRecordBatchHeaderSize);
  char* p = batch.data();
  const auto attributes = LoadBe<int16_t>(p + L::kAttributes);
  const auto new_attributes = static_cast<int16_t>(type == TimestampType::kLogAppendTime
                                                       ? attributes | kLogAppendTimeAttribute
                                                       : attributes & ~kLogAppendTimeAttribute);
  if (new_attributes == attributes && LoadBe<int64_t>(p + L::kMaxTimestamp) == max_timestamp) {
    return;
  }
  StoreBe(p + L::kAttributes, new_attributes);
  StoreBe(p + L::kMaxTimestamp, max_timestamp);
  StoreBe(p + L::kCrc, ComputeCrc(std::string_view(p, batch.size())));
}

// ---------------------------------------------------------------------------
// RecordBatchBuilder

RecordBatchBuilder::RecordBatchBuilder(const RecordBatchHeader& header, Compression compression)
    : header_(header), compression_(compression), buffer_(kRecordBatchHeaderSize, '\0') {}

void RecordBatchBuilder::Append(const Record& record) {
  assert(record.offset_delta >= 0);
  assert(record_count_ == 0 || record.offset_delta > last_appended_delta_);
  AppendRecord(buffer_, record);
  if (record_count_ == 0 || record.timestamp_delta > largest_timestamp_delta_) {
    largest_timestamp_delta_ = record.timestamp_delta;
  }
  last_appended_delta_ = record.offset_delta;
  ++record_count_;
}

Result<std::string> RecordBatchBuilder::Build() && {
  if (record_count_ > std::numeric_limits<int32_t>::max()) {
    return Status(RecordBatchErrc::kBatchTooLarge, std::to_string(record_count_) + " records");
  }
  RecordBatchHeader h = header_;
  h.magic = kRecordBatchMagic;
  h.attributes =
      static_cast<int16_t>((h.attributes & ~kCompressionAttributeMask) |
                           (static_cast<int16_t>(compression_) & kCompressionAttributeMask));
  h.record_count = static_cast<int32_t>(record_count_);
  h.last_offset_delta = last_offset_delta_.value_or(record_count_ > 0 ? last_appended_delta_ : 0);
  // Wrapping addition: the fields are whatever the caller says, overflow included.
  h.max_timestamp = max_timestamp_.value_or(
      record_count_ > 0 ? static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) +
                                               static_cast<uint64_t>(largest_timestamp_delta_))
                        : kNoTimestamp);

  std::string out;
  if (compression_ == Compression::kNone) {
    out = std::move(buffer_);
  } else {
    Result<std::string> compressed =
        Compress(compression_, std::string_view(buffer_).substr(kRecordBatchHeaderSize));
    if (!compressed.ok()) return compressed.status();
    out.reserve(kRecordBatchHeaderSize + compressed->size());
    out.resize(kRecordBatchHeaderSize);
    out.append(*compressed);
  }
  if (out.size() - kLogOverhead > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status(RecordBatchErrc::kBatchTooLarge, std::to_string(out.size()) + " bytes");
  }
  h.batch_length = static_cast<int32_t>(out.size() - kLogOverhead);
  h.crc = 0;
  WriteHeader(out.data(), h);
  StoreBe(out.data() + L::kCrc, ComputeCrc(out));
  return out;
}

void SealRecordBatch(std::span<char> batch, const RecordBatchHeader& header) {
  assert(batch.size() >= kRecordBatchHeaderSize);
  assert(batch.size() - kLogOverhead <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  RecordBatchHeader h = header;
  h.magic = kRecordBatchMagic;
  h.batch_length = static_cast<int32_t>(batch.size() - kLogOverhead);
  h.crc = 0;
  WriteHeader(batch.data(), h);
  StoreBe(batch.data() + L::kCrc, ComputeCrc(std::string_view(batch.data(), batch.size())));
}

Result<std::string> BuildRecordBatch(const RecordBatchHeader& header, Compression compression,
                                     std::span<const Record> records) {
  RecordBatchBuilder builder(header, compression);
  for (const Record& r : records) builder.Append(r);
  return std::move(builder).Build();
}

// ---------------------------------------------------------------------------
// Transaction markers

std::string BuildEndTransactionBatch(const ControlBatchFields& fields,
                                     const EndTransactionMarker& marker) {
  RecordBatchHeader header{
      .base_offset = fields.base_offset,
      .partition_leader_epoch = fields.partition_leader_epoch,
      .attributes = kTransactionalAttribute | kControlAttribute,
      .base_timestamp = fields.timestamp_ms,
      .producer_id = fields.producer_id,
      .producer_epoch = fields.producer_epoch,
      .base_sequence = kNoSequence,
  };
  RecordBatchBuilder builder(header, Compression::kNone);
  builder.Append(MakeEndTransactionRecord(marker));
  Result<std::string> batch = std::move(builder).Build();
  assert(batch.ok());  // one small uncompressed record cannot fail
  return std::move(batch).value();
}

Result<EndTransactionMarker> ReadEndTransactionMarker(const RecordBatchView& batch) {
  if (!batch.header().is_control()) {
    return Status(RecordBatchErrc::kInvalidControlRecord, "not a control batch");
  }
  std::string scratch;
  Result<std::vector<RecordView>> records =
      batch.DecodeRecordViews(kMaxControlBatchRecordsBytes, &scratch);
  if (!records.ok()) return records.status();
  if (records->empty()) return Status(RecordBatchErrc::kInvalidControlRecord, "no records");
  return ParseEndTransactionMarker(records->front().key, records->front().value);
}

}  // namespace brook
