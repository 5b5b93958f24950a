// protocol/messages/list_groups.h: ListGroups (api key 16), versions 0-5.
//   v1: response adds throttle_time_ms   v2: same layout as v1   v3: first flexible version
//   v4: request adds states_filter; groups add group_state
//   v5: request adds types_filter; groups add group_type
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct ListGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  std::vector<std::string> states_filter;  // v4+; empty: every state
  std::vector<std::string> types_filter;   // v5+; empty: every type

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 4) io.Array(states_filter);
    if (io.version() >= 5) io.Array(types_filter);
    io.TaggedFields();
  }

  bool operator==(const ListGroupsRequest&) const = default;
};

struct ListGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr VersionRange kVersions{0, 5};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  struct ListedGroup {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;  // v4+
    std::string group_type;   // v5+

    template <typename Io>
    void Serde(Io& io) {
      io.String(group_id);
      io.String(protocol_type);
      if (io.version() >= 4) io.String(group_state);
      if (io.version() >= 5) io.String(group_type);
      io.TaggedFields();
    }

    bool operator==(const ListedGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<ListedGroup> groups;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.Array(groups);
    io.TaggedFields();
  }

  bool operator==(const ListGroupsResponse&) const = default;
};

BROOK_SERDE_EXTERN(ListGroupsRequest);
BROOK_SERDE_EXTERN(ListGroupsResponse);

}  // namespace brook
