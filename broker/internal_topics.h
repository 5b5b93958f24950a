// broker/internal_topics.h
//
// The coordinators' internal topics (__consumer_offsets,
// __transaction_state): compacted, created on first use as Kafka does, with
// replication factor 1.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "protocol/base/status.h"
#include "protocol/record_batch.h"

namespace brook::storage {
class LogManager;
class PartitionLog;
}  // namespace brook::storage

namespace brook::broker {

// The partition of an internal topic, creating the topic with `partitions`
// partitions (cleanup.policy=compact) when it does not exist yet. nullptr when
// it cannot be created (logged) or has fewer partitions.
std::shared_ptr<storage::PartitionLog> InternalTopicPartition(storage::LogManager& logs,
                                                              std::string_view topic,
                                                              int32_t partitions,
                                                              int32_t partition);

// The partition count of an existing internal topic, else `configured`.
int32_t InternalTopicPartitions(const storage::LogManager& logs, std::string_view topic,
                                int32_t configured);

// Reads every batch (control batches too) of every partition of `topic`, in
// offset order, from the log start to the high watermark, and hands each to
// `fn`; stops early when `stop` (if given) becomes true or fn fails. A topic
// that does not exist reads as empty. Errors: the log's, fn's.
Status ForEachInternalBatch(
    const storage::LogManager& logs, std::string_view topic, const std::atomic<bool>* stop,
    const std::function<Status(int32_t partition, const RecordBatchView& batch)>& fn);

}  // namespace brook::broker
