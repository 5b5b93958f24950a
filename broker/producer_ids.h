// broker/producer_ids.h
//
// Hands out producer ids (InitProducerId) that are unique across restarts:
// ids come from blocks reserved in the catalog
// (MetadataStore::AllocateProducerIdBlock), which syncs the next free id
// before a block is used, so a crash only skips the rest of a block. Kafka's
// ProducerIdManager does the same with blocks of 1000 from the controller.
#pragma once

#include <cstdint>
#include <mutex>

#include "protocol/base/status.h"

namespace brook::storage {
class MetadataStore;
}  // namespace brook::storage

namespace brook::broker {

// Thread-safe: next_id_ and block_end_ are guarded by mu_. The catalog must
// outlive the manager.
class ProducerIdManager {
 public:
  static constexpr int32_t kBlockSize = 1000;

  explicit ProducerIdManager(storage::MetadataStore& catalog) : catalog_(catalog) {}

  // A producer id never handed out before by this broker, in this run or an
  // earlier one. Once per kBlockSize ids this writes and syncs the catalog
  // (a blocking call; the broker has no blocking pool yet, so it runs on the
  // calling io thread). Errors: the catalog's.
  Result<int64_t> NextId();

 private:
  storage::MetadataStore& catalog_;
  std::mutex mu_;
  int64_t next_id_ = 0;    // guarded by mu_
  int64_t block_end_ = 0;  // guarded by mu_; one past the block's last id
};

}  // namespace brook::broker
