// broker/handlers/txn_offset_commit.cc
//
// TxnOffsetCommit v0-4, delegated to the GroupCoordinator: a transactional
// producer's consumed offsets, appended to __consumer_offsets in its
// transaction and pending (invisible to OffsetFetch) until the transaction's
// marker. Errors as Kafka's: INVALID_GROUP_ID, COORDINATOR_LOAD_IN_PROGRESS,
// COORDINATOR_NOT_AVAILABLE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and
// FENCED_INSTANCE_ID (v3+ member fields), UNKNOWN_TOPIC_OR_PARTITION,
// OFFSET_METADATA_TOO_LARGE per partition, then the transaction check:
// INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING, INVALID_TXN_STATE
// (TRANSACTION_ABORTABLE from v4).
#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<TxnOffsetCommitResponse> HandleTxnOffsetCommit(RequestContext& ctx,
                                                               TxnOffsetCommitRequest req) {
  if (req.group_id.empty()) {
    TxnOffsetCommitResponse resp;
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
  co_return co_await ctx.broker().groups().TxnOffsetCommit(std::move(req), ctx.api_version());
}

}  // namespace brook::broker
