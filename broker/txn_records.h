// broker/txn_records.h
//
// The records the transaction coordinator keeps in `__transaction_state`,
// laid out as Apache Kafka's (transaction-coordinator/src/main/resources/
// common/message): key and value each start with an int16 version.
//   TransactionLogKey   v0: transactional_id
//   TransactionLogValue v0-1 (we write 0; v1 is flexible and adds tagged
//                       previous/next producer id and client transaction
//                       version): producer_id, producer_epoch,
//                       transaction_timeout_ms, transaction_status (int8, see
//                       TxnState), transaction_partitions (nullable array of
//                       topic + partition ids), last_update_timestamp_ms,
//                       start_timestamp_ms
// A null value is a tombstone (the id expired). The partition of an id is
// Kafka's: abs(Java String.hashCode(id)) % transaction.state.log.num.partitions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/wire/serde.h"

namespace brook::broker {

inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

// Kafka's TransactionState ids (TransactionLogValue.transaction_status).
enum class TxnState : int8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
  kPrepareEpochFence = 7,
};

// "Empty", "Ongoing", ... (Kafka's names, as DescribeTransactions and
// ListTransactions spell them); nullopt for a name Kafka does not have.
std::string_view TxnStateName(TxnState state);
std::optional<TxnState> TxnStateFromName(std::string_view name);

struct TransactionLogKey {
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  std::string transactional_id;

  template <typename Io>
  void Serde(Io& io) {
    io.String(transactional_id);
  }
};

struct TransactionLogValue {
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

  struct PartitionsSchema {
    std::string topic;
    std::vector<int32_t> partition_ids;

    template <typename Io>
    void Serde(Io& io) {
      io.String(topic);
      io.Array(partition_ids);
      io.TaggedFields();
    }
  };

  int64_t producer_id = -1;
  int64_t previous_producer_id = -1;  // v1+, tag 0
  int64_t next_producer_id = -1;      // v1+, tag 1
  int16_t producer_epoch = -1;
  int32_t transaction_timeout_ms = 0;
  int8_t transaction_status = 0;
  std::optional<std::vector<PartitionsSchema>> transaction_partitions;
  int64_t last_update_timestamp_ms = -1;
  int64_t start_timestamp_ms = -1;
  int16_t client_transaction_version = 0;  // v1+, tag 2

  template <typename Io>
  void Serde(Io& io) {
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    io.Int32(transaction_timeout_ms);
    io.Int8(transaction_status);
    io.NullableArray(transaction_partitions);
    io.Int64(last_update_timestamp_ms);
    io.Int64(start_timestamp_ms);
    io.TaggedFields([&](auto& tags) {
      tags.Field(0, previous_producer_id != -1, [&](auto& v) { v.Int64(previous_producer_id); });
      tags.Field(1, next_producer_id != -1, [&](auto& v) { v.Int64(next_producer_id); });
      tags.Field(2, client_transaction_version != 0,
                 [&](auto& v) { v.Int16(client_transaction_version); });
    });
  }
};

std::string EncodeTransactionLogKey(const TransactionLogKey& key);        // version 0
std::string EncodeTransactionLogValue(const TransactionLogValue& value);  // version 0
// Errors: wire::Errc (truncated bytes, an unknown version).
Result<TransactionLogKey> ParseTransactionLogKey(std::string_view bytes);
Result<TransactionLogValue> ParseTransactionLogValue(std::string_view bytes);

// The __transaction_state partition of a transactional id.
int32_t TransactionStatePartitionFor(std::string_view transactional_id, int32_t partitions);

}  // namespace brook::broker
