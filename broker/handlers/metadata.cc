// broker/handlers/metadata.cc
//
// Metadata: this broker as the only node and controller, and the leader (epoch
// 0, sole replica and ISR member) of every partition.
//
// Auto-creation: a named topic that does not exist is created with
// num.partitions when auto.create.topics.enable is set and (v4+) the request
// allows it. Kafka answers such a topic UNKNOWN_TOPIC_OR_PARTITION (KRaft) or
// LEADER_NOT_AVAILABLE (ZooKeeper) while the controller creates it, and the
// client retries after its backoff. Brook creates the topic synchronously, so
// the first answer already carries it with its partitions and NONE: librdkafka
// and the Java client proceed without a retry round.
#include <set>
#include <string>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/topic_config.h"

namespace brook::broker {
namespace {

// Kafka's topic bit set when include_*_authorized_operations asks for it and
// every operation is allowed (no authorizer): READ, WRITE, CREATE, DELETE,
// ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
constexpr int32_t kAllTopicOperations =
    (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS,
// IDEMPOTENT_WRITE, CREATE_TOKENS, DESCRIBE_TOKENS.
constexpr int32_t kAllClusterOperations = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) |
                                          (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

bool IsInternalTopic(std::string_view name) {
  return name == "__consumer_offsets" || name == "__transaction_state";
}

ErrorCode ToAutoCreateError(const Status& s) {
  if (s.code() == storage::Errc::kDuplicateTopic) return ErrorCode::kNone;  // created meanwhile
  if (s.code() == storage::Errc::kInvalidArgument) return ErrorCode::kInvalidTopicException;
  return ErrorCode::kUnknownServerError;
}

MetadataResponse::MetadataResponseTopic Describe(const storage::TopicInfo& info, int32_t node,
                                                 bool with_operations) {
  MetadataResponse::MetadataResponseTopic topic;
  topic.name = info.name;
  topic.topic_id = info.topic_id;
  topic.is_internal = IsInternalTopic(info.name);
  for (int32_t p = 0; p < info.partitions; ++p) {
    auto& partition = topic.partitions.emplace_back();
    partition.partition_index = p;
    partition.leader_id = node;
    partition.leader_epoch = 0;
    partition.replica_nodes = {node};
    partition.isr_nodes = {node};
  }
  if (with_operations) topic.topic_authorized_operations = kAllTopicOperations;
  return topic;
}

}  // namespace

asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req) {
  Broker& broker = ctx.broker();
  const int32_t node = broker.config().node_id;
  storage::LogManager& logs = broker.logs();
  MetadataResponse resp;
  auto& self = resp.brokers.emplace_back();
  self.node_id = node;
  self.host = broker.advertised_host();
  self.port = broker.advertised_port();
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = node;
  if (req.include_cluster_authorized_operations && ctx.api_version() <= 10) {
    resp.cluster_authorized_operations = kAllClusterOperations;
  }
  const bool with_operations = req.include_topic_authorized_operations;

  if (!req.topics) {
    for (const storage::TopicInfo& info : logs.Topics()) {
      resp.topics.push_back(Describe(info, node, with_operations));
    }
    co_return resp;
  }

  const bool may_create = broker.config().auto_create_topics &&
                          (ctx.api_version() < 4 || req.allow_auto_topic_creation);
  std::set<std::string> seen_names;
  std::set<Uuid> seen_ids;
  for (const auto& wanted : *req.topics) {
    if (!wanted.name) {  // v10+: by id
      if (!seen_ids.insert(wanted.topic_id).second) continue;
      std::optional<storage::TopicInfo> info = logs.TopicById(wanted.topic_id);
      if (!info) {
        auto& topic = resp.topics.emplace_back();
        topic.error_code = ErrorCode::kUnknownTopicId;
        topic.name = std::nullopt;
        topic.topic_id = wanted.topic_id;
        continue;
      }
      resp.topics.push_back(Describe(*info, node, with_operations));
      continue;
    }
    const std::string& name = *wanted.name;
    if (!seen_names.insert(name).second) continue;
    std::optional<storage::TopicInfo> info = logs.Topic(name);
    if (!info && storage::ValidateTopicName(name).ok() && may_create) {
      // Creating writes the catalog: off the io thread.
      Result<storage::TopicInfo> created = co_await RunBlocking<Result<storage::TopicInfo>>(
          broker.blocking_pool(),
          [&] { return logs.CreateTopic(name, broker.config().num_partitions, {}); });
      if (created.ok()) {
        info = *created;
      } else if (ErrorCode error = ToAutoCreateError(created.status()); error != ErrorCode::kNone) {
        auto& topic = resp.topics.emplace_back();
        topic.error_code = error;
        topic.name = name;
        continue;
      } else {
        info = logs.Topic(name);
      }
    }
    if (!info) {
      auto& topic = resp.topics.emplace_back();
      topic.error_code = storage::ValidateTopicName(name).ok() ? ErrorCode::kUnknownTopicOrPartition
                                                               : ErrorCode::kInvalidTopicException;
      topic.name = name;
      topic.is_internal = IsInternalTopic(name);
      continue;
    }
    resp.topics.push_back(Describe(*info, node, with_operations));
  }
  co_return resp;
}

}  // namespace brook::broker
