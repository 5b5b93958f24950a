// protocol/messages/create_topics.h: CreateTopics (api key 19), versions 2-7.
//   v2: response carries throttle_time_ms (v0-1 are gone since Kafka 4.0)
//   v3: same layout (throttled responses are sent before the delay)
//   v4: same layout; num_partitions and replication_factor may be -1 without assignments
//   v5: first flexible version; each topic result adds num_partitions, replication_factor,
//       configs and the tagged topic_config_error_code
//   v6: same layout; THROTTLING_QUOTA_EXCEEDED may be returned
//   v7: response adds topic_id per topic
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct CreateTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr VersionRange kVersions{2, 7};
  static constexpr int16_t kFirstFlexibleVersion = 5;

  // Replicas for one partition when the caller places them by hand.
  struct CreatableReplicaAssignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Array(broker_ids);
      io.TaggedFields();
    }

    bool operator==(const CreatableReplicaAssignment&) const = default;
  };

  // One topic config to set at creation (the spec spells the struct "Createable").
  struct CreateableTopicConfig {
    std::string name;
    std::optional<std::string> value = "";

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.NullableString(value);
      io.TaggedFields();
    }

    bool operator==(const CreateableTopicConfig&) const = default;
  };

  struct CreatableTopic {
    std::string name;
    int32_t num_partitions = 0;
    int16_t replication_factor = 0;
    std::vector<CreatableReplicaAssignment> assignments;
    std::vector<CreateableTopicConfig> configs;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Int32(num_partitions);
      io.Int16(replication_factor);
      io.Array(assignments);
      io.Array(configs);
      io.TaggedFields();
    }

    bool operator==(const CreatableTopic&) const = default;
  };

  std::vector<CreatableTopic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(topics);
    io.Int32(timeout_ms);
    io.Bool(validate_only);
    io.TaggedFields();
  }

  bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreateTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr VersionRange kVersions{2, 7};
  static constexpr int16_t kFirstFlexibleVersion = 5;

  // One config of a created topic, as the broker resolved it.
  struct CreatableTopicConfigs {
    std::string name;
    std::optional<std::string> value = "";
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.NullableString(value);
      io.Bool(read_only);
      io.Int8(config_source);
      io.Bool(is_sensitive);
      io.TaggedFields();
    }

    bool operator==(const CreatableTopicConfigs&) const = default;
  };

  struct CreatableTopicResult {
    std::string name;
    Uuid topic_id;  // v7+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message = "";
    ErrorCode topic_config_error_code = ErrorCode::kNone;  // v5+, tag 0
    int32_t num_partitions = -1;                           // v5+
    int16_t replication_factor = -1;                       // v5+
    std::optional<std::vector<CreatableTopicConfigs>> configs =
        std::vector<CreatableTopicConfigs>{};  // v5+

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      if (io.version() >= 7) io.Uuid(topic_id);
      io.Error(error_code);
      io.NullableString(error_message);
      if (io.version() >= 5) {
        io.Int32(num_partitions);
        io.Int16(replication_factor);
        io.NullableArray(configs);
      }
      io.TaggedFields([&](auto& tags) {
        if (io.version() >= 5) {
          tags.Field(0, topic_config_error_code != ErrorCode::kNone,
                     [&](auto& v) { v.Error(topic_config_error_code); });
        }
      });
    }

    bool operator==(const CreatableTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<CreatableTopicResult> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const CreateTopicsResponse&) const = default;
};

BROOK_SERDE_EXTERN(CreateTopicsRequest);
BROOK_SERDE_EXTERN(CreateTopicsResponse);

}  // namespace brook
