// broker/handlers/alter_configs.cc
//
// AlterConfigs v0-2: replaces a topic's overrides with the given set. Brook has
// no dynamic broker configs: a BROKER resource with configs is answered
// INVALID_REQUEST, as Kafka answers configs it cannot update dynamically.
#include <map>
#include <set>
#include <string>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/alter_resource.h"
#include "broker/handlers/handlers.h"
#include "storage/errors.h"
#include "storage/log_manager.h"

namespace brook::broker {
namespace {

using ResourceResult = AlterConfigsResponse::AlterConfigsResourceResponse;

ErrorCode ToAlterConfigsError(const Status& s) {
  if (s.code() == storage::Errc::kNotFound) return ErrorCode::kUnknownTopicOrPartition;
  if (s.code() == storage::Errc::kInvalidArgument) return ErrorCode::kInvalidConfig;
  return ErrorCode::kUnknownServerError;
}

ResourceResult AlterOne(Broker& broker, const AlterConfigsRequest::AlterConfigsResource& r,
                        bool validate_only) {
  ResourceResult out;
  out.resource_type = r.resource_type;
  out.resource_name = r.resource_name;
  out.error_message = std::nullopt;
  auto fail = [&](ErrorCode code, std::string message) {
    out.error_code = code;
    out.error_message = std::move(message);
    return out;
  };
  AlterResourceCheck check =
      CheckAlterResource(broker.config().node_id, r.resource_type, r.resource_name,
                         r.configs.size(), r.configs.empty() ? "" : r.configs.front().name);
  if (check.done) {
    if (check.error == ErrorCode::kNone) return out;
    return fail(check.error, std::move(check.message));
  }
  std::map<std::string, std::string> configs;
  for (const auto& c : r.configs) {
    if (!c.value)
      return fail(ErrorCode::kInvalidRequest, "Null value not supported for : " + c.name);
    if (!configs.emplace(c.name, *c.value).second) {
      return fail(ErrorCode::kInvalidRequest, "Error due to duplicate config keys");
    }
  }
  Status s = broker.logs().SetTopicConfigs(
      r.resource_name, configs,
      validate_only ? storage::ValidateOnly::kYes : storage::ValidateOnly::kNo);
  if (!s.ok()) {
    ErrorCode code = ToAlterConfigsError(s);
    if (code == ErrorCode::kUnknownTopicOrPartition) {
      return fail(code, "The topic '" + r.resource_name + "' does not exist.");
    }
    return fail(code, s.context());
  }
  return out;
}

}  // namespace

asio::awaitable<AlterConfigsResponse> HandleAlterConfigs(RequestContext& ctx,
                                                         AlterConfigsRequest req) {
  // A topic's new configs go to the catalog: off the io thread.
  co_return co_await RunBlocking<AlterConfigsResponse>(ctx.broker().blocking_pool(), [&] {
    AlterConfigsResponse resp;
    for (const auto& r : req.resources) {
      resp.responses.push_back(AlterOne(ctx.broker(), r, req.validate_only));
    }
    return resp;
  });
}

}  // namespace brook::broker
