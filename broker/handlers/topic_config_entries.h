// broker/handlers/topic_config_entries.h
//
// How a topic's configs are reported (DescribeConfigs, CreateTopics v5+): every
// config Brook knows with its value, Kafka's config source and type, and the
// synonyms that explain where the value comes from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_config.h"
#include "storage/log_manager.h"

namespace brook::broker {

// Kafka's DescribeConfigsResponse.ConfigSource values.
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kDynamicTopic = 1,
  kDynamicBroker = 2,
  kDynamicDefaultBroker = 3,
  kStaticBroker = 4,
  kDefault = 5,
};

// Kafka's ConfigType values (DescribeConfigs v3+).
enum class ConfigType : int8_t {
  kUnknown = 0,
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kShort = 4,
  kLong = 5,
  kDouble = 6,
  kList = 7,
};

struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;
  ConfigSource source = ConfigSource::kDefault;
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;
  ConfigSource source = ConfigSource::kDefault;
  ConfigType type = ConfigType::kUnknown;
  // The topic override first, then the broker setting, then Kafka's default.
  std::vector<ConfigSynonym> synonyms;
};

// Every config of KnownTopicConfigNames() for `topic`, sorted by name.
std::vector<ConfigEntry> TopicConfigEntries(const storage::TopicInfo& topic,
                                            const storage::LogConfig& broker_defaults);
// The value `name` has on a topic without an override of it.
std::optional<std::string> TopicConfigDefault(const storage::LogConfig& broker_defaults,
                                              std::string_view name);
bool IsKnownTopicConfig(std::string_view name);
// List-typed configs (cleanup.policy, the throttled replica lists): the ones
// IncrementalAlterConfigs may APPEND to or SUBTRACT from.
bool IsListTopicConfig(std::string_view name);

}  // namespace brook::broker
