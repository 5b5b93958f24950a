// client/partitioner.cc
#include "client/partitioner.h"

namespace brook::client {

int32_t Murmur2(std::string_view data) {
  // Java's int arithmetic: unsigned here so that overflow wraps as in Java,
  // and >>> is a logical shift of the unsigned value.
  const uint32_t length = static_cast<uint32_t>(data.size());
  const uint32_t seed = 0x9747b28c;
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  uint32_t h = seed ^ length;
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(data[i])); };
  const size_t length4 = data.size() / 4;
  for (size_t i = 0; i < length4; ++i) {
    const size_t i4 = i * 4;
    uint32_t k = byte(i4) + (byte(i4 + 1) << 8) + (byte(i4 + 2) << 16) + (byte(i4 + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = data.size() & ~size_t{3};
  switch (data.size() % 4) {
    case 3: h ^= byte(tail + 2) << 16; [[fallthrough]];
    case 2: h ^= byte(tail + 1) << 8; [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
      break;
    default: break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t StickyPartitioner::Partition(const std::string& topic, int32_t partition_count,
                                     size_t record_bytes) {
  auto it = sticky_.find(topic);
  if (it == sticky_.end()) it = sticky_.emplace(topic, Sticky{}).first;
  Sticky& s = it->second;
  if (s.partition < 0 || s.partition >= partition_count || s.produced_bytes >= batch_size_) {
    int32_t previous = s.partition;
    std::uniform_int_distribution<int32_t> pick(0, partition_count - 1);
    int32_t next = pick(rng_);
    if (partition_count > 1 && next == previous) next = (next + 1) % partition_count;
    s.partition = next;
    s.produced_bytes = 0;
  }
  s.produced_bytes += static_cast<int64_t>(record_bytes);
  return s.partition;
}

}  // namespace brook::client
