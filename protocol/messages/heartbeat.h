// protocol/messages/heartbeat.h: Heartbeat (api key 12), versions 0-4.
//   v1: response adds throttle_time_ms   v3: group_instance_id   v4: first flexible version
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct HeartbeatRequest {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    io.Int32(generation_id);
    io.String(member_id);
    if (io.version() >= 3) io.NullableString(group_instance_id);
    io.TaggedFields();  // no-op before kFirstFlexibleVersion
  }

  bool operator==(const HeartbeatRequest&) const = default;
};

struct HeartbeatResponse {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.TaggedFields();
  }

  bool operator==(const HeartbeatResponse&) const = default;
};

BROOK_SERDE_EXTERN(HeartbeatRequest);
BROOK_SERDE_EXTERN(HeartbeatResponse);

}  // namespace brook
