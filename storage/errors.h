// storage/errors.h
//
// Why a storage operation failed, as std::error_code values of category
// "brook.storage" carried in a Status (with context naming the file, offset or
// producer). Handlers map them to Kafka error codes; see STYLE.md section 4.
#pragma once

#include <system_error>

namespace brook::storage {

enum class Errc {
  kCorruptBatch = 1,      // log bytes that do not frame or check as a record batch
  kSequenceGap,           // a producer's sequence skips ahead of the next expected one
  kOutOfOrderSequence,    // a producer's sequence is behind without being a duplicate
  kDuplicateSequence,     // a batch the log already holds, sent again
  kInvalidProducerEpoch,  // an epoch older than the producer's current one
  kProducerFenced,        // a newer epoch of the transactional id took over
  kUnknownProducerId,     // no state for the producer id (expired or never seen)
  kInvalidTxnState,       // a transactional operation not allowed in the current state
  kOffsetOutOfRange,      // an offset outside what the log or segment holds
  kCorruptSnapshot,       // a producer state snapshot that fails its checks
  kCorruptIndex,          // an index file that fails its checks (the owner rebuilds it)
  kSegmentFull,           // the batch would overflow the segment's 32-bit positions or offsets
  kNotFound,              // a file, segment or entry that does not exist
  kInvalidArgument,       // a request the callee cannot satisfy as asked
};

const std::error_category& StorageCategory();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), StorageCategory()}; }

}  // namespace brook::storage

template <>
struct std::is_error_code_enum<brook::storage::Errc> : std::true_type {};
