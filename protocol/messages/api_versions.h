// protocol/messages/api_versions.h: ApiVersions (api key 18), versions 0-4.
//   v1: response adds throttle_time_ms
//   v2: same layout as v1 (throttled responses are sent before the delay)
//   v3: first flexible version; request adds client_software_name/version; response
//       adds the tagged supported_features, finalized_features_epoch, finalized_features
//       and zk_migration_ready
//   v4: same layout as v3 (supported feature min_version may be 0)
// The response header is always v0 (no tagged fields), whatever the body version;
// that is the framing layer's business, not this struct's.
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) {
      io.String(client_software_name);
      io.String(client_software_version);
    }
    io.TaggedFields();
  }

  bool operator==(const ApiVersionsRequest&) const = default;
};

struct ApiVersionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  // One API the broker serves and the versions it accepts.
  struct ApiVersion {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int16(api_key);
      io.Int16(min_version);
      io.Int16(max_version);
      io.TaggedFields();
    }

    bool operator==(const ApiVersion&) const = default;
  };

  // A feature this broker can run, with its version range.
  struct SupportedFeatureKey {
    std::string name;
    int16_t min_version = 0;
    int16_t max_version = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Int16(min_version);
      io.Int16(max_version);
      io.TaggedFields();
    }

    bool operator==(const SupportedFeatureKey&) const = default;
  };

  // A feature level finalized for the whole cluster.
  struct FinalizedFeatureKey {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Int16(max_version_level);
      io.Int16(min_version_level);
      io.TaggedFields();
    }

    bool operator==(const FinalizedFeatureKey&) const = default;
  };

  ErrorCode error_code = ErrorCode::kNone;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;                         // v1+
  std::vector<SupportedFeatureKey> supported_features;  // v3+, tag 0
  int64_t finalized_features_epoch = -1;                // v3+, tag 1
  std::vector<FinalizedFeatureKey> finalized_features;  // v3+, tag 2
  bool zk_migration_ready = false;                      // v3+, tag 3

  template <typename Io>
  void Serde(Io& io) {
    io.Error(error_code);
    io.Array(api_keys);
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.TaggedFields([&](auto& tags) {
      if (io.version() < 3) return;
      tags.Field(0, !supported_features.empty(), [&](auto& v) { v.Array(supported_features); });
      tags.Field(1, finalized_features_epoch != -1,
                 [&](auto& v) { v.Int64(finalized_features_epoch); });
      tags.Field(2, !finalized_features.empty(), [&](auto& v) { v.Array(finalized_features); });
      tags.Field(3, zk_migration_ready, [&](auto& v) { v.Bool(zk_migration_ready); });
    });
  }

  bool operator==(const ApiVersionsResponse&) const = default;
};

BROOK_SERDE_EXTERN(ApiVersionsRequest);
BROOK_SERDE_EXTERN(ApiVersionsResponse);

}  // namespace brook
