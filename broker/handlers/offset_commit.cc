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

namespace brook::broker {

asio::awaitable<OffsetCommitResponse> HandleOffsetCommit(RequestContext& ctx,
                                                         OffsetCommitRequest req) {
  if (req.group_id.empty()) {
    OffsetCommitResponse resp;
    for (const auto& topic : req.topics) {
      auto& t = resp.topics.emplace_back();
      t.name = topic.name;
      for (const auto& p : topic.partitions) {
        t.partitions.push_back(
            {.partition_index = p.partition_index, .error_code = ErrorCode::kInvalidGroupId});
      }
    }
    co_return resp;
  }
  co_return co_await ctx.broker().groups().OffsetCommit(std::move(req), ctx.api_version());
}

}  // namespace brook::broker
