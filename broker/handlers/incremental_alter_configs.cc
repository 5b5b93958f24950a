// broker/handlers/incremental_alter_configs.cc
//
// IncrementalAlterConfigs v0-1: SET, DELETE, APPEND and SUBTRACT on a topic's
// overrides (APPEND/SUBTRACT only on list configs such as cleanup.policy,
// starting from the current value, override or default). Brook has no dynamic
// broker configs: a BROKER resource with configs is answered INVALID_REQUEST.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/alter_resource.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/topic_config_entries.h"
#include "storage/errors.h"
#include "storage/log_manager.h"

namespace brook::broker {
namespace {

enum Op : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

using ResourceResult = IncrementalAlterConfigsResponse::AlterConfigsResourceResponse;

ErrorCode ToIncrementalAlterConfigsError(const Status& s) {
  if (s.code() == storage::Errc::kNotFound) return ErrorCode::kUnknownTopicOrPartition;
  if (s.code() == storage::Errc::kInvalidArgument) return ErrorCode::kInvalidConfig;
  return ErrorCode::kUnknownServerError;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string_view item = s.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

ResourceResult AlterOne(Broker& broker,
                        const IncrementalAlterConfigsRequest::AlterConfigsResource& r,
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
  std::set<std::string> names;
  for (const auto& c : r.configs) {
    if (!names.insert(c.name).second) {
      return fail(ErrorCode::kInvalidRequest, "Error due to duplicate config keys");
    }
  }
  std::optional<storage::TopicInfo> info = broker.logs().Topic(r.resource_name);
  if (!info) {
    return fail(ErrorCode::kUnknownTopicOrPartition,
                "The topic '" + r.resource_name + "' does not exist.");
  }
  std::map<std::string, std::string> overrides = info->overrides;
  for (const auto& c : r.configs) {
    if (!IsKnownTopicConfig(c.name)) {
      return fail(ErrorCode::kInvalidConfig, "Unknown topic config name: " + c.name);
    }
    switch (c.config_operation) {
      case kSet:
        if (!c.value)
          return fail(ErrorCode::kInvalidRequest, "Null value not supported for : " + c.name);
        overrides[c.name] = *c.value;
        break;
      case kDelete: overrides.erase(c.name); break;
      case kAppend:
      case kSubtract: {
        const char* verb = c.config_operation == kAppend ? "append" : "subtract";
        if (!IsListTopicConfig(c.name)) {
          return fail(ErrorCode::kInvalidConfig, std::string("Config value ") + verb +
                                                     " is not allowed for config key: " + c.name);
        }
        if (!c.value)
          return fail(ErrorCode::kInvalidRequest, "Null value not supported for : " + c.name);
        auto it = overrides.find(c.name);
        std::vector<std::string> items =
            SplitList(it != overrides.end()
                          ? it->second
                          : TopicConfigDefault(broker.config().log_defaults, c.name).value_or(""));
        for (const std::string& item : SplitList(*c.value)) {
          auto pos = std::find(items.begin(), items.end(), item);
          if (c.config_operation == kAppend && pos == items.end()) items.push_back(item);
          if (c.config_operation == kSubtract && pos != items.end()) items.erase(pos);
        }
        overrides[c.name] = JoinList(items);
        break;
      }
      default:
        return fail(
            ErrorCode::kInvalidRequest,
            "Unknown operation type " + std::to_string(c.config_operation) + " for " + c.name);
    }
  }
  Status s = broker.logs().SetTopicConfigs(
      r.resource_name, overrides,
      validate_only ? storage::ValidateOnly::kYes : storage::ValidateOnly::kNo);
  if (!s.ok()) {
    ErrorCode code = ToIncrementalAlterConfigsError(s);
    if (code == ErrorCode::kUnknownTopicOrPartition) {
      return fail(code, "The topic '" + r.resource_name + "' does not exist.");
    }
    return fail(code, s.context());
  }
  return out;
}

}  // namespace

asio::awaitable<IncrementalAlterConfigsResponse> HandleIncrementalAlterConfigs(
    RequestContext& ctx, IncrementalAlterConfigsRequest req) {
  // A topic's new configs go to the catalog: off the io thread.
  co_return co_await RunBlocking<IncrementalAlterConfigsResponse>(
      ctx.broker().blocking_pool(), [&] {
        IncrementalAlterConfigsResponse resp;
        for (const auto& r : req.resources) {
          resp.responses.push_back(AlterOne(ctx.broker(), r, req.validate_only));
        }
        return resp;
      });
}

}  // namespace brook::broker
