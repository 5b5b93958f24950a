// client/topic_partition.h
//
// The small value types the producer, the consumer and the admin client
// share: a partition of a topic, and a position to commit for it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace brook::client {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// A committed (or to-be-committed) position: the offset of the next record
// to read, with the leader epoch of the record before it (-1: unknown).
struct OffsetAndMetadata {
  int64_t offset = -1;
  std::string metadata;
  int32_t leader_epoch = -1;

  bool operator==(const OffsetAndMetadata&) const = default;
};

}  // namespace brook::client
