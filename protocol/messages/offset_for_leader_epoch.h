// protocol/messages/offset_for_leader_epoch.h: OffsetForLeaderEpoch (api key 23), versions 2-4.
//   v2: current_leader_epoch; response throttle_time_ms   v3: replica_id
//   v4: first flexible version
// Not supported: v0-v1 and v5+ (topics by topic_id).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct OffsetForLeaderEpochRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr VersionRange kVersions{2, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct OffsetForLeaderPartition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;
    int32_t leader_epoch = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition);
      io.Int32(current_leader_epoch);
      io.Int32(leader_epoch);
      io.TaggedFields();
    }

    bool operator==(const OffsetForLeaderPartition&) const = default;
  };

  struct OffsetForLeaderTopic {
    std::string topic;
    std::vector<OffsetForLeaderPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(topic);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetForLeaderTopic&) const = default;
  };

  // -2 is the "debug" reader that may see past the high watermark; -1 a consumer.
  int32_t replica_id = -2;  // v3+
  std::vector<OffsetForLeaderTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) io.Int32(replica_id);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetForLeaderEpochRequest&) const = default;
};

struct OffsetForLeaderEpochResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr VersionRange kVersions{2, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct EpochEndOffset {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition = 0;
    int32_t leader_epoch = -1;
    int64_t end_offset = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Error(error_code);
      io.Int32(partition);
      io.Int32(leader_epoch);
      io.Int64(end_offset);
      io.TaggedFields();
    }

    bool operator==(const EpochEndOffset&) const = default;
  };

  struct OffsetForLeaderTopicResult {
    std::string topic;
    std::vector<EpochEndOffset> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(topic);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetForLeaderTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<OffsetForLeaderTopicResult> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetForLeaderEpochResponse&) const = default;
};

BROOK_SERDE_EXTERN(OffsetForLeaderEpochRequest);
BROOK_SERDE_EXTERN(OffsetForLeaderEpochResponse);

}  // namespace brook
