// broker/handlers/find_coordinator.cc
//
// FindCoordinator v0-6: this node coordinates every group and every
// transactional id. key_type 0 (group) and 1 (transaction) answer this node;
// anything else (2, share groups, and unknown types) is INVALID_REQUEST, as
// Kafka without share groups. v4+ answers each of coordinator_keys.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {
namespace {

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;

ErrorCode KeyTypeError(int8_t key_type) {
  if (key_type == kGroupKey || key_type == kTransactionKey) return ErrorCode::kNone;
  return ErrorCode::kInvalidRequest;
}

}  // namespace

asio::awaitable<FindCoordinatorResponse> HandleFindCoordinator(RequestContext& ctx,
                                                               FindCoordinatorRequest req) {
  Broker& broker = ctx.broker();
  const ErrorCode error = KeyTypeError(req.key_type);
  const int32_t node_id = error == ErrorCode::kNone ? broker.config().node_id : -1;
  const std::string host = error == ErrorCode::kNone ? broker.advertised_host() : "";
  const int32_t port = error == ErrorCode::kNone ? broker.advertised_port() : -1;
  std::optional<std::string> message;
  if (error != ErrorCode::kNone) message = std::string(ErrorName(error));
  FindCoordinatorResponse resp;
  if (ctx.api_version() >= 4) {
    for (const std::string& key : req.coordinator_keys) {
      resp.coordinators.push_back({.key = key,
                                   .node_id = node_id,
                                   .host = host,
                                   .port = port,
                                   .error_code = error,
                                   .error_message = message});
    }
    co_return resp;
  }
  resp.error_code = error;
  resp.error_message = message;
  resp.node_id = node_id;
  resp.host = host;
  resp.port = port;
  co_return resp;
}

}  // namespace brook::broker
