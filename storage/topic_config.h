// storage/topic_config.h
//
// Topic-level settings under Apache Kafka's names: validation of names and
// values (CreateTopics / AlterConfigs answer INVALID_CONFIG or
// INVALID_TOPIC_EXCEPTION with the message), and the LogConfig they give.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "storage/log_config.h"

namespace brook::storage {

// Kafka's rules: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
// Errors: kInvalidArgument with the reason.
Status ValidateTopicName(std::string_view name);

// `defaults` with `overrides` (topic config name -> value) applied. Every
// name must be a Kafka topic config; values are checked as Kafka checks them.
// Errors: kInvalidArgument naming the config and the problem.
Result<LogConfig> ApplyTopicConfigs(const LogConfig& defaults,
                                    const std::map<std::string, std::string>& overrides);

// The topic config names Brook knows, sorted (DescribeConfigs lists them).
const std::vector<std::string>& KnownTopicConfigNames();
// The value of `name` in `config` as Kafka prints it ("delete", "604800000"),
// for configs LogConfig holds; nullopt for accepted-but-inert ones.
std::optional<std::string> TopicConfigValue(const LogConfig& config, std::string_view name);

}  // namespace brook::storage
