// broker/handlers/offset_commit.cc
//
// OffsetCommit v2-9 for classic groups, delegated to the GroupCoordinator:
// members commit with their generation (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID as Kafka); generation -1 with no
// member id commits for a group without members. retention_time_ms (v2-4) is
// ignored: offsets do not expire. Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION;
// metadata above 4096 bytes: OFFSET_METADATA_TOO_LARGE.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"
#include "broker/handlers/partition_errors.h"

namespace brook::broker {

asio::awaitable<OffsetCommitResponse> HandleOffsetCommit(RequestContext& ctx,
                                                         OffsetCommitRequest req) {
  if (req.group_id.empty()) {
    co_return EveryPartitionFails<OffsetCommitResponse>(req, ErrorCode::kInvalidGroupId);
  }
  co_return co_await ctx.broker().groups().OffsetCommit(std::move(req), ctx.api_version());
}

}  // namespace brook::broker
