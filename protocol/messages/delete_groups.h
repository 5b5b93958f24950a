// protocol/messages/delete_groups.h: DeleteGroups (api key 42), versions 0-2.
//   v1: same layout as v0 (throttled after the response is sent)
//   v2: first flexible version
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DeleteGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  std::vector<std::string> groups_names;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(groups_names);
    io.TaggedFields();
  }

  bool operator==(const DeleteGroupsRequest&) const = default;
};

struct DeleteGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct DeletableGroupResult {
    std::string group_id;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.String(group_id);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const DeletableGroupResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeletableGroupResult> results;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(results);
    io.TaggedFields();
  }

  bool operator==(const DeleteGroupsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DeleteGroupsRequest);
BROOK_SERDE_EXTERN(DeleteGroupsResponse);

}  // namespace brook
