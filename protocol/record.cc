// protocol/record.cc
#include "protocol/record.h"

#include <cassert>
#include <cstring>
#include <limits>

#include "protocol/record_batch_errors.h"
#include "protocol/wire/varint.h"

namespace brook {
namespace {

using wire::VarintSize;
using wire::VarlongSize;

size_t NullableBytesSize(std::optional<std::string_view> b) {
  if (!b) return VarintSize(-1);
  return VarintSize(static_cast<int32_t>(b->size())) + b->size();
}

std::optional<std::string_view> AsView(const std::optional<std::string>& b) {
  if (!b) return std::nullopt;
  return std::string_view(*b);
}

// The bytes after the length prefix, for Record and RecordRef alike.
size_t BodySize(int64_t timestamp_delta, int32_t offset_delta, std::optional<std::string_view> key,
                std::optional<std::string_view> value, std::span<const RecordHeader> headers) {
  size_t n = 1 + VarlongSize(timestamp_delta) + VarintSize(offset_delta) + NullableBytesSize(key) +
             NullableBytesSize(value) + VarintSize(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    n += VarintSize(static_cast<int32_t>(h.key.size())) + h.key.size() +
         NullableBytesSize(AsView(h.value));
  }
  return n;
}

uint8_t* WriteVarint(uint8_t* p, int32_t v) {
  return wire::WriteUnsignedVarint(p, wire::ZigZag32(v));
}

uint8_t* WriteBytes(uint8_t* p, std::string_view b) {
  p = WriteVarint(p, static_cast<int32_t>(b.size()));
  if (!b.empty()) std::memcpy(p, b.data(), b.size());
  return p + b.size();
}

uint8_t* WriteNullableBytes(uint8_t* p, std::optional<std::string_view> b) {
  return b ? WriteBytes(p, *b) : WriteVarint(p, -1);
}

void AppendRecordParts(std::string& out, int8_t attributes, int64_t timestamp_delta,
                       int32_t offset_delta, std::optional<std::string_view> key,
                       std::optional<std::string_view> value,
                       std::span<const RecordHeader> headers) {
  const size_t body = BodySize(timestamp_delta, offset_delta, key, value, headers);
  assert(body <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  const size_t start = out.size();
  out.resize(start + VarintSize(static_cast<int32_t>(body)) + body);
  auto* p = reinterpret_cast<uint8_t*>(out.data() + start);
  p = WriteVarint(p, static_cast<int32_t>(body));
  *p++ = static_cast<uint8_t>(attributes);
  p = wire::WriteUnsignedVarint(p, wire::ZigZag64(timestamp_delta));
  p = WriteVarint(p, offset_delta);
  p = WriteNullableBytes(p, key);
  p = WriteNullableBytes(p, value);
  p = WriteVarint(p, static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    p = WriteBytes(p, h.key);
    p = WriteNullableBytes(p, AsView(h.value));
  }
  assert(p == reinterpret_cast<uint8_t*>(out.data() + out.size()));
}

// Bounds-checked reads over one record; each returns false (and names the
// field in `error`) instead of reading past `end`.
class Cursor {
 public:
  Cursor(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

  const uint8_t* position() const { return p_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* error() const { return error_; }

  bool Int8(int8_t* v, const char* what) {
    if (p_ == end_) return Fail(what);
    *v = static_cast<int8_t>(*p_++);
    return true;
  }
  bool Varint(int32_t* v, const char* what) {
    uint64_t u;
    if (wire::ReadUnsignedVarint(&p_, end_, 5, &u) != wire::VarintStatus::kOk) return Fail(what);
    *v = wire::UnZigZag32(static_cast<uint32_t>(u));
    return true;
  }
  bool Varlong(int64_t* v, const char* what) {
    uint64_t u;
    if (wire::ReadUnsignedVarint(&p_, end_, 10, &u) != wire::VarintStatus::kOk) return Fail(what);
    *v = wire::UnZigZag64(u);
    return true;
  }
  // A varint length and that many bytes; -1 is null when `nullable`.
  bool Bytes(std::optional<std::string_view>* v, bool nullable, const char* what) {
    int32_t n;
    if (!Varint(&n, what)) return false;
    if (n == -1 && nullable) {
      v->reset();
      return true;
    }
    if (n < 0 || static_cast<size_t>(n) > remaining()) return Fail(what);
    v->emplace(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return true;
  }

 private:
  bool Fail(const char* what) {
    error_ = what;
    return false;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  const char* error_ = nullptr;
};

constexpr bool kNullable = true;
constexpr bool kNotNull = false;

Status CorruptRecord(std::string context) {
  return Status(RecordBatchErrc::kCorruptRecord, std::move(context));
}

Status InvalidControl(const char* what) {
  return Status(RecordBatchErrc::kInvalidControlRecord, what);
}

int16_t LoadBe16(const char* p) {
  return static_cast<int16_t>(static_cast<uint8_t>(p[0]) << 8 | static_cast<uint8_t>(p[1]));
}

int32_t LoadBe32(const char* p) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint8_t>(p[0])) << 24 |
                              static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 16 |
                              static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 8 |
                              static_cast<uint8_t>(p[3]));
}

void AppendBe16(std::string& out, int16_t v) {
  out.push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  out.push_back(static_cast<char>(v));
}

void AppendBe32(std::string& out, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}

}  // namespace

Record RecordView::ToRecord() const {
  Record r;
  r.attributes = attributes;
  r.timestamp_delta = timestamp_delta;
  r.offset_delta = offset_delta;
  if (key) r.key.emplace(*key);
  if (value) r.value.emplace(*value);
  r.headers.reserve(headers.size());
  for (const RecordHeaderView& h : headers) {
    RecordHeader& out = r.headers.emplace_back();
    out.key.assign(h.key);
    if (h.value) out.value.emplace(*h.value);
  }
  return r;
}

size_t EncodedRecordSize(const Record& record) {
  size_t body = BodySize(record.timestamp_delta, record.offset_delta, AsView(record.key),
                         AsView(record.value), record.headers);
  return VarintSize(static_cast<int32_t>(body)) + body;
}

size_t EncodedRecordSize(const RecordRef& record) {
  size_t body = BodySize(record.timestamp_delta, record.offset_delta, record.key, record.value,
                         record.headers);
  return VarintSize(static_cast<int32_t>(body)) + body;
}

void AppendRecord(std::string& out, const Record& record) {
  AppendRecordParts(out, record.attributes, record.timestamp_delta, record.offset_delta,
                    AsView(record.key), AsView(record.value), record.headers);
}

void AppendRecord(std::string& out, const RecordRef& record) {
  AppendRecordParts(out, record.attributes, record.timestamp_delta, record.offset_delta, record.key,
                    record.value, record.headers);
}

Status ParseRecord(std::string_view* in, RecordView* out) {
  const auto* start = reinterpret_cast<const uint8_t*>(in->data());
  Cursor outer(start, start + in->size());
  int32_t length;
  if (!outer.Varint(&length, "record length")) return CorruptRecord("bad record length varint");
  if (length < 0 || static_cast<size_t>(length) > outer.remaining()) {
    return CorruptRecord("record length " + std::to_string(length) + " with " +
                         std::to_string(outer.remaining()) + " bytes left");
  }
  const uint8_t* end = outer.position() + length;
  Cursor c(outer.position(), end);
  std::optional<std::string_view> header_key;
  int32_t header_count = 0;
  bool ok = c.Int8(&out->attributes, "attributes") &&
            c.Varlong(&out->timestamp_delta, "timestamp delta") &&
            c.Varint(&out->offset_delta, "offset delta") && c.Bytes(&out->key, kNullable, "key") &&
            c.Bytes(&out->value, kNullable, "value") && c.Varint(&header_count, "header count");
  out->headers.clear();
  if (ok) {
    // Each header takes at least two bytes: check before reserving.
    if (header_count < 0 || static_cast<size_t>(header_count) > c.remaining() / 2) {
      return CorruptRecord("header count " + std::to_string(header_count) + " with " +
                           std::to_string(c.remaining()) + " bytes left");
    }
    out->headers.reserve(static_cast<size_t>(header_count));
    for (int32_t i = 0; i < header_count && ok; ++i) {
      RecordHeaderView& h = out->headers.emplace_back();
      ok = c.Bytes(&header_key, kNotNull, "header key") &&
           c.Bytes(&h.value, kNullable, "header value");
      if (ok) h.key = *header_key;
    }
  }
  if (!ok) {
    return CorruptRecord(std::string("bad ") + c.error() + " at byte " +
                         std::to_string(c.position() - start) + " of the record");
  }
  if (c.position() != end) {
    return CorruptRecord("record length " + std::to_string(length) + " but its fields end " +
                         std::to_string(end - c.position()) + " bytes early");
  }
  in->remove_prefix(static_cast<size_t>(end - start));
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Control records.

std::string EncodeControlRecordKey(ControlRecordType type) {
  std::string key;
  AppendBe16(key, kControlRecordVersion);
  AppendBe16(key, static_cast<int16_t>(type));
  return key;
}

Result<ControlRecordType> ParseControlRecordKey(std::optional<std::string_view> key) {
  if (!key) return InvalidControl("null control record key");
  if (key->size() < 4) return InvalidControl("control record key shorter than 4 bytes");
  if (LoadBe16(key->data()) < 0) return InvalidControl("negative control record key version");
  return static_cast<ControlRecordType>(LoadBe16(key->data() + 2));
}

Record MakeEndTransactionRecord(const EndTransactionMarker& marker) {
  assert(marker.type == ControlRecordType::kAbort || marker.type == ControlRecordType::kCommit);
  Record r;
  r.key = EncodeControlRecordKey(marker.type);
  std::string value;
  AppendBe16(value, kEndTransactionMarkerVersion);
  AppendBe32(value, marker.coordinator_epoch);
  r.value = std::move(value);
  return r;
}

Result<EndTransactionMarker> ParseEndTransactionMarker(std::optional<std::string_view> key,
                                                       std::optional<std::string_view> value) {
  Result<ControlRecordType> type = ParseControlRecordKey(key);
  if (!type.ok()) return type.status();
  if (*type != ControlRecordType::kAbort && *type != ControlRecordType::kCommit) {
    return InvalidControl("control record is not an end transaction marker");
  }
  if (!value) return InvalidControl("null end transaction marker value");
  if (value->size() < 6) return InvalidControl("end transaction marker shorter than 6 bytes");
  if (LoadBe16(value->data()) < 0) return InvalidControl("negative end transaction marker version");
  return EndTransactionMarker{.type = *type, .coordinator_epoch = LoadBe32(value->data() + 2)};
}

}  // namespace brook
