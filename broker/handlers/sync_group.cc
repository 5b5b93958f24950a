// broker/handlers/sync_group.cc
//
// SyncGroup v0-5, delegated to the GroupCoordinator: the leader's assignments
// are handed to every member; followers wait for them. The assignment is
// always present (empty bytes when the member got nothing).
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<SyncGroupResponse> HandleSyncGroup(RequestContext& ctx, SyncGroupRequest req) {
  if (req.group_id.empty()) co_return SyncGroupResponse{.error_code = ErrorCode::kInvalidGroupId};
  co_return co_await ctx.broker().groups().SyncGroup(std::move(req), ctx.api_version());
}

}  // namespace brook::broker
