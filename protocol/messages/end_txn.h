// protocol/messages/end_txn.h: EndTxn (api key 26), versions 0-4.
//   v1: same layout as v0 (response sent before throttling)
//   v2: PRODUCER_FENCED may be returned; layout unchanged
//   v3: first flexible version
//   v4: TRANSACTION_ABORTABLE may be returned; layout unchanged
// Not supported: v5+ (epoch bump per transaction; response carries the new id and epoch).
#pragma once

#include <cstdint>
#include <string>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct EndTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kEndTxn;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool committed = false;  // false: abort

  template <typename Io>
  void Serde(Io& io) {
    io.String(transactional_id);
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    io.Bool(committed);
    io.TaggedFields();
  }

  bool operator==(const EndTxnRequest&) const = default;
};

struct EndTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kEndTxn;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.TaggedFields();
  }

  bool operator==(const EndTxnResponse&) const = default;
};

BROOK_SERDE_EXTERN(EndTxnRequest);
BROOK_SERDE_EXTERN(EndTxnResponse);

}  // namespace brook
