// protocol/messages/delete_topics.h: DeleteTopics (api key 20), versions 1-6.
//   v1: response carries throttle_time_ms (v0 is gone since Kafka 4.0)
//   v2: same layout (throttled responses are sent before the delay)
//   v3: same layout; TOPIC_DELETION_DISABLED may be returned
//   v4: first flexible version
//   v5: response adds error_message per topic
//   v6: request names topics by {name, topic_id} in `topics` instead of `topic_names`;
//       response adds topic_id and its name becomes nullable
// Not supported: a null response name before v6 (not nullable there); it is written as "".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct DeleteTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr VersionRange kVersions{1, 6};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  // A topic to delete, by name or by id.
  struct DeleteTopicState {
    std::optional<std::string> name;
    Uuid topic_id;

    template <typename Io>
    void Serde(Io& io) {
      io.NullableString(name);
      io.Uuid(topic_id);
      io.TaggedFields();
    }

    bool operator==(const DeleteTopicState&) const = default;
  };

  std::vector<DeleteTopicState> topics;  // v6+
  std::vector<std::string> topic_names;  // v1-5
  int32_t timeout_ms = 0;

  template <typename Io>
  void Serde(Io& io) {
    if (io.version() >= 6) {
      io.Array(topics);
    } else {
      io.Array(topic_names);
    }
    io.Int32(timeout_ms);
    io.TaggedFields();
  }

  bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeleteTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr VersionRange kVersions{1, 6};
  static constexpr int16_t kFirstFlexibleVersion = 4;

  struct DeletableTopicResult {
    std::optional<std::string> name = "";  // nullable in v6+
    Uuid topic_id;                         // v6+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v5+

    template <typename Io>
    void Serde(Io& io) {
      if (io.version() >= 6) {
        io.NullableString(name);
      } else if constexpr (Io::kDecoding) {
        io.String(name.emplace());
      } else {
        io.String(name.value_or(std::string()));
      }
      if (io.version() >= 6) io.Uuid(topic_id);
      io.Error(error_code);
      if (io.version() >= 5) io.NullableString(error_message);
      io.TaggedFields();
    }

    bool operator==(const DeletableTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeletableTopicResult> responses;

  template <typename Io>
  void Serde(Io& io) {
    io.Int32(throttle_time_ms);
    io.Array(responses);
    io.TaggedFields();
  }

  bool operator==(const DeleteTopicsResponse&) const = default;
};

BROOK_SERDE_EXTERN(DeleteTopicsRequest);
BROOK_SERDE_EXTERN(DeleteTopicsResponse);

}  // namespace brook
