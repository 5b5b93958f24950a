// bench/protocol/crc32c_bench.cc
//
// CRC-32C throughput next to memcpy over the same buffers: 64 KiB (in cache)
// and 1 MiB (a large fetch or produce payload).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "bench/bench_util.h"
#include "protocol/base/crc32c.h"

namespace brook {
namespace {

std::string Buffer(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

void BM_Crc32c(benchmark::State& state) {
  const std::string data = Buffer(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    uint32_t crc = Crc32c(data);
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.counters["vs_memcpy"] =
      bench::RatioToMemcpy(data, [&] { benchmark::DoNotOptimize(Crc32c(data)); });
}
BENCHMARK(BM_Crc32c)->Arg(16 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_Crc32cPortable(benchmark::State& state) {
  const std::string data = Buffer(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    uint32_t crc = crc32c_internal::Portable(data, 0);
    benchmark::DoNotOptimize(crc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32cPortable)->Arg(64 << 10)->Arg(1 << 20);

void BM_Memcpy(benchmark::State& state) {
  const std::string data = Buffer(static_cast<size_t>(state.range(0)));
  std::string copy(data.size(), '\0');
  for (auto _ : state) {
    std::memcpy(copy.data(), data.data(), data.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Memcpy)->Arg(64 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace brook
