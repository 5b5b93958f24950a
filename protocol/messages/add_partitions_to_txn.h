// protocol/messages/add_partitions_to_txn.h: AddPartitionsToTxn (api key 24), versions 0-3.
//   v1: same layout as v0 (response sent before throttling)
//   v2: PRODUCER_FENCED may be returned; layout unchanged
//   v3: first flexible version
// This is the client layout: one transaction per request. The spec prefixes
// these fields with "V3AndBelow" since v4+; the names here drop the prefix.
// Not supported: v4+ (the broker-to-broker layout batching many transactions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct AddPartitionsToTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kAddPartitionsToTxn;
  static constexpr VersionRange kVersions{0, 3};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  struct AddPartitionsToTxnTopic {
    std::string name;
    std::vector<int32_t> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const AddPartitionsToTxnTopic&) const = default;
  };

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::vector<AddPartitionsToTxnTopic> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.String(transactional_id);
    io.Int64(producer_id);
    io.Int16(producer_epoch);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const AddPartitionsToTxnRequest&) const = default;
};

struct AddPartitionsToTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kAddPartitionsToTxn;
  static constexpr VersionRange kVersions{0, 3};
  static constexpr int16_t kFirstFlexibleVersion = 3;

  struct AddPartitionsToTxnPartitionResult {
    int32_t partition_index = 0;
    ErrorCode partition_error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(partition_error_code);
      io.TaggedFields();
    }

    bool operator==(const AddPartitionsToTxnPartitionResult&) const = default;
  };

  struct AddPartitionsToTxnTopicResult {
    std::string name;
    std::vector<AddPartitionsToTxnPartitionResult> results_by_partition;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(results_by_partition);
      io.TaggedFields();
    }

    bool operator==(const AddPartitionsToTxnTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<AddPartitionsToTxnTopicResult> results_by_topic;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(results_by_topic);
    io.TaggedFields();
  }

  bool operator==(const AddPartitionsToTxnResponse&) const = default;
};

BROOK_SERDE_EXTERN(AddPartitionsToTxnRequest);
BROOK_SERDE_EXTERN(AddPartitionsToTxnResponse);

}  // namespace brook
