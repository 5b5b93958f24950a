// broker/producer_ids.cc
#include "broker/producer_ids.h"

#include "storage/metadata_store.h"

namespace brook::broker {

Result<int64_t> ProducerIdManager::NextId() {
  std::lock_guard lock(mu_);
  if (next_id_ >= block_end_) {
    Result<int64_t> first = catalog_.AllocateProducerIdBlock(kBlockSize);
    if (!first.ok()) return first.status();
    next_id_ = *first;
    block_end_ = *first + kBlockSize;
  }
  return next_id_++;
}

}  // namespace brook::broker
