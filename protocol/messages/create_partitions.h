// protocol/messages/create_partitions.h: CreatePartitions (api key 37), versions 0-3.
//   v1: same layout (throttled responses are sent before the delay)
//   v2: first flexible version
//   v3: same layout; THROTTLING_QUOTA_EXCEEDED may be returned
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

struct CreatePartitionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  static constexpr VersionRange kVersions{0, 3};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  // Replicas for one new partition.
  struct CreatePartitionsAssignment {
    std::vector<int32_t> broker_ids;

    template <typename Io>
    void Serde(Io& io) {
      io.Array(broker_ids);
      io.TaggedFields();
    }

    bool operator==(const CreatePartitionsAssignment&) const = default;
  };

  struct CreatePartitionsTopic {
    std::string name;
    int32_t count = 0;
    // One entry per new partition; null lets the broker place them.
    std::optional<std::vector<CreatePartitionsAssignment>> assignments =
        std::vector<CreatePartitionsAssignment>{};

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Int32(count);
      io.NullableArray(assignments);
      io.TaggedFields();
    }

    bool operator==(const CreatePartitionsTopic&) const = default;
  };

  std::vector<CreatePartitionsTopic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(topics);
    io.Int32(timeout_ms);
    io.Bool(validate_only);
    io.TaggedFields();
  }

  bool operator==(const CreatePartitionsRequest&) const = default;
};

struct CreatePartitionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  static constexpr VersionRange kVersions{0, 3};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct CreatePartitionsTopicResult {
    std::string name;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Error(error_code);
      io.NullableString(error_message);
      io.TaggedFields();
    }

    bool operator==(const CreatePartitionsTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<CreatePartitionsTopicResult> results;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(results);
    io.TaggedFields();
  }

  bool operator==(const CreatePartitionsResponse&) const = default;
};

BROOK_SERDE_EXTERN(CreatePartitionsRequest);
BROOK_SERDE_EXTERN(CreatePartitionsResponse);

}  // namespace brook
