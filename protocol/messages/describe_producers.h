// protocol/messages/describe_producers.h: DescribeProducers (api key 61), version 0.
//   v0: first version; flexible from the start
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

struct DescribeProducersRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeProducers;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  struct TopicRequest {
    std::string name;
    std::vector<int32_t> partition_indexes;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_indexes);
      io.TaggedFields();
    }

    bool operator==(const TopicRequest&) const = default;
  };

  std::vector<TopicRequest> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const DescribeProducersRequest&) const = default;
};

struct DescribeProducersResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeProducers;
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  struct ProducerState {
    int64_t producer_id = 0;
    int32_t producer_epoch = 0;  // INT32 on the wire here, unlike most APIs
    int32_t last_sequence = -1;
    int64_t last_timestamp = -1;
    int32_t coordinator_epoch = 0;
    int64_t current_txn_start_offset = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Int64(producer_id);
      io.Int32(producer_epoch);
      io.Int32(last_sequence);
      io.Int64(last_timestamp);
      io.Int32(coordinator_epoch);
      io.Int64(current_txn_start_offset);
      io.TaggedFields();
    }

    bool operator==(const ProducerState&) const = default;
  };

  struct PartitionResponse {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;
    std::vector<ProducerState> active_producers;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.NullableString(error_message);
      io.Array(active_producers);
      io.TaggedFields();
    }

    bool operator==(const PartitionResponse&) const = default;
  };

  struct TopicResponse {
    std::string name;
    std::vector<PartitionResponse> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const TopicResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<TopicResponse> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const DescribeProducersResponse&) const = default;
};

BROOK_SERDE_EXTERN(DescribeProducersRequest);
BROOK_SERDE_EXTERN(DescribeProducersResponse);

}  // namespace brook
