// protocol/record_batch_errors.h
//
// Why record batch bytes were rejected: framing, checksum, record contents and
// compression. Decoders return these as Status codes (std::error_code with
// category "brook.records"); they never throw or assert on input.
#pragma once

#include <system_error>

namespace brook {

enum class RecordBatchErrc {
  kCorruptBatch = 1,        // header fields inconsistent with each other or with the bytes
  kCrcMismatch,             // stored CRC-32C differs from the bytes it covers
  kUnsupportedMagic,        // magic other than 2 (message sets v0/v1 are not supported)
  kPartialBatch,            // the bytes end before the batch does (a fetch cut it short)
  kCorruptRecord,           // a record's length, varints or fields are malformed
  kRecordCountMismatch,     // the records present differ from the header's record count
  kUnsupportedCompression,  // compression codec 5-7
  kCorruptCompressedData,   // the codec rejected the compressed bytes
  kUncompressedTooLarge,    // decompressing would exceed the caller's limit
  kInvalidControlRecord,    // a control record's key or value is malformed
  kBatchTooLarge,           // a batch to build would not fit its int32 length
};

const std::error_category& RecordBatchCategory();
inline std::error_code make_error_code(RecordBatchErrc e) {
  return {static_cast<int>(e), RecordBatchCategory()};
}

}  // namespace brook

template <>
struct std::is_error_code_enum<brook::RecordBatchErrc> : std::true_type {};
