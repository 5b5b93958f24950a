// storage/errors.h
//
// Why a storage operation failed, as Status codes (std::error_code with
// category "brook.storage"). Failures of the operating system keep their errno
// in std::system_category instead.
#pragma once

#include <system_error>

namespace brook::storage {

enum class Errc {
  kCorruptBatch = 1,      // a stored batch fails its checks
  kSequenceGap,           // a producer's sequence skips ahead of the next expected one
  kOutOfOrderSequence,    // a producer's sequence is not the next expected one
  kDuplicateSequence,     // a producer's batch was already appended
  kInvalidProducerEpoch,  // a producer epoch older than the current one
  kProducerFenced,        // a newer producer instance took over the transactional id
  kUnknownProducerId,     // no state is kept for the producer id
  kInvalidTxnState,       // the operation does not fit the transaction's state
  kCorruptSnapshot,       // a producer state snapshot fails its checks
  kCorruptIndex,          // an offset or time index fails its checks
  kNotFound,              // no such topic, partition, key or file
  kInvalidArgument,       // the caller passed a value the operation cannot accept
  kCorruptMetadata,       // a value in the metadata store fails to decode
};

const std::error_category& StorageCategory();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), StorageCategory()}; }

}  // namespace brook::storage

template <>
struct std::is_error_code_enum<brook::storage::Errc> : std::true_type {};
