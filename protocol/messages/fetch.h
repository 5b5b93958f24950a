// protocol/messages/fetch.h: Fetch (api key 1), versions 4-17.
//   v4: isolation_level; response last_stable_offset and aborted_transactions
//   v5: log_start_offset (request and response)   v7: fetch sessions (session_id,
//   session_epoch, forgotten_topics_data; response error_code and session_id)
//   v9: current_leader_epoch   v11: rack_id; response preferred_read_replica
//   v12: first flexible version; last_fetched_epoch; tagged cluster_id; response tagged
//   diverging_epoch, current_leader and snapshot_id
//   v13: topics named by topic_id instead of topic, in request and response
//   v15: replica_id moves into the tagged replica_state   v16: response tagged node_endpoints
//   v17: tagged replica_directory_id per partition
// Not supported: v0-v3 and v18+ (the tagged high watermark of follower fetches).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct FetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr VersionRange kVersions{4, 17};
  static constexpr int16_t kFirstFlexibleVersion = 12;

  struct ReplicaState {
    int32_t replica_id = -1;
    int64_t replica_epoch = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(replica_id);
      io.Int64(replica_epoch);
      io.TaggedFields();
    }

    bool operator==(const ReplicaState&) const = default;
  };

  struct FetchPartition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int32_t last_fetched_epoch = -1;  // v12+
    int64_t log_start_offset = -1;    // v5+
    int32_t partition_max_bytes = 0;
    Uuid replica_directory_id;  // v17+, tag 0

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition);
      if (io.version() >= 9) io.Int32(current_leader_epoch);
      io.Int64(fetch_offset);
      if (io.version() >= 12) io.Int32(last_fetched_epoch);
      if (io.version() >= 5) io.Int64(log_start_offset);
      io.Int32(partition_max_bytes);
      io.TaggedFields([&](auto& tags) {
        if (io.version() >= 17) {
          tags.Field(0, !replica_directory_id.is_zero(),
                     [&](auto& v) { v.Uuid(replica_directory_id); });
        }
      });
    }

    bool operator==(const FetchPartition&) const = default;
  };

  struct FetchTopic {
    std::string topic;  // v4-12
    Uuid topic_id;      // v13+
    std::vector<FetchPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      if (io.version() <= 12) io.String(topic);
      if (io.version() >= 13) io.Uuid(topic_id);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const FetchTopic&) const = default;
  };

  struct ForgottenTopic {
    std::string topic;  // v7-12
    Uuid topic_id;      // v13+
    std::vector<int32_t> partitions;

    template <typename Io>
    void Serde(Io& io) {
      if (io.version() <= 12) io.String(topic);
      if (io.version() >= 13) io.Uuid(topic_id);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const ForgottenTopic&) const = default;
  };

  std::optional<std::string> cluster_id;  // v12+, tag 0
  int32_t replica_id = -1;                // v4-14
  ReplicaState replica_state;             // v15+, tag 1
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;
  int8_t isolation_level = 0;
  int32_t session_id = 0;      // v7+
  int32_t session_epoch = -1;  // v7+
  std::vector<FetchTopic> topics;
  std::vector<ForgottenTopic> forgotten_topics_data;  // v7+
  std::string rack_id;                                // v11+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() <= 14) io.Int32(replica_id);
    io.Int32(max_wait_ms);
    io.Int32(min_bytes);
    io.Int32(max_bytes);
    io.Int8(isolation_level);
    if (io.version() >= 7) {
      io.Int32(session_id);
      io.Int32(session_epoch);
    }
    io.Array(topics);
    if (io.version() >= 7) io.Array(forgotten_topics_data);
    if (io.version() >= 11) io.String(rack_id);
    io.TaggedFields([&](auto& tags) {
      if (io.version() >= 12) {
        tags.Field(0, cluster_id.has_value(), [&](auto& v) { v.NullableString(cluster_id); });
      }
      if (io.version() >= 15) {
        tags.Field(1, replica_state != ReplicaState{}, [&](auto& v) { replica_state.Serde(v); });
      }
    });
  }

  bool operator==(const FetchRequest&) const = default;
};

struct FetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr VersionRange kVersions{4, 17};
  static constexpr int16_t kFirstFlexibleVersion = 12;

  struct EpochEndOffset {
    int32_t epoch = -1;
    int64_t end_offset = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(epoch);
      io.Int64(end_offset);
      io.TaggedFields();
    }

    bool operator==(const EpochEndOffset&) const = default;
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

  // Note the order: end offset first, unlike EpochEndOffset.
  struct SnapshotId {
    int64_t end_offset = -1;
    int32_t epoch = -1;

    template <typename Io>
    void Serde(Io& io) {
      io.Int64(end_offset);
      io.Int32(epoch);
      io.TaggedFields();
    }

    bool operator==(const SnapshotId&) const = default;
  };

  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int64(producer_id);
      io.Int64(first_offset);
      io.TaggedFields();
    }

    bool operator==(const AbortedTransaction&) const = default;
  };

  struct PartitionData {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;    // v5+
    EpochEndOffset diverging_epoch;   // v12+, tag 0
    LeaderIdAndEpoch current_leader;  // v12+, tag 1
    SnapshotId snapshot_id;           // v12+, tag 2
    // The spec's default is an empty list, not null.
    std::optional<std::vector<AbortedTransaction>> aborted_transactions =
        std::vector<AbortedTransaction>{};
    int32_t preferred_read_replica = -1;  // v11+
    std::optional<std::string> records;   // record batches
    // Not on the wire: when set, the records are these bytes of a log
    // segment instead (the broker sends them with sendfile(2)).
    std::shared_ptr<const wire::ExternalBytes> file_records;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.Int64(high_watermark);
      io.Int64(last_stable_offset);
      if (io.version() >= 5) io.Int64(log_start_offset);
      io.NullableArray(aborted_transactions);
      if (io.version() >= 11) io.Int32(preferred_read_replica);
      io.Records(records, file_records);
      io.TaggedFields([&](auto& tags) {
        if (io.version() >= 12) {
          tags.Field(0, diverging_epoch != EpochEndOffset{},
                     [&](auto& v) { diverging_epoch.Serde(v); });
          tags.Field(1, current_leader != LeaderIdAndEpoch{},
                     [&](auto& v) { current_leader.Serde(v); });
          tags.Field(2, snapshot_id != SnapshotId{}, [&](auto& v) { snapshot_id.Serde(v); });
        }
      });
    }

    bool operator==(const PartitionData&) const = default;
  };

  struct FetchableTopicResponse {
    std::string topic;  // v4-12
    Uuid topic_id;      // v13+
    std::vector<PartitionData> partitions;

    template <typename Io>
    void Serde(Io& io) {
      if (io.version() <= 12) io.String(topic);
      if (io.version() >= 13) io.Uuid(topic_id);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const FetchableTopicResponse&) const = default;
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

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;  // v7+
  int32_t session_id = 0;                   // v7+
  std::vector<FetchableTopicResponse> responses;
  std::vector<NodeEndpoint> node_endpoints;  // v16+, tag 0

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    if (io.version() >= 7) {
      io.Error(error_code);
      io.Int32(session_id);
    }
    io.Array(responses);
    io.TaggedFields([&](auto& tags) {
      if (io.version() >= 16) {
        tags.Field(0, !node_endpoints.empty(), [&](auto& v) { v.Array(node_endpoints); });
      }
    });
  }

  bool operator==(const FetchResponse&) const = default;
};

BROOK_SERDE_EXTERN(FetchRequest);
BROOK_SERDE_EXTERN(FetchResponse);

}  // namespace brook
