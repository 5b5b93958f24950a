// broker/handlers/add_partitions_to_txn.cc
//
// AddPartitionsToTxn v0-3 (the client's form), as Kafka's
// KafkaApis.handleAddPartitionsToTxnRequest: when any partition does not
// exist, those answer UNKNOWN_TOPIC_OR_PARTITION, the others
// OPERATION_NOT_ATTEMPTED, and nothing is added; otherwise the coordinator's
// answer goes to every partition (PRODUCER_FENCED from v2, before that
// INVALID_PRODUCER_EPOCH).
//
// Not supported: v4+ (batches of transactions and verify_only, sent between
// brokers), outside the protocol table.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"
#include "storage/log_manager.h"

namespace brook::broker {

asio::awaitable<AddPartitionsToTxnResponse> HandleAddPartitionsToTxn(
    RequestContext& ctx, AddPartitionsToTxnRequest req) {
  std::vector<TopicPartition> partitions;
  bool any_unknown = false;
  for (const auto& topic : req.topics) {
    for (int32_t p : topic.partitions) {
      partitions.emplace_back(topic.name, p);
      any_unknown = any_unknown || ctx.broker().logs().Partition(topic.name, p) == nullptr;
    }
  }
  ErrorCode error = ErrorCode::kNone;
  if (!any_unknown) {
    error =
        FencedForVersion(ctx.broker().transactions().AddPartitions(
                             req.transactional_id, req.producer_id, req.producer_epoch, partitions),
                         ctx.api_version(), 2);
  }
  AddPartitionsToTxnResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.results_by_topic.emplace_back();
    t.name = topic.name;
    for (int32_t p : topic.partitions) {
      ErrorCode e = error;
      if (any_unknown) {
        e = ctx.broker().logs().Partition(topic.name, p) == nullptr
                ? ErrorCode::kUnknownTopicOrPartition
                : ErrorCode::kOperationNotAttempted;
      }
      t.results_by_partition.push_back({.partition_index = p, .partition_error_code = e});
    }
  }
  co_return resp;
}

}  // namespace brook::broker
