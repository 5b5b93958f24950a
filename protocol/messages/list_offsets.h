// protocol/messages/list_offsets.h: ListOffsets (api key 2), versions 1-10.
//   v1: one offset per partition (response timestamp + offset)   v2: isolation_level;
//   response throttle_time_ms   v4: current_leader_epoch; response leader_epoch
//   v6: first flexible version   v7-v9: no layout change (new special timestamps)
//   v10: timeout_ms
// Not supported: v0 (max_num_offsets, old_style_offsets) and v11+.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct ListOffsetsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr VersionRange kVersions{1, 10};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  struct ListOffsetsPartition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;  // v4+
    int64_t timestamp = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      if (io.version() >= 4) io.Int32(current_leader_epoch);
      io.Int64(timestamp);
      io.TaggedFields();
    }

    bool operator==(const ListOffsetsPartition&) const = default;
  };

  struct ListOffsetsTopic {
    std::string name;
    std::vector<ListOffsetsPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const ListOffsetsTopic&) const = default;
  };

  int32_t replica_id = 0;
  int8_t isolation_level = 0;  // v2+
  std::vector<ListOffsetsTopic> topics;
  int32_t timeout_ms = 0;  // v10+

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(replica_id);
    if (io.version() >= 2) io.Int8(isolation_level);
    io.Array(topics);
    if (io.version() >= 10) io.Int32(timeout_ms);
    io.TaggedFields();
  }

  bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr VersionRange kVersions{1, 10};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  struct ListOffsetsPartitionResponse {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t timestamp = -1;
    int64_t offset = -1;
    int32_t leader_epoch = -1;  // v4+

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.Int64(timestamp);
      io.Int64(offset);
      if (io.version() >= 4) io.Int32(leader_epoch);
      io.TaggedFields();
    }

    bool operator==(const ListOffsetsPartitionResponse&) const = default;
  };

  struct ListOffsetsTopicResponse {
    std::string name;
    std::vector<ListOffsetsPartitionResponse> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const ListOffsetsTopicResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<ListOffsetsTopicResponse> topics;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 2) io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const ListOffsetsResponse&) const = default;
};

BROOK_SERDE_EXTERN(ListOffsetsRequest);
BROOK_SERDE_EXTERN(ListOffsetsResponse);

}  // namespace brook
