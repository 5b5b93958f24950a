// broker/txn_verification.h
//
// How a partition leader checks a transactional write against the
// transaction coordinator before appending it (KIP-890 part 1): the write's
// producer id and epoch must own an Ongoing transaction of its transactional
// id that holds the partition (AddPartitionsToTxn / AddOffsetsToTxn).
//
// The answer carries a shared hold on the coordinator's verification state:
// while any hold lives, the coordinator cannot end a transaction (it takes the
// state exclusively before writing PrepareCommit/PrepareAbort), so a write
// verified under a hold is in the log before the transaction's marker. Take
// the hold, append, drop it, all on one thread and without suspending in
// between (a shared_mutex is released by the thread that locked it).
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>

#include "protocol/error_code.h"

namespace brook::broker {

struct TxnVerification {
  // kNone: append. INVALID_TXN_STATE: the partition is not in the producer's
  // ongoing transaction; INVALID_PRODUCER_EPOCH: an older epoch;
  // INVALID_PRODUCER_ID_MAPPING: the id belongs to no such transactional id.
  ErrorCode error = ErrorCode::kNone;
  std::shared_lock<std::shared_mutex> hold;
};

using VerifyTxnPartition = std::function<TxnVerification(
    const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
    const std::string& topic, int32_t partition)>;

}  // namespace brook::broker
