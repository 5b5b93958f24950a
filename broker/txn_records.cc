// broker/txn_records.cc
#include "broker/txn_records.h"

#include "broker/group_records.h"
#include "broker/versioned_record.h"

namespace brook::broker {
namespace {

constexpr std::string_view kStateNames[] = {"Empty",        "Ongoing",          "PrepareCommit",
                                            "PrepareAbort", "CompleteCommit",   "CompleteAbort",
                                            "Dead",         "PrepareEpochFence"};

}  // namespace

std::string_view TxnStateName(TxnState state) {
  const auto i = static_cast<size_t>(state);
  return i < std::size(kStateNames) ? kStateNames[i] : "Unknown";
}

std::optional<TxnState> TxnStateFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kStateNames); ++i) {
    if (kStateNames[i] == name) return static_cast<TxnState>(i);
  }
  return std::nullopt;
}

std::string EncodeTransactionLogKey(const TransactionLogKey& key) {
  return EncodeVersioned(key, 0);
}

std::string EncodeTransactionLogValue(const TransactionLogValue& value) {
  return EncodeVersioned(value, 0);
}

Result<TransactionLogKey> ParseTransactionLogKey(std::string_view bytes) {
  return DecodeVersioned<TransactionLogKey>(bytes);
}

Result<TransactionLogValue> ParseTransactionLogValue(std::string_view bytes) {
  return DecodeVersioned<TransactionLogValue>(bytes);
}

int32_t TransactionStatePartitionFor(std::string_view transactional_id, int32_t partitions) {
  return OffsetsPartitionFor(transactional_id, partitions);  // the same Java hash
}

}  // namespace brook::broker
