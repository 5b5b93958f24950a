// protocol/messages/metadata.h: Metadata (api key 3), versions 0-13.
//   v1: topics becomes nullable (null asks for every topic, empty for none); response
//   rack, controller_id, is_internal   v2: response cluster_id   v3: response throttle_time_ms
//   v4: allow_auto_topic_creation   v5: response offline_replicas   v7: response leader_epoch
//   v8: include_*_authorized_operations; response topic/cluster_authorized_operations
//   v9: first flexible version   v10: topic_id in request and response; request topic name
//   nullable   v11: include_cluster_authorized_operations and cluster_authorized_operations
//   dropped   v12: response topic name nullable   v13: response top-level error_code
// Not supported: v14+ (tagged partition creation time).
//
// `topics == nullopt` means "every topic" at every version: v0 has no null and says it with
// an empty list, so v0 decodes an empty list as nullopt and encodes nullopt as an empty list.
// A null name at a version where names are not nullable is written as "".
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct MetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr VersionRange kVersions{0, 13};
  static constexpr int16_t kFirstFlexibleVersion = 9;

  struct MetadataRequestTopic {
    Uuid topic_id;                         // v10+
    std::optional<std::string> name = "";  // nullable from v10

    template <typename Io>
    void Serde(Io& io) {
      if (io.version() >= 10) io.Uuid(topic_id);
      if (io.version() >= 10) {
        io.NullableString(name);
      } else {
        if constexpr (Io::kDecoding) name.emplace();
        std::string none;
        io.String(name ? *name : none);
      }
      io.TaggedFields();
    }

    bool operator==(const MetadataRequestTopic&) const = default;
  };

  // nullopt: every topic (see the file comment). The spec's default is an empty list.
  std::optional<std::vector<MetadataRequestTopic>> topics = std::vector<MetadataRequestTopic>{};
  bool allow_auto_topic_creation = true;               // v4+
  bool include_cluster_authorized_operations = false;  // v8-10
  bool include_topic_authorized_operations = false;    // v8+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 1) {
      io.NullableArray(topics);
    } else {
      std::vector<MetadataRequestTopic> all;
      if constexpr (Io::kDecoding) {
        io.Array(all);
        if (all.empty()) {
          topics.reset();
        } else {
          topics = std::move(all);
        }
      } else {
        io.Array(topics ? *topics : all);
      }
    }
    if (io.version() >= 4) io.Bool(allow_auto_topic_creation);
    if (io.version() >= 8 && io.version() <= 10) io.Bool(include_cluster_authorized_operations);
    if (io.version() >= 8) io.Bool(include_topic_authorized_operations);
    io.TaggedFields();
  }

  bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr VersionRange kVersions{0, 13};
  static constexpr int16_t kFirstFlexibleVersion = 9;

  // "No authorized operations were computed" in the two bit-field fields.
  static constexpr int32_t kAuthorizedOperationsUnknown = std::numeric_limits<int32_t>::min();

  struct MetadataResponseBroker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(node_id);
      io.String(host);
      io.Int32(port);
      if (io.version() >= 1) io.NullableString(rack);
      io.TaggedFields();
    }

    bool operator==(const MetadataResponseBroker&) const = default;
  };

  struct MetadataResponsePartition {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.Int32(partition_index);
      io.Int32(leader_id);
      if (io.version() >= 7) io.Int32(leader_epoch);
      io.Array(replica_nodes);
      io.Array(isr_nodes);
      if (io.version() >= 5) io.Array(offline_replicas);
      io.TaggedFields();
    }

    bool operator==(const MetadataResponsePartition&) const = default;
  };

  struct MetadataResponseTopic {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> name = "";  // nullable from v12
    Uuid topic_id;                         // v10+
    bool is_internal = false;              // v1+
    std::vector<MetadataResponsePartition> partitions;
    int32_t topic_authorized_operations = kAuthorizedOperationsUnknown;  // v8+

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      if (io.version() >= 12) {
        io.NullableString(name);
      } else {
        if constexpr (Io::kDecoding) name.emplace();
        std::string none;
        io.String(name ? *name : none);
      }
      if (io.version() >= 10) io.Uuid(topic_id);
      if (io.version() >= 1) io.Bool(is_internal);
      io.Array(partitions);
      if (io.version() >= 8) io.Int32(topic_authorized_operations);
      io.TaggedFields();
    }

    bool operator==(const MetadataResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<MetadataResponseBroker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  int32_t controller_id = -1;             // v1+
  std::vector<MetadataResponseTopic> topics;
  int32_t cluster_authorized_operations = kAuthorizedOperationsUnknown;  // v8-10
  ErrorCode error_code = ErrorCode::kNone;                               // v13+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) io.Int32(throttle_time_ms);
    io.Array(brokers);
    if (io.version() >= 2) io.NullableString(cluster_id);
    if (io.version() >= 1) io.Int32(controller_id);
    io.Array(topics);
    if (io.version() >= 8 && io.version() <= 10) io.Int32(cluster_authorized_operations);
    if (io.version() >= 13) io.Error(error_code);
    io.TaggedFields();
  }

  bool operator==(const MetadataResponse&) const = default;
};

BROOK_SERDE_EXTERN(MetadataRequest);
BROOK_SERDE_EXTERN(MetadataResponse);

}  // namespace brook
