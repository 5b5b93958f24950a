// broker/handlers/describe_producers.cc
//
// DescribeProducers v0: the idempotent and transactional producers each
// partition's log knows (storage/producer_state.h), with their open
// transaction's first offset; UNKNOWN_TOPIC_OR_PARTITION for a partition that
// does not exist.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {

asio::awaitable<DescribeProducersResponse> HandleDescribeProducers(RequestContext& ctx,
                                                                   DescribeProducersRequest req) {
  DescribeProducersResponse resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.name = topic.name;
    for (int32_t p : topic.partition_indexes) {
      auto& r = t.partitions.emplace_back();
      r.partition_index = p;
      std::shared_ptr<storage::PartitionLog> log = ctx.broker().logs().Partition(topic.name, p);
      if (log == nullptr) {
        r.error_code = ErrorCode::kUnknownTopicOrPartition;
        continue;
      }
      for (const storage::ProducerDescription& d : log->DescribeProducers()) {
        r.active_producers.push_back({.producer_id = d.producer_id,
                                      .producer_epoch = d.producer_epoch,
                                      .last_sequence = d.last_sequence,
                                      .last_timestamp = d.last_timestamp,
                                      .coordinator_epoch = d.coordinator_epoch,
                                      .current_txn_start_offset = d.current_txn_start_offset});
      }
    }
  }
  co_return resp;
}

}  // namespace brook::broker
