// broker/handlers/delete_groups.cc
//
// DeleteGroups v0-2: only groups without members; NON_EMPTY_GROUP otherwise,
// GROUP_ID_NOT_FOUND for unknown ones, INVALID_GROUP_ID for an empty id.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<DeleteGroupsResponse> HandleDeleteGroups(RequestContext& ctx,
                                                         DeleteGroupsRequest req) {
  DeleteGroupsResponse resp;
  resp.results = co_await ctx.broker().groups().DeleteGroups(std::move(req.groups_names));
  co_return resp;
}

}  // namespace brook::broker
