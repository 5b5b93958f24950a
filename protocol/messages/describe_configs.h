// protocol/messages/describe_configs.h: DescribeConfigs (api key 32), versions 1-4.
//   v1: request adds include_synonyms; each config adds config_source and synonyms
//       (and drops is_default); v0 is gone since Kafka 4.0
//   v2: same layout (throttled responses are sent before the delay)
//   v3: request adds include_documentation; each config adds config_type and documentation
//   v4: first flexible version
// Not supported: v0 and its per-config is_default flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DescribeConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  static constexpr VersionRange kVersions{1, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct DescribeConfigsResource {
    int8_t resource_type = 0;
    std::string resource_name;
    // Null asks for every key.
    std::optional<std::vector<std::string>> configuration_keys = std::vector<std::string>{};

    template <typename Io>
    void Serde(Io& io) {
      io.Int8(resource_type);
      io.String(resource_name);
      io.NullableArray(configuration_keys);
      io.TaggedFields();
    }

    bool operator==(const DescribeConfigsResource&) const = default;
  };

  std::vector<DescribeConfigsResource> resources;
  bool include_synonyms = false;       // v1+
  bool include_documentation = false;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    io.Array(resources);
    if (io.version() >= 1) io.Bool(include_synonyms);
    if (io.version() >= 3) io.Bool(include_documentation);
    io.TaggedFields();
  }

  bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  static constexpr VersionRange kVersions{1, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  // Another source that sets (or would set) the same config.
  struct DescribeConfigsSynonym {
    std::string name;
    std::optional<std::string> value = "";
    int8_t source = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.NullableString(value);
      io.Int8(source);
      io.TaggedFields();
    }

    bool operator==(const DescribeConfigsSynonym&) const = default;
  };

  struct DescribeConfigsResourceResult {
    std::string name;
    std::optional<std::string> value = "";
    bool read_only = false;
    int8_t config_source = -1;  // v1+
    bool is_sensitive = false;
    std::vector<DescribeConfigsSynonym> synonyms;   // v1+
    int8_t config_type = 0;                         // v3+
    std::optional<std::string> documentation = "";  // v3+

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.NullableString(value);
      io.Bool(read_only);
      if (io.version() >= 1) io.Int8(config_source);
      io.Bool(is_sensitive);
      if (io.version() >= 1) io.Array(synonyms);
      if (io.version() >= 3) {
        io.Int8(config_type);
        io.NullableString(documentation);
      }
      io.TaggedFields();
    }

    bool operator==(const DescribeConfigsResourceResult&) const = default;
  };

  struct DescribeConfigsResult {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message = "";
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<DescribeConfigsResourceResult> configs;

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.NullableString(error_message);
      io.Int8(resource_type);
      io.String(resource_name);
      io.Array(configs);
      io.TaggedFields();
    }

    bool operator==(const DescribeConfigsResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DescribeConfigsResult> results;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(results);
    io.TaggedFields();
  }

  bool operator==(const DescribeConfigsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DescribeConfigsRequest);
BROOK_SERDE_EXTERN(DescribeConfigsResponse);

}  // namespace brook
