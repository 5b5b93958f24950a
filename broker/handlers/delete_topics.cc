// broker/handlers/delete_topics.cc
//
// DeleteTopics v1-6: by name, and from v6 by name or by topic id.
#include <string>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/duplicate_keys.h"
#include "broker/handlers/handlers.h"
#include "storage/errors.h"
#include "storage/log_manager.h"

namespace brook::broker {
namespace {

using TopicResult = DeleteTopicsResponse::DeletableTopicResult;

ErrorCode ToDeleteTopicsError(const Status& s) {
  if (s.code() == storage::Errc::kNotFound) return ErrorCode::kUnknownTopicOrPartition;
  return ErrorCode::kUnknownServerError;
}

TopicResult Fail(std::optional<std::string> name, Uuid id, ErrorCode code, std::string message) {
  TopicResult r;
  r.name = std::move(name);
  r.topic_id = id;
  r.error_code = code;
  r.error_message = std::move(message);
  return r;
}

TopicResult DeleteOne(storage::LogManager& logs, const std::optional<std::string>& name,
                      const Uuid& id) {
  std::optional<storage::TopicInfo> info = name ? logs.Topic(*name) : logs.TopicById(id);
  if (!info) {
    if (name) {
      return Fail(name, id, ErrorCode::kUnknownTopicOrPartition,
                  "This server does not host this topic-partition.");
    }
    return Fail(std::nullopt, id, ErrorCode::kUnknownTopicId,
                "This server does not host this topic ID.");
  }
  TopicResult r;
  r.name = info->name;
  r.topic_id = info->topic_id;
  if (Status s = logs.DeleteTopic(info->name); !s.ok()) {
    r.error_code = ToDeleteTopicsError(s);
    r.error_message = s.context();
  }
  return r;
}

}  // namespace

asio::awaitable<DeleteTopicsResponse> HandleDeleteTopics(RequestContext& ctx,
                                                         DeleteTopicsRequest req) {
  // Deleting a topic writes the catalog and removes its files: off the io
  // thread.
  co_return co_await RunBlocking<DeleteTopicsResponse>(ctx.broker().blocking_pool(), [&] {
    storage::LogManager& logs = ctx.broker().logs();
    DeleteTopicsResponse resp;
    if (ctx.api_version() < 6) {
      for (const std::string& name : req.topic_names) {
        req.topics.push_back({.name = name, .topic_id = Uuid::Zero()});
      }
    }
    DuplicateKeys<std::string> names;
    DuplicateKeys<Uuid> ids;
    for (const auto& t : req.topics) {
      if (t.name) names.Count(*t.name);
      if (!t.topic_id.is_zero()) ids.Count(t.topic_id);
    }
    for (const auto& t : req.topics) {
      if (t.name && !t.topic_id.is_zero()) {
        resp.responses.push_back(Fail(t.name, t.topic_id, ErrorCode::kInvalidRequest,
                                      "You may not specify both topic name and topic id."));
        continue;
      }
      if (!t.name && t.topic_id.is_zero()) {
        resp.responses.push_back(Fail(std::nullopt, t.topic_id, ErrorCode::kInvalidRequest,
                                      "Neither topic name nor id were specified."));
        continue;
      }
      switch (t.name ? names.Next(*t.name) : ids.Next(t.topic_id)) {
        case KeyOccurrence::kOnly:
          resp.responses.push_back(DeleteOne(logs, t.name, t.topic_id));
          break;
        case KeyOccurrence::kFirst:
          resp.responses.push_back(
              t.name
                  ? Fail(t.name, Uuid::Zero(), ErrorCode::kInvalidRequest, "Duplicate topic name.")
                  : Fail(std::nullopt, t.topic_id, ErrorCode::kInvalidRequest,
                         "Duplicate topic id."));
          break;
        case KeyOccurrence::kRepeat: break;
      }
    }
    if (ctx.api_version() < 6) {
      // Before v6 the topic id is not on the wire; names are, and never null.
      for (auto& r : resp.responses) {
        if (!r.name) r.name = "";
      }
    }
    return resp;
  });
}

}  // namespace brook::broker
