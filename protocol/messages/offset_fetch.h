// protocol/messages/offset_fetch.h: OffsetFetch (api key 9), versions 1-9.
//   v2: request topics may be null (every topic of the group); response adds a top-level
//       error_code   v3: response adds throttle_time_ms   v4: same layout as v3
//   v5: response partitions add committed_leader_epoch   v6: first flexible version
//   v7: request adds require_stable
//   v8: several groups per request: the request's group_id/topics and the response's
//       topics/error_code give way to a groups array (both layouts live in these structs)
//   v9: request groups add member_id and member_epoch (KIP-848 consumer protocol)
// Not supported: v0 (offsets kept in ZooKeeper); the topic-id layout of later versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct OffsetFetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr VersionRange kVersions{1, 9};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  // v1-7.
  struct OffsetFetchRequestTopic {
    std::string name;
    std::vector<int32_t> partition_indexes;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_indexes);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchRequestTopic&) const = default;
  };

  // v8+.
  struct OffsetFetchRequestTopics {
    std::string name;
    std::vector<int32_t> partition_indexes;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partition_indexes);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchRequestTopics&) const = default;
  };

  // v8+.
  struct OffsetFetchRequestGroup {
    std::string group_id;
    std::optional<std::string> member_id;  // v9+
    int32_t member_epoch = -1;             // v9+
    // Null: every topic the group has committed offsets for.
    std::optional<std::vector<OffsetFetchRequestTopics>> topics =
        std::vector<OffsetFetchRequestTopics>{};

    template <typename Io>
    void Serde(Io& io) {
      io.String(group_id);
      if (io.version() >= 9) {
        io.NullableString(member_id);
        io.Int32(member_epoch);
      }
      io.NullableArray(topics);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchRequestGroup&) const = default;
  };

  std::string group_id;  // v1-7
  // v1-7. Null (v2+): every topic the group has committed offsets for. v1 cannot say null,
  // so there a null is written as an empty array.
  std::optional<std::vector<OffsetFetchRequestTopic>> topics =
      std::vector<OffsetFetchRequestTopic>{};
  std::vector<OffsetFetchRequestGroup> groups;  // v8+
  bool require_stable = false;                  // v7+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() <= 7) {
      io.String(group_id);
      if (io.version() >= 2) {
        io.NullableArray(topics);
      } else if constexpr (Io::kDecoding) {
        io.Array(topics.emplace());
      } else {
        std::vector<OffsetFetchRequestTopic> empty;
        io.Array(topics ? *topics : empty);
      }
    }
    if (io.version() >= 8) io.Array(groups);
    if (io.version() >= 7) io.Bool(require_stable);
    io.TaggedFields();
  }

  bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr VersionRange kVersions{1, 9};
  static constexpr int16_t kFirstFlexibleVersion = 6;

  // v1-7.
  struct OffsetFetchResponsePartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(committed_offset);
      if (io.version() >= 5) io.Int32(committed_leader_epoch);
      io.NullableString(metadata);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchResponsePartition&) const = default;
  };

  // v1-7.
  struct OffsetFetchResponseTopic {
    std::string name;
    std::vector<OffsetFetchResponsePartition> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchResponseTopic&) const = default;
  };

  // v8+.
  struct OffsetFetchResponsePartitions {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> metadata;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.Int32(partition_index);
      io.Int64(committed_offset);
      io.Int32(committed_leader_epoch);
      io.NullableString(metadata);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchResponsePartitions&) const = default;
  };

  // v8+.
  struct OffsetFetchResponseTopics {
    std::string name;
    std::vector<OffsetFetchResponsePartitions> partitions;

    template <typename Io>
    void Serde(Io& io) {
      io.String(name);
      io.Array(partitions);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchResponseTopics&) const = default;
  };

  // v8+.
  struct OffsetFetchResponseGroup {
    std::string group_id;
    std::vector<OffsetFetchResponseTopics> topics;
    ErrorCode error_code = ErrorCode::kNone;

    template <typename Io>
    void Serde(Io& io) {
      io.String(group_id);
      io.Array(topics);
      io.Error(error_code);
      io.TaggedFields();
    }

    bool operator==(const OffsetFetchResponseGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;                  // v3+
  std::vector<OffsetFetchResponseTopic> topics;  // v1-7
  ErrorCode error_code = ErrorCode::kNone;       // v2-7
  std::vector<OffsetFetchResponseGroup> groups;  // v8+

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 3) io.Int32(throttle_time_ms);
    if (io.version() <= 7) {
      io.Array(topics);
      if (io.version() >= 2) io.Error(error_code);
    }
    if (io.version() >= 8) io.Array(groups);
    io.TaggedFields();
  }

  bool operator==(const OffsetFetchResponse&) const = default;
};

BROOK_SERDE_EXTERN(OffsetFetchRequest);
BROOK_SERDE_EXTERN(OffsetFetchResponse);

}  // namespace brook
