// protocol/messages/describe_groups.h: DescribeGroups (api key 15), versions 0-5.
//   v1: response adds throttle_time_ms   v2: same layout as v1
//   v3: request adds include_authorized_operations; groups add authorized_operations
//   v4: members add group_instance_id   v5: first flexible version
// Not supported: v6 and later (per-group error_message).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DescribeGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 5;

  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    io.Array(groups);
    if (io.version() >= 3) io.Bool(include_authorized_operations);
    io.TaggedFields();
  }

  bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribeGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 5;

  struct DescribedGroupMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::string member_metadata;    // only while the group is Stable
    std::string member_assignment;  // only while the group is Stable

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      if (io.version() >= 4) io.NullableString(group_instance_id);
      io.String(client_id);
      io.String(client_host);
      io.Bytes(member_metadata);
      io.Bytes(member_assignment);
      io.TaggedFields();
    }

    bool operator==(const DescribedGroupMember&) const = default;
  };

  struct DescribedGroup {
    ErrorCode error_code = ErrorCode::kNone;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<DescribedGroupMember> members;
    // v3+: bit field of the AclOperation values the caller may perform; INT32_MIN: not asked.
    int32_t authorized_operations = std::numeric_limits<int32_t>::min();

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.String(group_id);
      io.String(group_state);
      io.String(protocol_type);
      io.String(protocol_data);
      io.Array(members);
      if (io.version() >= 3) io.Int32(authorized_operations);
      io.TaggedFields();
    }

    bool operator==(const DescribedGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<DescribedGroup> groups;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.Array(groups);
    io.TaggedFields();
  }

  bool operator==(const DescribeGroupsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DescribeGroupsRequest);
BROOK_SERDE_EXTERN(DescribeGroupsResponse);

}  // namespace brook
