// broker/handlers/join_group.cc
//
// JoinGroup v0-9, delegated to the GroupCoordinator (which parks the request
// until the rebalance completes). An empty group id is INVALID_GROUP_ID.
// client_host is the peer's address as Kafka shows it ("/127.0.0.1").
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {
namespace {

std::string ClientHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

}  // namespace

asio::awaitable<JoinGroupResponse> HandleJoinGroup(RequestContext& ctx, JoinGroupRequest req) {
  if (req.group_id.empty()) {
    JoinGroupResponse resp;
    resp.error_code = ErrorCode::kInvalidGroupId;
    resp.member_id = req.member_id;
    resp.protocol_name = std::nullopt;
    co_return resp;
  }
  std::string client_id = ctx.header().client_id.value_or("");
  co_return co_await ctx.broker().groups().JoinGroup(std::move(req), ctx.api_version(),
                                                     std::move(client_id), ClientHost(ctx.peer()));
}

}  // namespace brook::broker
