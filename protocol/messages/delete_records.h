// protocol/messages/delete_records.h: DeleteRecords (api key 21), versions 0-2.
//   v1: no layout change (responses sent before throttling)   v2: first flexible version
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DeleteRecordsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteRecords;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct DeleteRecordsPartition {
    int32_t partition_index = 0;
    int64_t offset = 0;  // -1: up to the high watermark

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(offset);
      io.TaggedFields();
    }

    bool operator==(const DeleteRecordsPartition&) const = default;
  };

  struct DeleteRecordsTopic {
    std::string name;
    std::vector<DeleteRecordsPartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const DeleteRecordsTopic&) const = default;
  };

  std::vector<DeleteRecordsTopic> topics;
  int32_t timeout_ms = 0;

  template <typename Io>
  void Serde(Io& io) {
    io.Array(topics);
    io.Int32(timeout_ms);
    io.TaggedFields();
  }

  bool operator==(const DeleteRecordsRequest&) const = default;
};

struct DeleteRecordsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteRecords;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  struct DeleteRecordsPartitionResult {
    int32_t partition_index = 0;
    int64_t low_watermark = 0;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(low_watermark);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const DeleteRecordsPartitionResult&) const = default;
  };

  struct DeleteRecordsTopicResult {
    std::string name;
    std::vector<DeleteRecordsPartitionResult> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const DeleteRecordsTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeleteRecordsTopicResult> topics;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(topics);
    io.TaggedFields();
  }

  bool operator==(const DeleteRecordsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DeleteRecordsRequest);
BROOK_SERDE_EXTERN(DeleteRecordsResponse);

}  // namespace brook
