// broker/handlers/add_offsets_to_txn.cc
//
// AddOffsetsToTxn v0-4: adds the group's __consumer_offsets partition (Kafka's
// partition for the group id; the topic is created on first use) to the
// producer's transaction, so that TxnOffsetCommit may write there and the
// transaction's markers reach it. Errors as AddPartitionsToTxn
// (PRODUCER_FENCED from v2, before that INVALID_PRODUCER_EPOCH).
#include "broker/broker.h"
#include "broker/group_records.h"
#include "broker/handlers/handlers.h"
#include "broker/internal_topics.h"
#include "broker/txn_coordinator.h"
#include "storage/log_manager.h"

namespace brook::broker {

asio::awaitable<AddOffsetsToTxnResponse> HandleAddOffsetsToTxn(RequestContext& ctx,
                                                               AddOffsetsToTxnRequest req) {
  AddOffsetsToTxnResponse resp;
  storage::LogManager& logs = ctx.broker().logs();
  const int32_t partitions = InternalTopicPartitions(logs, kOffsetsTopic, kOffsetsTopicPartitions);
  const int32_t partition = OffsetsPartitionFor(req.group_id, partitions);
  if (InternalTopicPartition(logs, kOffsetsTopic, partitions, partition) == nullptr) {
    resp.error_code = ErrorCode::kCoordinatorNotAvailable;
    co_return resp;
  }
  resp.error_code = FencedForVersion(ctx.broker().transactions().AddPartitions(
                                         req.transactional_id, req.producer_id, req.producer_epoch,
                                         {{std::string(kOffsetsTopic), partition}}),
                                     ctx.api_version(), 2);
  co_return resp;
}

}  // namespace brook::broker
