// client/producer_record.h
//
// What a producer sends and what it learns back, and the callback type of
// send(): ProducerRecord, RecordMetadata, SendCallback.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/client_error.h"
#include "protocol/record.h"

namespace brook::client {

struct ProducerRecord {
  std::string topic;
  std::optional<int32_t> partition;  // nullopt: the partitioner picks one
  std::optional<std::string> key;    // nullopt: a null key (sticky partitioning)
  std::optional<std::string> value;  // nullopt: a null value (a tombstone)
  std::vector<RecordHeader> headers;
  std::optional<int64_t> timestamp;  // ms since the epoch; nullopt: now
};

// Where an acknowledged record landed.
struct RecordMetadata {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;     // -1 with acks=0
  int64_t timestamp = -1;  // CreateTime, or the broker's LogAppendTime
  int32_t serialized_key_size = -1;
  int32_t serialized_value_size = -1;
};

// Called once per record, on the producer's io thread: `error` is null on
// success. It must not block (later records wait for it).
using SendCallback = std::function<void(const RecordMetadata& metadata, const ClientError* error)>;

}  // namespace brook::client
