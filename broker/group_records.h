// broker/group_records.h
//
// The records the group coordinator keeps in `__consumer_offsets`, laid out
// as Apache Kafka's (group-coordinator/src/main/resources/common/message):
// each key and value is an int16 version followed by the struct at that
// version.
//   OffsetCommitKey    v0-1 (we write 1): group, topic, partition
//   OffsetCommitValue  v0-4 (we write 3, or 1 with an expire_timestamp, as
//                      Kafka): offset, leader_epoch (v3+), metadata,
//                      commit_timestamp, expire_timestamp (v1 only)
//   GroupMetadataKey   v2: group
//   GroupMetadataValue v0-4 (we write 3): protocol type, generation, protocol,
//                      leader, current_state_timestamp (v2+), members
// A null value is a tombstone. The partition of a group is Kafka's:
// abs(Java String.hashCode(group id)) % partition count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/wire/serde.h"

namespace brook::broker {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";
inline constexpr int32_t kOffsetsTopicPartitions = 50;

struct OffsetCommitKey {
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  std::string group;
  std::string topic;
  int32_t partition = 0;

  template <typename Io>
  void Serde(Io& io) {
    io.String(group);
    io.String(topic);
    io.Int32(partition);
  }
};

struct OffsetCommitValue {
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  int64_t offset = -1;
  int32_t leader_epoch = -1;  // v3+
  std::string metadata;
  int64_t commit_timestamp = -1;
  int64_t expire_timestamp = -1;  // v1 only

  template <typename Io>
  void Serde(Io& io) {
    io.Int64(offset);
    if (io.version() >= 3) io.Int32(leader_epoch);
    io.String(metadata);
    io.Int64(commit_timestamp);
    if (io.version() == 1) io.Int64(expire_timestamp);
    io.TaggedFields();
  }
};

struct GroupMetadataKey {
  static constexpr VersionRange kVersions{2, 2};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  std::string group;

  template <typename Io>
  void Serde(Io& io) {
    io.String(group);
  }
};

struct GroupMetadataValue {
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct MemberMetadata {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout = 0;  // v1+
    int32_t session_timeout = 0;
    std::string subscription;
    std::string assignment;

    template <typename Io>
    void Serde(Io& io) {
      io.String(member_id);
      if (io.version() >= 3) io.NullableString(group_instance_id);
      io.String(client_id);
      io.String(client_host);
      if (io.version() >= 1) io.Int32(rebalance_timeout);
      io.Int32(session_timeout);
      io.Bytes(subscription);
      io.Bytes(assignment);
      io.TaggedFields();
    }
  };

  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  int64_t current_state_timestamp = -1;  // v2+
  std::vector<MemberMetadata> members;

  template <typename Io>
  void Serde(Io& io) {
    io.String(protocol_type);
    io.Int32(generation);
    io.NullableString(protocol);
    io.NullableString(leader);
    if (io.version() >= 2) io.Int64(current_state_timestamp);
    io.Array(members);
    io.TaggedFields();
  }
};

std::string EncodeOffsetCommitKey(const OffsetCommitKey& key);  // version 1
// Version 3; version 1 when expire_timestamp is set (it has no leader epoch).
std::string EncodeOffsetCommitValue(const OffsetCommitValue& value);
std::string EncodeGroupMetadataKey(const GroupMetadataKey& key);        // version 2
std::string EncodeGroupMetadataValue(const GroupMetadataValue& value);  // version 3

// A key read back from the log: one of the two kinds.
struct GroupRecordKey {
  std::optional<OffsetCommitKey> offset;
  std::optional<GroupMetadataKey> group;
};
// Errors: wire::Errc (truncated bytes, an unknown version).
Result<GroupRecordKey> ParseGroupRecordKey(std::string_view bytes);
Result<OffsetCommitValue> ParseOffsetCommitValue(std::string_view bytes);
Result<GroupMetadataValue> ParseGroupMetadataValue(std::string_view bytes);

// abs(Java String.hashCode(group_id)) % partitions, as Kafka places groups.
int32_t OffsetsPartitionFor(std::string_view group_id, int32_t partitions);

}  // namespace brook::broker
