// broker/handlers/describe_configs.cc
//
// DescribeConfigs v1-4. TOPIC resources list every topic config Brook knows
// (broker/handlers/topic_config_entries.h); BROKER resources list the broker
// properties Brook has, all static (read-only: Brook has no dynamic broker
// configs). Documentation is not served (null).
#include <algorithm>
#include <string>

#include "broker/broker.h"
#include "broker/handlers/alter_resource.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/topic_config_entries.h"
#include "storage/log_manager.h"
#include "storage/topic_config.h"

namespace brook::broker {
namespace {

using Result_ = DescribeConfigsResponse::DescribeConfigsResult;
using Entry = DescribeConfigsResponse::DescribeConfigsResourceResult;

bool Wanted(const DescribeConfigsRequest::DescribeConfigsResource& r, std::string_view name) {
  if (!r.configuration_keys || r.configuration_keys->empty()) return true;
  for (const std::string& key : *r.configuration_keys) {
    if (key == name) return true;
  }
  return false;
}

Entry ToEntry(const ConfigEntry& e, bool read_only, bool synonyms) {
  Entry out;
  out.name = e.name;
  out.value = e.value;
  out.read_only = read_only;
  out.config_source = static_cast<int8_t>(e.source);
  out.is_sensitive = false;
  out.config_type = static_cast<int8_t>(e.type);
  out.documentation = std::nullopt;
  if (synonyms) {
    for (const ConfigSynonym& s : e.synonyms) {
      out.synonyms.push_back(
          {.name = s.name, .value = s.value, .source = static_cast<int8_t>(s.source)});
    }
  }
  return out;
}

// The broker properties Brook has, with their values and Kafka's defaults.
std::vector<ConfigEntry> BrokerConfigEntries(const Broker& broker) {
  const BrokerConfig& c = broker.config();
  const BrokerConfig d;
  std::vector<ConfigEntry> entries;
  auto add = [&](std::string name, std::string value, std::string default_value, ConfigType type) {
    ConfigEntry& e = entries.emplace_back();
    e.name = std::move(name);
    e.type = type;
    bool set = value != default_value;
    if (set) e.synonyms.push_back({e.name, value, ConfigSource::kStaticBroker});
    e.synonyms.push_back({e.name, default_value, ConfigSource::kDefault});
    e.value = std::move(value);
    e.source = set ? ConfigSource::kStaticBroker : ConfigSource::kDefault;
  };
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  add("advertised.listeners",
      "PLAINTEXT://" + broker.advertised_host() + ":" + std::to_string(broker.advertised_port()),
      "", ConfigType::kList);
  add("auto.create.topics.enable", b(c.auto_create_topics), b(d.auto_create_topics),
      ConfigType::kBoolean);
  add("brook.strict.replication.factor", b(c.strict_replication_factor),
      b(d.strict_replication_factor), ConfigType::kBoolean);
  add("broker.id", std::to_string(c.node_id), std::to_string(d.node_id), ConfigType::kInt);
  add("default.replication.factor", std::to_string(c.default_replication_factor),
      std::to_string(d.default_replication_factor), ConfigType::kInt);
  add("group.initial.rebalance.delay.ms", std::to_string(c.group_initial_rebalance_delay_ms),
      "3000", ConfigType::kInt);
  add("listeners", "PLAINTEXT://" + c.listener_host + ":" + std::to_string(c.listener_port),
      "PLAINTEXT://:9092", ConfigType::kList);
  add("log.dirs", c.memory ? "" : c.log_dirs, d.log_dirs, ConfigType::kList);
  add("log.retention.check.interval.ms", std::to_string(c.log_retention_check_interval_ms),
      std::to_string(d.log_retention_check_interval_ms), ConfigType::kLong);
  add("node.id", std::to_string(c.node_id), std::to_string(d.node_id), ConfigType::kInt);
  add("num.io.threads", std::to_string(c.io_threads), "8", ConfigType::kInt);
  add("num.partitions", std::to_string(c.num_partitions), std::to_string(d.num_partitions),
      ConfigType::kInt);
  add("socket.request.max.bytes", std::to_string(c.socket_request_max_bytes),
      std::to_string(d.socket_request_max_bytes), ConfigType::kInt);
  // The log defaults, under their broker names (the topic configs' synonyms).
  storage::TopicInfo defaults_only;
  for (const ConfigEntry& t : TopicConfigEntries(defaults_only, c.log_defaults)) {
    const ConfigSynonym& broker_synonym = t.synonyms.front();
    if (broker_synonym.name == t.name && t.name != "producer.id.expiration.ms")
      continue;  // no broker property
    ConfigEntry& e = entries.emplace_back();
    e.name = broker_synonym.name;
    e.type = t.type;
    e.value = broker_synonym.value;
    e.source = broker_synonym.source;
    e.synonyms = t.synonyms;
  }
  std::sort(entries.begin(), entries.end(),
            [](const ConfigEntry& x, const ConfigEntry& y) { return x.name < y.name; });
  return entries;
}

Result_ DescribeOne(Broker& broker, const DescribeConfigsRequest::DescribeConfigsResource& r,
                    bool synonyms) {
  Result_ out;
  out.resource_type = r.resource_type;
  out.resource_name = r.resource_name;
  out.error_message = std::nullopt;
  auto fail = [&](ErrorCode code, std::string message) {
    out.error_code = code;
    out.error_message = std::move(message);
    return out;
  };
  if (r.resource_type == kTopicResource) {
    if (Status s = storage::ValidateTopicName(r.resource_name); !s.ok()) {
      return fail(ErrorCode::kInvalidTopicException, s.context());
    }
    std::optional<storage::TopicInfo> info = broker.logs().Topic(r.resource_name);
    if (!info) {
      return fail(ErrorCode::kUnknownTopicOrPartition,
                  "The topic '" + r.resource_name + "' does not exist.");
    }
    for (const ConfigEntry& e : TopicConfigEntries(*info, broker.config().log_defaults)) {
      if (Wanted(r, e.name)) out.configs.push_back(ToEntry(e, false, synonyms));
    }
    return out;
  }
  if (r.resource_type == kBrokerResource) {
    const std::string node = std::to_string(broker.config().node_id);
    if (r.resource_name.empty()) return out;  // cluster-wide dynamic defaults: none
    if (r.resource_name != node) {
      return fail(ErrorCode::kInvalidRequest, "Unexpected broker id, expected " + node +
                                                  " or empty string, but received " +
                                                  r.resource_name);
    }
    for (const ConfigEntry& e : BrokerConfigEntries(broker)) {
      if (Wanted(r, e.name)) out.configs.push_back(ToEntry(e, true, synonyms));
    }
    return out;
  }
  return fail(ErrorCode::kInvalidRequest,
              "Unsupported resource type " + std::to_string(r.resource_type));
}

}  // namespace

asio::awaitable<DescribeConfigsResponse> HandleDescribeConfigs(RequestContext& ctx,
                                                               DescribeConfigsRequest req) {
  DescribeConfigsResponse resp;
  for (const auto& r : req.resources) {
    resp.results.push_back(DescribeOne(ctx.broker(), r, req.include_synonyms));
  }
  co_return resp;
}

}  // namespace brook::broker
