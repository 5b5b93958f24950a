// broker/handlers/alter_resource.h
//
// The config resources of DescribeConfigs, AlterConfigs and
// IncrementalAlterConfigs, and the checks the two alter APIs make on a
// resource before they look at its configs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/error_code.h"

namespace brook::broker {

// Kafka's ConfigResource.Type values.
inline constexpr int8_t kTopicResource = 2;
inline constexpr int8_t kBrokerResource = 4;

struct AlterResourceCheck {
  // Answer now with `error` (kNone: a broker resource with nothing to alter);
  // false: a topic resource with a valid name, go on with its configs.
  bool done = false;
  ErrorCode error = ErrorCode::kNone;
  std::string message;
};

// As Kafka answers: a broker resource must name this node (or be empty) and
// alter nothing, since Brook has no dynamic broker configs (INVALID_REQUEST);
// a type other than topic and broker is INVALID_REQUEST; an invalid topic
// name INVALID_TOPIC_EXCEPTION.
AlterResourceCheck CheckAlterResource(int32_t node_id, int8_t resource_type,
                                      const std::string& resource_name, size_t config_count,
                                      const std::string& first_config_name);

}  // namespace brook::broker
