// broker/handlers/offset_fetch.cc
//
// OffsetFetch v1-9: committed offsets, -1 where there is none, every committed
// partition when topics is null (v2+). v8+ asks for several groups at once;
// v1-7 ask for one and get the v8 answer reshaped. require_stable (v7+): a
// partition with transactional offsets still pending answers
// UNSTABLE_OFFSET_COMMIT with offset -1 (per partition, as Kafka; the client
// retries); without it the committed offset is returned. v9's member id and
// epoch matter only to KIP-848 groups: ignored.
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<OffsetFetchResponse> HandleOffsetFetch(RequestContext& ctx,
                                                       OffsetFetchRequest req) {
  GroupCoordinator& groups = ctx.broker().groups();
  OffsetFetchResponse resp;
  const RequireStable require_stable =
      ctx.api_version() >= 7 && req.require_stable ? RequireStable::kYes : RequireStable::kNo;
  if (ctx.api_version() >= 8) {
    for (auto& wanted : req.groups) {
      if (wanted.group_id.empty()) {
        resp.groups.push_back({.group_id = "", .error_code = ErrorCode::kInvalidGroupId});
        continue;
      }
      resp.groups.push_back(co_await groups.FetchOffsets(std::move(wanted), require_stable));
    }
    co_return resp;
  }
  if (req.group_id.empty()) {
    resp.error_code = ErrorCode::kInvalidGroupId;
    co_return resp;
  }
  OffsetFetchRequest::OffsetFetchRequestGroup one;
  one.group_id = std::move(req.group_id);
  if (req.topics) {
    one.topics.emplace();
    for (auto& t : *req.topics) {
      one.topics->push_back(
          {.name = std::move(t.name), .partition_indexes = std::move(t.partition_indexes)});
    }
  } else {
    one.topics = std::nullopt;
  }
  OffsetFetchResponse::OffsetFetchResponseGroup answer =
      co_await groups.FetchOffsets(std::move(one), require_stable);
  resp.error_code = answer.error_code;
  for (auto& t : answer.topics) {
    auto& out = resp.topics.emplace_back();
    out.name = std::move(t.name);
    for (auto& p : t.partitions) {
      out.partitions.push_back({.partition_index = p.partition_index,
                                .committed_offset = p.committed_offset,
                                .committed_leader_epoch = p.committed_leader_epoch,
                                .metadata = std::move(p.metadata),
                                .error_code = p.error_code});
    }
  }
  co_return resp;
}

}  // namespace brook::broker
