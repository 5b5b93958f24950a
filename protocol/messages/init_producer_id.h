// protocol/messages/init_producer_id.h: InitProducerId (api key 22), versions 0-5.
//   v1: same layout as v0 (response sent before throttling)
//   v2: first flexible version
//   v3: request adds producer_id and producer_epoch so a producer can resume its id
//   v4: PRODUCER_FENCED may be returned; layout unchanged
//   v5: TRANSACTION_ABORTABLE may be returned; layout unchanged
// Not supported: v6+ (two-phase commit fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct InitProducerIdRequest {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  std::optional<std::string> transactional_id;  // null: idempotent producer only
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;     // v3+
  int16_t producer_epoch = -1;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    io.NullableString(transactional_id);
    io.Int32(transaction_timeout_ms);
    if (io.version() >= 3) {
      io.Int64(producer_id);
      io.Int16(producer_epoch);
    }
    io.TaggedFields();
  }

  bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    io.TaggedFields();
  }

  bool operator==(const InitProducerIdResponse&) const = default;
};

BROOK_SERDE_EXTERN(InitProducerIdRequest);
BROOK_SERDE_EXTERN(InitProducerIdResponse);

}  // namespace brook
