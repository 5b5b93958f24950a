// protocol/messages/alter_configs.h: AlterConfigs (api key 33), versions 0-2.
//   v1: same layout (throttled responses are sent before the delay)
//   v2: first flexible version
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

struct AlterConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kAlterConfigs;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct AlterableConfig {
    std::string name;
    std::optional<std::string> value = "";

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.NullableString(value);
      io.TaggedFields();
    }

    bool operator==(const AlterableConfig&) const = default;
  };

  // The full new config set of one resource (keys left out revert to defaults).
  struct AlterConfigsResource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<AlterableConfig> configs;

    template <typename Io>
    void Serde(Io& io) {
      io.Int8(resource_type);
      io.String(resource_name);
      io.Array(configs);
      io.TaggedFields();
    }

    bool operator==(const AlterConfigsResource&) const = default;
  };

  std::vector<AlterConfigsResource> resources;
  bool validate_only = false;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(resources);
    io.Bool(validate_only);
    io.TaggedFields();
  }

  bool operator==(const AlterConfigsRequest&) const = default;
};

struct AlterConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kAlterConfigs;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct AlterConfigsResourceResponse {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message = "";
    int8_t resource_type = 0;
    std::string resource_name;

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.NullableString(error_message);
      io.Int8(resource_type);
      io.String(resource_name);
      io.TaggedFields();
    }

    bool operator==(const AlterConfigsResourceResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<AlterConfigsResourceResponse> responses;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(responses);
    io.TaggedFields();
  }

  bool operator==(const AlterConfigsResponse&) const = default;
};

BROOK_SERDE_EXTERN(AlterConfigsRequest);
BROOK_SERDE_EXTERN(AlterConfigsResponse);

}  // namespace brook
