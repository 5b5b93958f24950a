// broker/handlers/offset_delete.cc
//
// OffsetDelete v0: GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for
// a non-consumer group with members, GROUP_SUBSCRIBED_TO_TOPIC for partitions
// of topics a consumer group's members subscribe to, UNKNOWN_TOPIC_OR_PARTITION
// for partitions that do not exist.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<OffsetDeleteResponse> HandleOffsetDelete(RequestContext& ctx,
                                                         OffsetDeleteRequest req) {
  if (req.group_id.empty())
    co_return OffsetDeleteResponse{.error_code = ErrorCode::kInvalidGroupId};
  co_return co_await ctx.broker().groups().OffsetDelete(std::move(req));
}

}  // namespace brook::broker
