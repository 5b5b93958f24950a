// protocol/messages/incremental_alter_configs.h: IncrementalAlterConfigs (api key 44),
// versions 0-1.
//   v1: first flexible version
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

struct IncrementalAlterConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kIncrementalAlterConfigs;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

  struct AlterableConfig {
    std::string name;
    int8_t config_operation = 0;  // 0 set, 1 delete, 2 append, 3 subtract
    std::optional<std::string> value = "";

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Int8(config_operation);
      io.NullableString(value);
      io.TaggedFields();
    }

    bool operator==(const AlterableConfig&) const = default;
  };

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

  bool operator==(const IncrementalAlterConfigsRequest&) const = default;
};

struct IncrementalAlterConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kIncrementalAlterConfigs;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

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

  bool operator==(const IncrementalAlterConfigsResponse&) const = default;
};

BROOK_SERDE_EXTERN(IncrementalAlterConfigsRequest);
BROOK_SERDE_EXTERN(IncrementalAlterConfigsResponse);

}  // namespace brook
