// broker/handlers/leave_group.cc
//
// LeaveGroup v0-5. v0-2 name one member and carry its outcome in the
// top-level error; v3+ list members (by member id and/or group instance id)
// and report each.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<LeaveGroupResponse> HandleLeaveGroup(RequestContext& ctx, LeaveGroupRequest req) {
  LeaveGroupResponse resp;
  if (req.group_id.empty()) {
    resp.error_code = ErrorCode::kInvalidGroupId;
    co_return resp;
  }
  const bool batch = ctx.api_version() >= 3;
  std::vector<LeaveGroupRequest::MemberIdentity> members = std::move(req.members);
  if (!batch) members = {{.member_id = req.member_id}};
  std::vector<LeaveGroupResponse::MemberResponse> results =
      co_await ctx.broker().groups().LeaveGroup(std::move(req.group_id), std::move(members));
  if (batch) {
    resp.members = std::move(results);
  } else if (!results.empty()) {
    resp.error_code = results.front().error_code;
  }
  co_return resp;
}

}  // namespace brook::broker
