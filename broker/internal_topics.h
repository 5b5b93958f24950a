// broker/internal_topics.h
//
// The coordinators' internal topics (__consumer_offsets,
// __transaction_state): compacted, created on first use as Kafka does, with
// replication factor 1.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

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

}  // namespace brook::broker
