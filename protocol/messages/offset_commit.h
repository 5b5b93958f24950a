// protocol/messages/offset_commit.h: OffsetCommit (api key 8), versions 2-9.
//   v2: request carries retention_time_ms (and no longer a per-partition commit timestamp)
//   v3: response adds throttle_time_ms   v4: same layout as v3
//   v5: request drops retention_time_ms (the broker's retention setting decides)
//   v6: partitions add committed_leader_epoch   v7: request adds group_instance_id
//   v8: first flexible version   v9: same layout; usable by the KIP-848 consumer protocol,
//       where generation_id_or_member_epoch carries the member epoch
// Not supported: v0-1 (v1's per-partition commit_timestamp is therefore absent); the topic-id
// layout of later versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct OffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr VersionRange kVersions{2, 9};
  static constexpr int16_t kFirstFlexibleVersion = 8;

  struct OffsetCommitRequestPartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    std::optional<std::string> committed_metadata;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(committed_offset);
      if (io.version() >= 6) io.Int32(committed_leader_epoch);
      io.NullableString(committed_metadata);
      io.TaggedFields();
    }

    bool operator==(const OffsetCommitRequestPartition&) const = default;
  };

  struct OffsetCommitRequestTopic {
    std::string name;
    std::vector<OffsetCommitRequestPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetCommitRequestTopic&) const = default;
  };

  std::string group_id;
  int32_t generation_id_or_member_epoch = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v7+
  int64_t retention_time_ms = -1;                // v2-4
  std::vector<OffsetCommitRequestTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.String(group_id);
    io.Int32(generation_id_or_member_epoch);
    io.String(member_id);
    if (io.version() >= 7) io.NullableString(group_instance_id);
    if (io.version() <= 4) io.Int64(retention_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr VersionRange kVersions{2, 9};
  static constexpr int16_t kFirstFlexibleVersion = 8;

  struct OffsetCommitResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const OffsetCommitResponsePartition&) const = default;
  };

  struct OffsetCommitResponseTopic {
    std::string name;
    std::vector<OffsetCommitResponsePartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetCommitResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<OffsetCommitResponseTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const OffsetCommitResponse&) const = default;
};

BROOK_SERDE_EXTERN(OffsetCommitRequest);
BROOK_SERDE_EXTERN(OffsetCommitResponse);

}  // namespace brook
