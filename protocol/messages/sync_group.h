// protocol/messages/sync_group.h: SyncGroup (api key 14), versions 0-5.
//   v1: response adds throttle_time_ms   v2: same layout as v1
//   v3: request adds group_instance_id   v4: first flexible version
//   v5: request and response add protocol_type and protocol_name, which the broker checks
//       against the group's
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct SyncGroupRequestAssignment {
    std::string member_id;
    std::string assignment;

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      io.Bytes(assignment);
      io.TaggedFields();
    }

    bool operator==(const SyncGroupRequestAssignment&) const = default;
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::optional<std::string> protocol_type;      // v5+
  std::optional<std::string> protocol_name;      // v5+
  // Filled in by the leader only; followers send an empty array.
  std::vector<SyncGroupRequestAssignment> assignments;

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    io.Int32(generation_id);
    io.String(member_id);
    if (io.version() >= 3) io.NullableString(group_instance_id);
    if (io.version() >= 5) {
      io.NullableString(protocol_type);
      io.NullableString(protocol_name);
    }
    io.Array(assignments);
    io.TaggedFields();
  }

  bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  std::string assignment;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.Error(error_code);
    if (io.version() >= 5) {
      io.NullableString(protocol_type);
      io.NullableString(protocol_name);
    }
    io.Bytes(assignment);
    io.TaggedFields();
  }

  bool operator==(const SyncGroupResponse&) const = default;
};

BROOK_SERDE_EXTERN(SyncGroupRequest);
BROOK_SERDE_EXTERN(SyncGroupResponse);

}  // namespace brook
