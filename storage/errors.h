// storage/errors.h
//
// Why a storage operation failed: corrupt bytes on disk, or an append the
// producer state refuses. Returned as Status codes (std::error_code with
// category "brook.storage"); handlers map them to Kafka error codes.
#pragma once

#include <system_error>

namespace brook::storage {

enum class Errc {
  kCorruptBatch = 1,      // a batch in a log file fails validation
  kSequenceGap,           // sequence numbers skip ahead
  kOutOfOrderSequence,    // a producer's sequence is not the one expected next
  kDuplicateSequence,     // a sequence range already written
  kInvalidProducerEpoch,  // a producer epoch older than the one last seen
  kProducerFenced,        // a newer producer or coordinator took over
  kUnknownProducerId,     // no state for the producer id
  kInvalidTxnState,       // the write does not fit the producer's transaction state
  kCorruptSnapshot,       // a snapshot file fails validation
  kCorruptIndex,          // an index file fails validation
  kNotFound,              // the thing asked for does not exist
  kInvalidArgument,       // the caller passed something unusable
};

const std::error_category& StorageCategory();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), StorageCategory()}; }

}  // namespace brook::storage

template <>
struct std::is_error_code_enum<brook::storage::Errc> : std::true_type {};
