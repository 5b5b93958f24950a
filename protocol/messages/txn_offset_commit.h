// protocol/messages/txn_offset_commit.h: TxnOffsetCommit (api key 28), versions 0-4.
//   v1: same layout as v0 (response sent before throttling)
//   v2: request partitions add committed_leader_epoch
//   v3: request adds generation_id, member_id, group_instance_id; first flexible version
//   v4: TRANSACTION_ABORTABLE may be returned; layout unchanged
// Not supported: v5+.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct TxnOffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kTxnOffsetCommit;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  struct TxnOffsetCommitRequestPartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v2+
    std::optional<std::string> committed_metadata;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(committed_offset);
      if (io.version() >= 2) io.Int32(committed_leader_epoch);
      io.NullableString(committed_metadata);
      io.TaggedFields();
    }

    bool operator==(const TxnOffsetCommitRequestPartition&) const = default;
  };

  struct TxnOffsetCommitRequestTopic {
    std::string name;
    std::vector<TxnOffsetCommitRequestPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const TxnOffsetCommitRequestTopic&) const = default;
  };

  std::string transactional_id;
  std::string group_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t generation_id = -1;                    // v3+
  std::string member_id;                         // v3+
  std::optional<std::string> group_instance_id;  // v3+
  std::vector<TxnOffsetCommitRequestTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.String(transactional_id);
    io.String(group_id);
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    if (io.version() >= 3) {
      io.Int32(generation_id);
      io.String(member_id);
      io.NullableString(group_instance_id);
    }
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const TxnOffsetCommitRequest&) const = default;
};

struct TxnOffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kTxnOffsetCommit;
  static constexpr VersionRange kVersions{0, 4};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  struct TxnOffsetCommitResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const TxnOffsetCommitResponsePartition&) const = default;
  };

  struct TxnOffsetCommitResponseTopic {
    std::string name;
    std::vector<TxnOffsetCommitResponsePartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const TxnOffsetCommitResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<TxnOffsetCommitResponseTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const TxnOffsetCommitResponse&) const = default;
};

BROOK_SERDE_EXTERN(TxnOffsetCommitRequest);
BROOK_SERDE_EXTERN(TxnOffsetCommitResponse);

}  // namespace brook
