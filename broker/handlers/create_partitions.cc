// broker/handlers/create_partitions.cc
//
// CreatePartitions v0-3: grows a topic. Assignments, when given, must place
// every new partition on this node only.
#include <set>
#include <string>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/duplicate_keys.h"
#include "broker/handlers/handlers.h"
#include "storage/errors.h"
#include "storage/log_manager.h"

namespace brook::broker {
namespace {

using TopicResult = CreatePartitionsResponse::CreatePartitionsTopicResult;

ErrorCode ToCreatePartitionsError(const Status& s) {
  if (s.code() == storage::Errc::kNotFound) return ErrorCode::kUnknownTopicOrPartition;
  if (s.code() == storage::Errc::kInvalidArgument) return ErrorCode::kInvalidPartitions;
  return ErrorCode::kUnknownServerError;
}

TopicResult GrowOne(Broker& broker, const CreatePartitionsRequest::CreatePartitionsTopic& t,
                    bool validate_only) {
  TopicResult r;
  r.name = t.name;
  auto fail = [&](ErrorCode code, std::string message) {
    r.error_code = code;
    r.error_message = std::move(message);
    return r;
  };
  std::optional<storage::TopicInfo> info = broker.logs().Topic(t.name);
  if (!info) {
    return fail(ErrorCode::kUnknownTopicOrPartition, "The topic '" + t.name + "' does not exist.");
  }
  if (t.count < info->partitions) {
    return fail(ErrorCode::kInvalidPartitions,
                "The topic " + t.name + " currently has " + std::to_string(info->partitions) +
                    " partition(s); " + std::to_string(t.count) + " would not be an increase.");
  }
  if (t.count == info->partitions) {
    return fail(ErrorCode::kInvalidPartitions,
                "Topic already has " + std::to_string(info->partitions) + " partition(s).");
  }
  if (t.assignments) {
    int32_t added = t.count - info->partitions;
    if (static_cast<int32_t>(t.assignments->size()) != added) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  "Attempted to add " + std::to_string(added) +
                      " additional partition(s), but only " +
                      std::to_string(t.assignments->size()) + " assignment(s) were specified.");
    }
    for (const auto& a : *t.assignments) {
      if (a.broker_ids.empty()) {
        return fail(ErrorCode::kInvalidReplicaAssignment,
                    "The manual partition assignment includes an empty replica list.");
      }
      std::set<int32_t> ids(a.broker_ids.begin(), a.broker_ids.end());
      if (ids.size() != a.broker_ids.size()) {
        return fail(ErrorCode::kInvalidReplicaAssignment,
                    "The manual partition assignment includes a broker more than once.");
      }
      for (int32_t id : a.broker_ids) {
        if (id != broker.config().node_id) {
          return fail(ErrorCode::kInvalidReplicaAssignment,
                      "The manual partition assignment includes broker " + std::to_string(id) +
                          ", but no such broker is registered.");
        }
      }
    }
  }
  Status s = broker.logs().CreatePartitions(
      t.name, t.count, validate_only ? storage::ValidateOnly::kYes : storage::ValidateOnly::kNo);
  if (!s.ok()) return fail(ToCreatePartitionsError(s), s.context());
  return r;
}

}  // namespace

asio::awaitable<CreatePartitionsResponse> HandleCreatePartitions(RequestContext& ctx,
                                                                 CreatePartitionsRequest req) {
  // Growing a topic writes the catalog and creates directories: off the io thread.
  co_return co_await RunBlocking<CreatePartitionsResponse>(ctx.broker().blocking_pool(), [&] {
    DuplicateKeys<std::string> names;
    for (const auto& t : req.topics) names.Count(t.name);
    CreatePartitionsResponse resp;
    for (const auto& t : req.topics) {
      switch (names.Next(t.name)) {
        case KeyOccurrence::kOnly:
          resp.results.push_back(GrowOne(ctx.broker(), t, req.validate_only));
          break;
        case KeyOccurrence::kFirst:
          resp.results.push_back({.name = t.name,
                                  .error_code = ErrorCode::kInvalidRequest,
                                  .error_message = "Duplicate topic name."});
          break;
        case KeyOccurrence::kRepeat: break;
      }
    }
    return resp;
  });
}

}  // namespace brook::broker
