// storage/errors.h
//
// Why a storage operation failed, as Status codes (category "brook.storage").
// The broker maps them to Kafka error codes in one place per handler.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace brook::storage {

enum class Errc {
  kCorruptBatch = 1,      // bytes that do not frame or check as a record batch (CORRUPT_MESSAGE)
  kSequenceGap,           // a producer's sequence skips ahead of the next expected one
  kOutOfOrderSequence,    // a sequence that does not follow (OUT_OF_ORDER_SEQUENCE_NUMBER)
  kDuplicateSequence,     // a batch the log already holds, sent again
  kInvalidProducerEpoch,  // an epoch older than the producer's (INVALID_PRODUCER_EPOCH)
  kProducerFenced,        // a newer epoch of the transactional id took over (PRODUCER_FENCED)
  kUnknownProducerId,     // no state for the producer id (UNKNOWN_PRODUCER_ID)
  kInvalidTxnState,       // not allowed in the producer's transaction state (INVALID_TXN_STATE)
  kOffsetOutOfRange,      // an offset outside what the log or segment holds (OFFSET_OUT_OF_RANGE)
  kCorruptSnapshot,       // a producer state snapshot that fails its checks
  kCorruptIndex,          // an index file that fails its checks (the owner rebuilds it)
  kSegmentFull,           // the batch would overflow the segment's 32-bit positions or offsets
  kNotFound,              // a file, segment, topic or entry that does not exist
  kInvalidArgument,       // a request the callee cannot satisfy as asked
  kCorruptMetadata,       // a catalog value that fails to decode
  kCoordinatorFenced,     // a marker from an older coordinator (TRANSACTION_COORDINATOR_FENCED)
  kInvalidRecord,         // a produced batch Kafka's validator rejects (INVALID_RECORD)
  kRecordTooLarge,        // a batch above max.message.bytes (MESSAGE_TOO_LARGE)
  kDuplicateTopic,        // a topic that exists already (TOPIC_ALREADY_EXISTS)
  kInvalidTimestamp,      // a produced timestamp out of the allowed range (INVALID_TIMESTAMP)
};

// One record of a produced batch that the validator refuses (KIP-467): its
// index in the batch and why. PartitionLog::Append hands them out beside a
// kInvalidRecord or kInvalidTimestamp status, whose context then says what
// Kafka's error_message says.
struct RecordError {
  int32_t batch_index = 0;
  std::string message;

  bool operator==(const RecordError&) const = default;
};

const std::error_category& StorageCategory();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), StorageCategory()}; }

}  // namespace brook::storage

template <>
struct std::is_error_code_enum<brook::storage::Errc> : std::true_type {};
