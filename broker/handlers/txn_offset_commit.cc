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
#include "broker/handlers/partition_errors.h"

namespace brook::broker {

asio::awaitable<TxnOffsetCommitResponse> HandleTxnOffsetCommit(RequestContext& ctx,
                                                               TxnOffsetCommitRequest req) {
  if (req.group_id.empty()) {
    co_return EveryPartitionFails<TxnOffsetCommitResponse>(req, ErrorCode::kInvalidGroupId);
  }
  co_return co_await ctx.broker().groups().TxnOffsetCommit(std::move(req), ctx.api_version());
}

}  // namespace brook::broker
