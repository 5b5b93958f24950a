// broker/handlers/topic_config_entries.cc
#include "broker/handlers/topic_config_entries.h"

#include <algorithm>
#include <map>

#include "storage/topic_config.h"

namespace brook::broker {
namespace {

struct ConfigDef {
  ConfigType type;
  // The broker property that sets the default (Kafka's synonym), or "".
  std::string_view broker_name;
  // Kafka's default for configs Brook accepts but does not act on (its
  // LogConfig has no field for them); unused otherwise.
  std::string_view inert_default;
};

const std::map<std::string_view, ConfigDef>& Defs() {
  static const std::map<std::string_view, ConfigDef> kDefs = {
      {"cleanup.policy", {ConfigType::kList, "log.cleanup.policy", ""}},
      {"compression.gzip.level", {ConfigType::kInt, "", "-1"}},
      {"compression.lz4.level", {ConfigType::kInt, "", "9"}},
      {"compression.type", {ConfigType::kString, "", "producer"}},
      {"compression.zstd.level", {ConfigType::kInt, "", "3"}},
      {"delete.retention.ms", {ConfigType::kLong, "", "86400000"}},
      {"file.delete.delay.ms", {ConfigType::kLong, "", "60000"}},
      {"flush.messages", {ConfigType::kLong, "log.flush.interval.messages", ""}},
      {"flush.ms", {ConfigType::kLong, "log.flush.interval.ms", ""}},
      {"follower.replication.throttled.replicas", {ConfigType::kList, "", ""}},
      {"index.interval.bytes", {ConfigType::kInt, "log.index.interval.bytes", ""}},
      {"leader.replication.throttled.replicas", {ConfigType::kList, "", ""}},
      {"local.retention.bytes", {ConfigType::kLong, "", "-2"}},
      {"local.retention.ms", {ConfigType::kLong, "", "-2"}},
      {"max.compaction.lag.ms", {ConfigType::kLong, "", ""}},
      {"max.message.bytes", {ConfigType::kInt, "message.max.bytes", ""}},
      {"message.downconversion.enable", {ConfigType::kBoolean, "", "true"}},
      {"message.timestamp.after.max.ms", {ConfigType::kLong, "", "3600000"}},
      {"message.timestamp.before.max.ms", {ConfigType::kLong, "", "9223372036854775807"}},
      {"message.timestamp.difference.max.ms", {ConfigType::kLong, "", "9223372036854775807"}},
      {"message.timestamp.type", {ConfigType::kString, "log.message.timestamp.type", ""}},
      {"min.cleanable.dirty.ratio", {ConfigType::kDouble, "", "0.5"}},
      {"min.compaction.lag.ms", {ConfigType::kLong, "", "0"}},
      {"min.insync.replicas", {ConfigType::kInt, "", "1"}},
      {"preallocate", {ConfigType::kBoolean, "", "false"}},
      {"producer.id.expiration.ms", {ConfigType::kLong, "producer.id.expiration.ms", ""}},
      {"remote.log.copy.disable", {ConfigType::kBoolean, "", "false"}},
      {"remote.log.delete.on.disable", {ConfigType::kBoolean, "", "false"}},
      {"remote.storage.enable", {ConfigType::kBoolean, "", "false"}},
      {"retention.bytes", {ConfigType::kLong, "log.retention.bytes", ""}},
      {"retention.ms", {ConfigType::kLong, "log.retention.ms", ""}},
      {"segment.bytes", {ConfigType::kInt, "log.segment.bytes", ""}},
      {"segment.index.bytes", {ConfigType::kInt, "", "10485760"}},
      {"segment.jitter.ms", {ConfigType::kLong, "", "0"}},
      {"segment.ms", {ConfigType::kLong, "log.roll.ms", ""}},
      {"unclean.leader.election.enable", {ConfigType::kBoolean, "", "false"}},
  };
  return kDefs;
}

const ConfigDef* FindDef(std::string_view name) {
  auto it = Defs().find(name);
  return it == Defs().end() ? nullptr : &it->second;
}

}  // namespace

bool IsKnownTopicConfig(std::string_view name) {
  const auto& names = storage::KnownTopicConfigNames();
  return std::binary_search(names.begin(), names.end(), name);
}

bool IsListTopicConfig(std::string_view name) {
  const ConfigDef* def = FindDef(name);
  return def != nullptr && def->type == ConfigType::kList;
}

std::optional<std::string> TopicConfigDefault(const storage::LogConfig& broker_defaults,
                                              std::string_view name) {
  if (std::optional<std::string> v = storage::TopicConfigValue(broker_defaults, name)) return v;
  if (const ConfigDef* def = FindDef(name)) return std::string(def->inert_default);
  return std::nullopt;
}

std::vector<ConfigEntry> TopicConfigEntries(const storage::TopicInfo& topic,
                                            const storage::LogConfig& broker_defaults) {
  std::vector<ConfigEntry> entries;
  for (const std::string& name : storage::KnownTopicConfigNames()) {
    ConfigEntry& e = entries.emplace_back();
    e.name = name;
    const ConfigDef* def = FindDef(name);
    e.type = def ? def->type : ConfigType::kUnknown;
    std::optional<std::string> kafka_default = TopicConfigDefault(storage::LogConfig{}, name);
    std::optional<std::string> broker_value = TopicConfigDefault(broker_defaults, name);
    std::string_view broker_name = def ? def->broker_name : std::string_view();

    auto override_it = topic.overrides.find(name);
    if (override_it != topic.overrides.end()) {
      e.synonyms.push_back({name, override_it->second, ConfigSource::kDynamicTopic});
    }
    if (!broker_name.empty() && broker_value != kafka_default) {
      e.synonyms.push_back({std::string(broker_name), broker_value, ConfigSource::kStaticBroker});
    }
    e.synonyms.push_back({broker_name.empty() ? name : std::string(broker_name), kafka_default,
                          ConfigSource::kDefault});
    e.value = e.synonyms.front().value;
    e.source = e.synonyms.front().source;
  }
  return entries;
}

}  // namespace brook::broker
