// broker/handlers/list_groups.cc
//
// ListGroups v0-5: every classic group but dead ones; v4+ filter by state
// (case-insensitive), v5+ by type ("classic"; any other type lists nothing).
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<ListGroupsResponse> HandleListGroups(RequestContext& ctx, ListGroupsRequest req) {
  co_return co_await ctx.broker().groups().ListGroups(std::move(req));
}

}  // namespace brook::broker
