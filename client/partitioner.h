// client/partitioner.h
//
// The Java client's default partitioner (BuiltInPartitioner, Kafka 3.3+):
//   keyed record    toPositive(murmur2(key)) % partition count, over every
//                   partition, bit-exact with Java's Utils.murmur2/toPositive
//                   and librdkafka's murmur2_random partitioner;
//   keyless record  sticky (KIP-480/KIP-794): every record goes to one
//                   partition until batch.size bytes have gone there, then a
//                   new partition is picked at random (another one when
//                   there is a choice).
// An explicit partition in the record overrides both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace brook::client {

// Java's Utils.murmur2: MurmurHash2, seed 0x9747b28c, as a signed int32.
int32_t Murmur2(std::string_view data);
// Java's Utils.toPositive: clears the sign bit (not abs).
inline int32_t ToPositive(int32_t n) { return n & 0x7fffffff; }
// The partition of a keyed record. REQUIRES: partition_count > 0.
inline int32_t KeyPartition(std::string_view key, int32_t partition_count) {
  return ToPositive(Murmur2(key)) % partition_count;
}

// Sticky partition choice for keyless records. Not thread-safe: the
// RecordAccumulator holds it under its mutex.
class StickyPartitioner {
 public:
  explicit StickyPartitioner(int32_t batch_size, uint64_t seed = std::random_device{}())
      : batch_size_(batch_size), rng_(seed) {}

  // The partition for a keyless record of `record_bytes` to `topic`, and
  // accounts the bytes to it. REQUIRES: partition_count > 0.
  int32_t Partition(const std::string& topic, int32_t partition_count, size_t record_bytes);

 private:
  struct Sticky {
    int32_t partition = -1;
    int64_t produced_bytes = 0;
  };
  int32_t batch_size_;
  std::mt19937_64 rng_;
  std::map<std::string, Sticky, std::less<>> sticky_;
};

}  // namespace brook::client
