// broker/handlers/heartbeat.cc
//
// Heartbeat v0-4: REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID
// and FENCED_INSTANCE_ID as Kafka's GroupCoordinator answers them.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<HeartbeatResponse> HandleHeartbeat(RequestContext& ctx, HeartbeatRequest req) {
  if (req.group_id.empty()) co_return HeartbeatResponse{.error_code = ErrorCode::kInvalidGroupId};
  HeartbeatResponse resp;
  resp.error_code = co_await ctx.broker().groups().Heartbeat(std::move(req));
  co_return resp;
}

}  // namespace brook::broker
