// protocol/messages/find_coordinator.h: FindCoordinator (api key 10), versions 0-6.
//   v1: request adds key_type; response adds throttle_time_ms and error_message
//   v2: same layout as v1   v3: first flexible version
//   v4: batched lookups: the request's key gives way to coordinator_keys and the response's
//       single coordinator to a coordinators array (both layouts live in these structs)
//   v5: same layout; TRANSACTION_ABORTABLE may be returned
//   v6: same layout; key_type 2 (share group, key "group:topic_id:partition")
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

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr VersionRange kVersions{0, 6};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  std::string key;                            // v0-3
  int8_t key_type = 0;                        // v1+: 0 group, 1 transaction, 2 share
  std::vector<std::string> coordinator_keys;  // v4+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() <= 3) io.String(key);
    if (io.version() >= 1) io.Int8(key_type);
    if (io.version() >= 4) io.Array(coordinator_keys);
    io.TaggedFields();
  }

  bool operator==(const FindCoordinatorRequest&) const = default;
};

struct FindCoordinatorResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr VersionRange kVersions{0, 6};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  // v4+.
  struct Coordinator {
    std::string key;
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;

    template <typename Io>
    void Serde(Io& io) {
      io.String(key);
      io.Int32(node_id);
      io.String(host);
      io.Int32(port);
      io.Error(error_code);
      io.NullableString(error_message);
      io.TaggedFields();
    }

    bool operator==(const Coordinator&) const = default;
  };

  int32_t throttle_time_ms = 0;              // v1+
  ErrorCode error_code = ErrorCode::kNone;   // v0-3
  std::optional<std::string> error_message;  // v1-3
  int32_t node_id = 0;                       // v0-3
  std::string host;                          // v0-3
  int32_t port = 0;                          // v0-3
  std::vector<Coordinator> coordinators;     // v4+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    if (io.version() <= 3) {
      io.Error(error_code);
      if (io.version() >= 1) io.NullableString(error_message);
      io.Int32(node_id);
      io.String(host);
      io.Int32(port);
    }
    if (io.version() >= 4) io.Array(coordinators);
    io.TaggedFields();
  }

  bool operator==(const FindCoordinatorResponse&) const = default;
};

BROOK_SERDE_EXTERN(FindCoordinatorRequest);
BROOK_SERDE_EXTERN(FindCoordinatorResponse);

}  // namespace brook
