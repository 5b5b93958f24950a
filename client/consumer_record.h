// client/consumer_record.h
//
// What a consumer's poll() returns (ConsumerRecord), and the partition and
// offset types the consumer's API speaks (TopicPartition,
// OffsetAndMetadata).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/topic_partition.h"
#include "protocol/record.h"
#include "protocol/record_batch.h"

namespace brook::client {

struct ConsumerRecord {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = kNoTimestamp;  // ms since the epoch
  TimestampType timestamp_type = TimestampType::kCreateTime;
  std::optional<std::string> key;    // nullopt: a null key
  std::optional<std::string> value;  // nullopt: a null value (a tombstone)
  std::vector<RecordHeader> headers;
  int32_t leader_epoch = -1;  // the batch's partition leader epoch; -1: unknown

  bool operator==(const ConsumerRecord&) const = default;
};

}  // namespace brook::client
