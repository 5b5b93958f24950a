// protocol/messages/describe_transactions.h: DescribeTransactions (api key 65), version 0.
//   v0: first version; flexible from the start
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DescribeTransactionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeTransactions;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  std::vector<std::string> transactional_ids;  // empty: nothing is described

  template <typename Io>
  void Serde(Io& io) {
    io.Array(transactional_ids);
    io.TaggedFields();
  }

  bool operator==(const DescribeTransactionsRequest&) const = default;
};

struct DescribeTransactionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeTransactions;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  struct TopicData {
    std::string topic;
    std::vector<int32_t> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(topic);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const TopicData&) const = default;
  };

  struct TransactionState {
    ErrorCode error_code = ErrorCode::kNone;
    std::string transactional_id;
    std::string transaction_state;  // "Ongoing", "PrepareCommit", ...
    int32_t transaction_timeout_ms = 0;
    int64_t transaction_start_time_ms = 0;
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    // Partitions still in the transaction; while completing, those without markers yet.
    std::vector<TopicData> topics;

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.String(transactional_id);
      io.String(transaction_state);
      io.Int32(transaction_timeout_ms);
      io.Int64(transaction_start_time_ms);
      io.Int64(producer_id);
      io.Int16(producer_epoch);
      io.Array(topics);
      io.TaggedFields();
    }

    bool operator==(const TransactionState&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<TransactionState> transaction_states;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(transaction_states);
    io.TaggedFields();
  }

  bool operator==(const DescribeTransactionsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DescribeTransactionsRequest);
BROOK_SERDE_EXTERN(DescribeTransactionsResponse);

}  // namespace brook
