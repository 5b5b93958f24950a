// protocol/messages/offset_delete.h: OffsetDelete (api key 47), version 0.
//   v0: the only version; no flexible versions
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct OffsetDeleteRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  struct OffsetDeleteRequestPartition {
    int32_t partition_index = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.TaggedFields();
    }

    bool operator==(const OffsetDeleteRequestPartition&) const = default;
  };

  struct OffsetDeleteRequestTopic {
    std::string name;
    std::vector<OffsetDeleteRequestPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetDeleteRequestTopic&) const = default;
  };

  std::string group_id;
  std::vector<OffsetDeleteRequestTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetDeleteRequest&) const = default;
};

struct OffsetDeleteResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  struct OffsetDeleteResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const OffsetDeleteResponsePartition&) const = default;
  };

  struct OffsetDeleteResponseTopic {
    std::string name;
    std::vector<OffsetDeleteResponsePartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetDeleteResponseTopic&) const = default;
  };

  ErrorCode error_code = ErrorCode::kNone;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetDeleteResponseTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Error(error_code);
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetDeleteResponse&) const = default;
};

BROOK_SERDE_EXTERN(OffsetDeleteRequest);
BROOK_SERDE_EXTERN(OffsetDeleteResponse);

}  // namespace brook
