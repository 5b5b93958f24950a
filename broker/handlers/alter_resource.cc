// broker/handlers/alter_resource.cc
#include "broker/handlers/alter_resource.h"

#include "storage/topic_config.h"

namespace brook::broker {

AlterResourceCheck CheckAlterResource(int32_t node_id, int8_t resource_type,
                                      const std::string& resource_name, size_t config_count,
                                      const std::string& first_config_name) {
  auto fail = [](ErrorCode code, std::string message) {
    return AlterResourceCheck{.done = true, .error = code, .message = std::move(message)};
  };
  if (resource_type == kBrokerResource) {
    const std::string node = std::to_string(node_id);
    if (!resource_name.empty() && resource_name != node) {
      return fail(ErrorCode::kInvalidRequest, "Unexpected broker id, expected " + node +
                                                  " or empty string, but received " +
                                                  resource_name);
    }
    if (config_count == 0) return AlterResourceCheck{.done = true};
    return fail(ErrorCode::kInvalidRequest,
                "Cannot update these configs dynamically: " + first_config_name +
                    (config_count > 1 ? " and others" : "") +
                    ". Brook has no dynamic broker configs; set them in server.properties and "
                    "restart the broker.");
  }
  if (resource_type != kTopicResource) {
    return fail(ErrorCode::kInvalidRequest,
                "Unsupported resource type " + std::to_string(resource_type));
  }
  if (Status s = storage::ValidateTopicName(resource_name); !s.ok()) {
    return fail(ErrorCode::kInvalidTopicException, s.context());
  }
  return {};
}

}  // namespace brook::broker
