// protocol/messages/list_transactions.h: ListTransactions (api key 66), versions 0-1.
//   v0: first version; flexible from the start
//   v1: request adds duration_filter (only transactions open longer than it)
// Not supported: v2+ (transactional id pattern filter).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct ListTransactionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListTransactions;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  std::vector<std::string> state_filters;    // empty: every state
  std::vector<int64_t> producer_id_filters;  // empty: every producer
  int64_t duration_filter = -1;              // v1+; in ms, negative: no filter

  template <typename Io>
  void Serde(Io& io) {
    io.Array(state_filters);
    io.Array(producer_id_filters);
    if (io.version() >= 1) io.Int64(duration_filter);
    io.TaggedFields();
  }

  bool operator==(const ListTransactionsRequest&) const = default;
};

struct ListTransactionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListTransactions;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  struct TransactionState {
    std::string transactional_id;
    int64_t producer_id = 0;
    std::string transaction_state;

    template <typename Io>
    void Serde(Io& io) {
      io.String(transactional_id);
      io.Int64(producer_id);
      io.String(transaction_state);
      io.TaggedFields();
    }

    bool operator==(const TransactionState&) const = default;
  };

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<std::string> unknown_state_filters;  // request filters the coordinator did not know
  std::vector<TransactionState> transaction_states;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.Array(unknown_state_filters);
    io.Array(transaction_states);
    io.TaggedFields();
  }

  bool operator==(const ListTransactionsResponse&) const = default;
};

BROOK_SERDE_EXTERN(ListTransactionsRequest);
BROOK_SERDE_EXTERN(ListTransactionsResponse);

}  // namespace brook
