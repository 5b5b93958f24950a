// bench/bench_util.h
//
// Ratios against a reference measured in the same run: the machines are
// shared and noisy, so figures are compared with a baseline taken back to
// back with them rather than with absolute numbers.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

namespace brook::bench {

// Best calls/second of `fn` over `rounds` runs of about `per_round` each.
template <typename Fn>
double BestCallsPerSecond(Fn&& fn, int rounds = 5,
                          std::chrono::milliseconds per_round = std::chrono::milliseconds(40)) {
  using Clock = std::chrono::steady_clock;
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    int64_t calls = 0;
    const Clock::time_point start = Clock::now();
    Clock::time_point now = start;
    while (now - start < per_round) {
      fn();
      ++calls;
      now = Clock::now();
    }
    double seconds = std::chrono::duration<double>(now - start).count();
    best = std::max(best, static_cast<double>(calls) / seconds);
  }
  return best;
}

// How fast `fn`, which processes all of `buffer`, runs next to a memcpy of
// `buffer`: 1.0 means memcpy speed. Alternates the two to share the noise.
template <typename Fn>
double RatioToMemcpy(const std::string& buffer, Fn&& fn) {
  std::string copy(buffer.size(), '\0');
  auto memcpy_once = [&] {
    std::memcpy(copy.data(), buffer.data(), buffer.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  };
  double subject = 0;
  double reference = 0;
  for (int i = 0; i < 3; ++i) {
    subject = std::max(subject, BestCallsPerSecond(fn, 2));
    reference = std::max(reference, BestCallsPerSecond(memcpy_once, 2));
  }
  return subject / reference;
}

}  // namespace brook::bench
