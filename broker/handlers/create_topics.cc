// broker/handlers/create_topics.cc
//
// CreateTopics v2-7. One node serves every partition, so a manual assignment
// may only name this node, and a replication factor above 1 is accepted and
// served by the one replica unless brook.strict.replication.factor asks for
// Kafka's INVALID_REPLICATION_FACTOR.
#include <map>
#include <set>
#include <string>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/duplicate_keys.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/topic_config_entries.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/topic_config.h"

namespace brook::broker {
namespace {

using Topic = CreateTopicsRequest::CreatableTopic;
using TopicResult = CreateTopicsResponse::CreatableTopicResult;

// storage::LogManager::CreateTopic's errors as Kafka answers them.
ErrorCode ToCreateTopicsError(const Status& s, std::string_view name) {
  if (s.code() == storage::Errc::kDuplicateTopic) return ErrorCode::kTopicAlreadyExists;
  if (s.code() == storage::Errc::kInvalidArgument) {
    if (!storage::ValidateTopicName(name).ok()) return ErrorCode::kInvalidTopicException;
    return ErrorCode::kInvalidConfig;
  }
  return ErrorCode::kUnknownServerError;
}

struct Fail {
  ErrorCode code;
  std::string message;
};

// Checks the counts and the assignment; sets *partitions and *factor to what
// will be created. Returns nullopt when they are acceptable.
std::optional<Fail> Resolve(const Topic& t, const BrokerConfig& config, int32_t* partitions,
                            int16_t* factor) {
  const int32_t node = config.node_id;
  if (!t.assignments.empty()) {
    if (t.num_partitions != -1 || t.replication_factor != -1) {
      return Fail{ErrorCode::kInvalidRequest,
                  "Both numPartitions or replicationFactor and replicasAssignments were set. "
                  "Both cannot be used at the same time."};
    }
    std::set<int32_t> indexes;
    for (const auto& a : t.assignments) {
      if (a.broker_ids.empty()) {
        return Fail{ErrorCode::kInvalidReplicaAssignment,
                    "The manual partition assignment includes an empty replica list."};
      }
      std::set<int32_t> ids(a.broker_ids.begin(), a.broker_ids.end());
      if (ids.size() != a.broker_ids.size()) {
        return Fail{ErrorCode::kInvalidReplicaAssignment,
                    "The manual partition assignment includes the broker " +
                        std::to_string(a.broker_ids.front()) + " more than once."};
      }
      for (int32_t id : a.broker_ids) {
        if (id != node) {
          return Fail{ErrorCode::kInvalidReplicaAssignment,
                      "The manual partition assignment includes broker " + std::to_string(id) +
                          ", but no such broker is registered."};
        }
      }
      indexes.insert(a.partition_index);
    }
    int32_t n = static_cast<int32_t>(t.assignments.size());
    if (static_cast<int32_t>(indexes.size()) != n || *indexes.begin() != 0 ||
        *indexes.rbegin() != n - 1) {
      return Fail{ErrorCode::kInvalidReplicaAssignment,
                  "Partitions should be numbered consecutively starting from 0, once each."};
    }
    *partitions = n;
    *factor = static_cast<int16_t>(t.assignments.front().broker_ids.size());
    return std::nullopt;
  }
  if (t.num_partitions == 0 || t.num_partitions < -1) {
    return Fail{ErrorCode::kInvalidPartitions,
                "Number of partitions was set to an invalid non-positive value."};
  }
  if (t.replication_factor == 0 || t.replication_factor < -1) {
    return Fail{ErrorCode::kInvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value."};
  }
  *partitions = t.num_partitions == -1 ? config.num_partitions : t.num_partitions;
  *factor = t.replication_factor == -1 ? config.default_replication_factor : t.replication_factor;
  if (config.strict_replication_factor && *factor > 1) {
    return Fail{ErrorCode::kInvalidReplicationFactor,
                "Unable to replicate the partition " + std::to_string(*factor) +
                    " time(s): The target replication factor of " + std::to_string(*factor) +
                    " cannot be reached because only 1 broker(s) are registered."};
  }
  return std::nullopt;
}

TopicResult CreateOne(Broker& broker, const Topic& t, bool validate_only) {
  TopicResult result;
  result.name = t.name;
  auto fail = [&](ErrorCode code, std::string message) {
    result.error_code = code;
    result.error_message = std::move(message);
    return result;
  };
  if (Status s = storage::ValidateTopicName(t.name); !s.ok()) {
    return fail(ErrorCode::kInvalidTopicException, s.context());
  }
  int32_t partitions = 0;
  int16_t factor = 0;
  if (std::optional<Fail> f = Resolve(t, broker.config(), &partitions, &factor)) {
    return fail(f->code, f->message);
  }
  std::map<std::string, std::string> configs;
  for (const auto& c : t.configs) {
    if (!c.value)
      return fail(ErrorCode::kInvalidConfig,
                  "Null value not supported for topic configs: " + c.name);
    configs[c.name] = *c.value;
  }
  Result<storage::TopicInfo> created = broker.logs().CreateTopic(
      t.name, partitions, configs,
      validate_only ? storage::ValidateOnly::kYes : storage::ValidateOnly::kNo);
  if (!created.ok()) {
    ErrorCode code = ToCreateTopicsError(created.status(), t.name);
    if (code == ErrorCode::kTopicAlreadyExists) {
      return fail(code, "Topic '" + t.name + "' already exists.");
    }
    return fail(code, created.status().context());
  }
  result.error_message = std::nullopt;
  result.topic_id = validate_only ? Uuid::Zero() : created->topic_id;
  result.num_partitions = partitions;
  result.replication_factor = factor;
  auto& out = result.configs.emplace();
  for (const ConfigEntry& e : TopicConfigEntries(*created, broker.config().log_defaults)) {
    auto& c = out.emplace_back();
    c.name = e.name;
    c.value = e.value;
    c.read_only = false;
    c.config_source = static_cast<int8_t>(e.source);
    c.is_sensitive = false;
  }
  return result;
}

}  // namespace

asio::awaitable<CreateTopicsResponse> HandleCreateTopics(RequestContext& ctx,
                                                         CreateTopicsRequest req) {
  // Creating a topic writes the catalog (a synced RocksDB write) and makes
  // directories: off the io thread.
  co_return co_await RunBlocking<CreateTopicsResponse>(ctx.broker().blocking_pool(), [&] {
    DuplicateKeys<std::string> names;
    for (const auto& t : req.topics) names.Count(t.name);
    CreateTopicsResponse resp;
    for (const auto& t : req.topics) {
      switch (names.Next(t.name)) {
        case KeyOccurrence::kOnly:
          resp.topics.push_back(CreateOne(ctx.broker(), t, req.validate_only));
          break;
        case KeyOccurrence::kFirst: {
          auto& r = resp.topics.emplace_back();
          r.name = t.name;
          r.error_code = ErrorCode::kInvalidRequest;
          r.error_message = "Duplicate topic name.";
          break;
        }
        case KeyOccurrence::kRepeat: break;
      }
    }
    return resp;
  });
}

}  // namespace brook::broker
