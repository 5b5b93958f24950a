// protocol/messages/add_offsets_to_txn.h: AddOffsetsToTxn (api key 25), versions 0-4.
//   v1: same layout as v0 (response sent before throttling)
//   v2: PRODUCER_FENCED may be returned; layout unchanged
//   v3: first flexible version
//   v4: TRANSACTION_ABORTABLE may be returned; layout unchanged
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct AddOffsetsToTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kAddOffsetsToTxn;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::string group_id;

  template <typename Io>
  void Serde(Io& io) {
    io.String(transactional_id);
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    io.String(group_id);
    io.TaggedFields();
  }

  bool operator==(const AddOffsetsToTxnRequest&) const = default;
};

struct AddOffsetsToTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kAddOffsetsToTxn;
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

  bool operator==(const AddOffsetsToTxnResponse&) const = default;
};

BROOK_SERDE_EXTERN(AddOffsetsToTxnRequest);
BROOK_SERDE_EXTERN(AddOffsetsToTxnResponse);

}  // namespace brook
