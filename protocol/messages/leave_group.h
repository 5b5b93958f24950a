// protocol/messages/leave_group.h: LeaveGroup (api key 13), versions 0-5.
//   v1: response adds throttle_time_ms   v2: same layout as v1
//   v3: several members leave at once: the request's member_id gives way to a members array
//       (member_id + group_instance_id), and the response reports per member
//   v4: first flexible version   v5: request members add reason
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

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  // v3+.
  struct MemberIdentity {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> reason;  // v5+

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      io.NullableString(group_instance_id);
      if (io.version() >= 5) io.NullableString(reason);
      io.TaggedFields();
    }

    bool operator==(const MemberIdentity&) const = default;
  };

  std::string group_id;
  std::string member_id;                // v0-2
  std::vector<MemberIdentity> members;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    if (io.version() <= 2) io.String(member_id);
    if (io.version() >= 3) io.Array(members);
    io.TaggedFields();
  }

  bool operator==(const LeaveGroupRequest&) const = default;
};

struct LeaveGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  // v3+.
  struct MemberResponse {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      io.NullableString(group_instance_id);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const MemberResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<MemberResponse> members;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.Error(error_code);
    if (io.version() >= 3) io.Array(members);
    io.TaggedFields();
  }

  bool operator==(const LeaveGroupResponse&) const = default;
};

BROOK_SERDE_EXTERN(LeaveGroupRequest);
BROOK_SERDE_EXTERN(LeaveGroupResponse);

}  // namespace brook
