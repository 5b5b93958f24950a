// protocol/messages/produce.h: Produce (api key 0), versions 0-11.
//   v1: response adds throttle_time_ms   v2: response adds log_append_time_ms
//   v3: request adds transactional_id (record batches of message format v2 from here on)
//   v5: response adds log_start_offset   v8: response adds record_errors and error_message
//   v9: first flexible version           v10: response adds the tagged current_leader (per
//   partition) and node_endpoints (top level)   v11: no layout change (TRANSACTION_ABORTABLE)
// Not supported: nothing. v0-v2 still encode and decode, though the broker refuses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct ProduceRequest {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr VersionRange kVersions{0, 11};
  static constexpr int16_t kFirstFlexibleVersion = 9;

  struct PartitionProduceData {
    int32_t index = 0;
    std::optional<std::string> records;  // record batches

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(index);
      io.Records(records);
      io.TaggedFields();
    }

    bool operator==(const PartitionProduceData&) const = default;
  };

  struct TopicProduceData {
    std::string name;
    std::vector<PartitionProduceData> partition_data;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_data);
      io.TaggedFields();
    }

    bool operator==(const TopicProduceData&) const = default;
  };

  std::optional<std::string> transactional_id;  // v3+
  int16_t acks = 0;
  int32_t timeout_ms = 0;
  std::vector<TopicProduceData> topic_data;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) io.NullableString(transactional_id);
    io.Int16(acks);
    io.Int32(timeout_ms);
    io.Array(topic_data);
    io.TaggedFields();
  }

  bool operator==(const ProduceRequest&) const = default;
};

struct ProduceResponse {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr VersionRange kVersions{0, 11};
  static constexpr int16_t kFirstFlexibleVersion = 9;

  struct BatchIndexAndErrorMessage {
    int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(batch_index);
      io.NullableString(batch_index_error_message);
      io.TaggedFields();
    }

    bool operator==(const BatchIndexAndErrorMessage&) const = default;
  };

  struct LeaderIdAndEpoch {
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(leader_id);
      io.Int32(leader_epoch);
      io.TaggedFields();
    }

    bool operator==(const LeaderIdAndEpoch&) const = default;
  };

  struct PartitionProduceResponse {
    int32_t index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t base_offset = 0;
    int64_t log_append_time_ms = -1;                       // v2+
    int64_t log_start_offset = -1;                         // v5+
    std::vector<BatchIndexAndErrorMessage> record_errors;  // v8+
    std::optional<std::string> error_message;              // v8+
    LeaderIdAndEpoch current_leader;                       // v10+, tag 0

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(index);
      io.Error(error_code);
      io.Int64(base_offset);
      if (io.version() >= 2) io.Int64(log_append_time_ms);
      if (io.version() >= 5) io.Int64(log_start_offset);
      if (io.version() >= 8) {
        io.Array(record_errors);
        io.NullableString(error_message);
      }
      io.TaggedFields([&](auto& tags) {
        if (io.version() >= 10) {
          tags.Field(0, current_leader != LeaderIdAndEpoch{},
                     [&](auto& v) { current_leader.Serde(v); });
        }
      });
    }

    bool operator==(const PartitionProduceResponse&) const = default;
  };

  struct TopicProduceResponse {
    std::string name;
    std::vector<PartitionProduceResponse> partition_responses;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_responses);
      io.TaggedFields();
    }

    bool operator==(const TopicProduceResponse&) const = default;
  };

  struct NodeEndpoint {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(node_id);
      io.String(host);
      io.Int32(port);
      io.NullableString(rack);
      io.TaggedFields();
    }

    bool operator==(const NodeEndpoint&) const = default;
  };

  std::vector<TopicProduceResponse> responses;
  int32_t throttle_time_ms = 0;              // v1+
  std::vector<NodeEndpoint> node_endpoints;  // v10+, tag 0

  template <typename Io>
  void Serde(Io& io) {
    io.Array(responses);
    if (io.version() >= 1) io.Int32(throttle_time_ms);
    io.TaggedFields([&](auto& tags) {
      if (io.version() >= 10) {
        tags.Field(0, !node_endpoints.empty(), [&](auto& v) { v.Array(node_endpoints); });
      }
    });
  }

  bool operator==(const ProduceResponse&) const = default;
};

BROOK_SERDE_EXTERN(ProduceRequest);
BROOK_SERDE_EXTERN(ProduceResponse);

}  // namespace brook
