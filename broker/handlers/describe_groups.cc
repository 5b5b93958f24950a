// broker/handlers/describe_groups.cc
//
// DescribeGroups v0-5: state, protocol and members; metadata and assignments
// only while Stable. An unknown group is "Dead" without an error (GROUP_ID_NOT_FOUND
// comes with v6, which Brook does not serve); an empty id is INVALID_GROUP_ID.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<DescribeGroupsResponse> HandleDescribeGroups(RequestContext& ctx,
                                                             DescribeGroupsRequest req) {
  DescribeGroupsResponse resp;
  resp.groups = co_await ctx.broker().groups().DescribeGroups(
      std::move(req.groups), ctx.api_version() >= 3 && req.include_authorized_operations);
  co_return resp;
}

}  // namespace brook::broker
