// protocol/record.h
//
// One record of a record batch (magic 2; the batch is in protocol/record_batch.h),
// and the control records a transaction coordinator's markers carry.
//
// Record, all varints zig-zag encoded (see protocol/wire/varint.h):
//   length           varint   bytes of the record after this field
//   attributes       int8     unused (0)
//   timestamp_delta  varlong  timestamp minus the batch's base_timestamp
//   offset_delta     varint   offset minus the batch's base_offset
//   key_length       varint   -1: null key
//   key              key_length bytes
//   value_length     varint   -1: null value
//   value            value_length bytes
//   header_count     varint
//   header_count headers:
//     key_length     varint   never negative
//     key            key_length bytes (a UTF-8 string)
//     value_length   varint   -1: null value
//     value          value_length bytes
//
// Control records, in batches with the control attribute:
//   key    version int16 (0), type int16 (0 abort, 1 commit; KRaft adds 2-4)
//   value  of abort and commit, an end transaction marker:
//          version int16 (0), coordinator_epoch int32
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"

namespace brook {

struct RecordHeader {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const RecordHeader&) const = default;
};

struct Record {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<RecordHeader> headers;

  bool operator==(const Record&) const = default;
};

// A parsed record whose bytes stay where they were: key, value and headers
// point into the buffer it was parsed from, which must outlive it.
struct RecordHeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

struct RecordView {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<RecordHeaderView> headers;

  Record ToRecord() const;
};

// A record to encode whose key, value and headers live elsewhere (a producer
// encodes what it was handed straight into its batch, without a Record).
struct RecordRef {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const RecordHeader> headers;
};

// Bytes AppendRecord writes for `record`, its length prefix included.
size_t EncodedRecordSize(const Record& record);
size_t EncodedRecordSize(const RecordRef& record);
// Appends `record`, length prefix first.
// REQUIRES: every size fits an int32 (the encoding has no other way to say it).
void AppendRecord(std::string& out, const Record& record);
void AppendRecord(std::string& out, const RecordRef& record);

// Parses the record at the front of `*in` and moves `*in` past it; views in
// `*out` point into the bytes `*in` viewed. Checks every length and varint
// against the record's own length and that the record uses all of it.
// Errors: kCorruptRecord, with what and where in the context.
Status ParseRecord(std::string_view* in, RecordView* out);

// ---------------------------------------------------------------------------
// Control records.

// Types this code knows; a key may carry any other number, kept as it is.
enum class ControlRecordType : int16_t {
  kAbort = 0,
  kCommit = 1,
  kLeaderChange = 2,    // KRaft
  kSnapshotHeader = 3,  // KRaft
  kSnapshotFooter = 4,  // KRaft
};

inline constexpr int16_t kControlRecordVersion = 0;
inline constexpr int16_t kEndTransactionMarkerVersion = 0;

// The key of a control record of `type`, version 0 (4 bytes).
std::string EncodeControlRecordKey(ControlRecordType type);
// Accepts later versions (a non-negative version and at least 4 bytes), as
// Kafka does. Errors: kInvalidControlRecord.
Result<ControlRecordType> ParseControlRecordKey(std::optional<std::string_view> key);

// What a transaction coordinator writes into each partition of a transaction.
struct EndTransactionMarker {
  ControlRecordType type = ControlRecordType::kAbort;  // kAbort or kCommit
  int32_t coordinator_epoch = 0;

  bool operator==(const EndTransactionMarker&) const = default;
};

// The marker's record: control key, value of version 0 (6 bytes), offset and
// timestamp deltas 0.
// REQUIRES: marker.type is kAbort or kCommit.
Record MakeEndTransactionRecord(const EndTransactionMarker& marker);
// Parses a control record's key and value as an end transaction marker.
// Errors: kInvalidControlRecord (not abort or commit, null or short value,
// negative version).
Result<EndTransactionMarker> ParseEndTransactionMarker(std::optional<std::string_view> key,
                                                       std::optional<std::string_view> value);

}  // namespace brook
