// protocol/messages/write_txn_markers.h: WriteTxnMarkers (api key 27), version 1.
//   v1: first flexible version (v0, the rigid layout, is gone from Kafka 4.0)
// Sent by the transaction coordinator to partition leaders.
// Not supported: v0; v2+ (per-marker transaction_version).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct WriteTxnMarkersRequest {
  static constexpr ApiKey kApiKey = ApiKey::kWriteTxnMarkers;
  static constexpr VersionRange kVersions{1, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

  struct WritableTxnMarkerTopic {
    std::string name;
    std::vector<int32_t> partition_indexes;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_indexes);
      io.TaggedFields();
    }

    bool operator==(const WritableTxnMarkerTopic&) const = default;
  };

  struct WritableTxnMarker {
    int64_t producer_id = 0;
    int16_t producer_epoch = 0;
    bool transaction_result = false;  // false: abort, true: commit
    std::vector<WritableTxnMarkerTopic> topics;
    int32_t coordinator_epoch = 0;

    template <typename Io>
    void Serde(Io& io) {
      io.Int64(producer_id);
      io.Int16(producer_epoch);
      io.Bool(transaction_result);
      io.Array(topics);
      io.Int32(coordinator_epoch);
      io.TaggedFields();
    }

    bool operator==(const WritableTxnMarker&) const = default;
  };

  std::vector<WritableTxnMarker> markers;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(markers);
    io.TaggedFields();
  }

  bool operator==(const WriteTxnMarkersRequest&) const = default;
};

struct WriteTxnMarkersResponse {
  static constexpr ApiKey kApiKey = ApiKey::kWriteTxnMarkers;
  static constexpr VersionRange kVersions{1, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

  struct WritableTxnMarkerPartitionResult {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const WritableTxnMarkerPartitionResult&) const = default;
  };

  struct WritableTxnMarkerTopicResult {
    std::string name;
    std::vector<WritableTxnMarkerPartitionResult> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const WritableTxnMarkerTopicResult&) const = default;
  };

  struct WritableTxnMarkerResult {
    int64_t producer_id = 0;
    std::vector<WritableTxnMarkerTopicResult> topics;

    template <typename Io>
    void Serde(Io& io) {
      io.Int64(producer_id);
      io.Array(topics);
      io.TaggedFields();
    }

    bool operator==(const WritableTxnMarkerResult&) const = default;
  };

  std::vector<WritableTxnMarkerResult> markers;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(markers);
    io.TaggedFields();
  }

  bool operator==(const WriteTxnMarkersResponse&) const = default;
};

BROOK_SERDE_EXTERN(WriteTxnMarkersRequest);
BROOK_SERDE_EXTERN(WriteTxnMarkersResponse);

}  // namespace brook
