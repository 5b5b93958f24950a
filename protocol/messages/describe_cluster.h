// protocol/messages/describe_cluster.h: DescribeCluster (api key 60), versions 0-1.
//   v0: flexible from the start
//   v1: request and response add endpoint_type (1 brokers, 2 controllers)
// Not supported: nothing.
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

struct DescribeClusterRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeCluster;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  bool include_cluster_authorized_operations = false;
  int8_t endpoint_type = 1;  // v1+

  template <typename Io>
  void Serde(Io& io) {
    io.Bool(include_cluster_authorized_operations);
    if (io.version() >= 1) io.Int8(endpoint_type);
    io.TaggedFields();
  }

  bool operator==(const DescribeClusterRequest&) const = default;
};

struct DescribeClusterResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeCluster;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  struct DescribeClusterBroker {
    int32_t broker_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(broker_id);
      io.String(host);
      io.Int32(port);
      io.NullableString(rack);
      io.TaggedFields();
    }

    bool operator==(const DescribeClusterBroker&) const = default;
  };

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> error_message;
  int8_t endpoint_type = 1;  // v1+
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<DescribeClusterBroker> brokers;
  // Bit set of allowed ACL operations; INT32_MIN when not requested.
  int32_t cluster_authorized_operations = std::numeric_limits<int32_t>::min();

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Error(error_code);
    io.NullableString(error_message);
    if (io.version() >= 1) io.Int8(endpoint_type);
    io.String(cluster_id);
    io.Int32(controller_id);
    io.Array(brokers);
    io.Int32(cluster_authorized_operations);
    io.TaggedFields();
  }

  bool operator==(const DescribeClusterResponse&) const = default;
};

BROOK_SERDE_EXTERN(DescribeClusterRequest);
BROOK_SERDE_EXTERN(DescribeClusterResponse);

}  // namespace brook
