// protocol/messages/join_group.h: JoinGroup (api key 11), versions 0-9.
//   v1: request adds rebalance_timeout_ms   v2: response adds throttle_time_ms
//   v3: same layout as v2   v4: same layout; a new member must join a second time with the
//       member_id it was given (MEMBER_ID_REQUIRED)
//   v5: request and response members add group_instance_id (static membership)
//   v6: first flexible version
//   v7: response adds protocol_type, and protocol_name becomes nullable
//   v8: request adds reason   v9: response adds skip_assignment
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

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr VersionRange kVersions{0, 9};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  struct JoinGroupRequestProtocol {
    std::string name;
    std::string metadata;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Bytes(metadata);
      io.TaggedFields();
    }

    bool operator==(const JoinGroupRequestProtocol&) const = default;
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  // v1+; where absent (v0) session_timeout_ms serves as the rebalance timeout too.
  int32_t rebalance_timeout_ms = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;
  std::vector<JoinGroupRequestProtocol> protocols;
  std::optional<std::string> reason;  // v8+

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    io.Int32(session_timeout_ms);
    if (io.version() >= 1) io.Int32(rebalance_timeout_ms);
    io.String(member_id);
    if (io.version() >= 5) io.NullableString(group_instance_id);
    io.String(protocol_type);
    io.Array(protocols);
    if (io.version() >= 8) io.NullableString(reason);
    io.TaggedFields();
  }

  bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr VersionRange kVersions{0, 9};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  struct JoinGroupResponseMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::string metadata;

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      if (io.version() >= 5) io.NullableString(group_instance_id);
      io.Bytes(metadata);
      io.TaggedFields();
    }

    bool operator==(const JoinGroupResponseMember&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  ErrorCode error_code = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // v7+
  // Nullable from v7; before that a null is written as the empty string.
  std::optional<std::string> protocol_name = std::string();
  std::string leader;
  bool skip_assignment = false;  // v9+
  std::string member_id;
  std::vector<JoinGroupResponseMember> members;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 2) io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.Int32(generation_id);
    if (io.version() >= 7) {
      io.NullableString(protocol_type);
      io.NullableString(protocol_name);
    } else if constexpr (Io::kDecoding) {
      io.String(protocol_name.emplace());
    } else {
      io.String(protocol_name ? *protocol_name : std::string());
    }
    io.String(leader);
    if (io.version() >= 9) io.Bool(skip_assignment);
    io.String(member_id);
    io.Array(members);
    io.TaggedFields();
  }

  bool operator==(const JoinGroupResponse&) const = default;
};

BROOK_SERDE_EXTERN(JoinGroupRequest);
BROOK_SERDE_EXTERN(JoinGroupResponse);

}  // namespace brook
