// bench/bench_util.h
//
// Ratios against a reference measured in the same run: the machines are
// shared and noisy, so figures are compared with a baseline taken back to
// back with them rather than with absolute numbers.
#pragma once

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// Best calls/second of `timed(n)`, which makes n calls and returns the seconds
// they took (so that it can leave out set-up between calls), over `rounds`
// runs of about `per_round` of measured time each.
template <typename Fn>
double BestTimedCallsPerSecond(
    Fn&& timed, int rounds = 5,
    std::chrono::milliseconds per_round = std::chrono::milliseconds(40)) {
  constexpr int kCallsPerChunk = 64;
  const double round_seconds = std::chrono::duration<double>(per_round).count();
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    int64_t calls = 0;
    double seconds = 0;
    while (seconds < round_seconds) {
      seconds += timed(kCallsPerChunk);
      calls += kCallsPerChunk;
    }
    best = std::max(best, static_cast<double>(calls) / seconds);
  }
  return best;
}

// How fast `timed_appends(n)`, which appends `buffer` n times to a file of its
// own in `dir` and returns the seconds the appends took, runs next to write(2)
// of `buffer` appended to a fresh file in the same directory: 1.0 means plain
// write speed. Alternates the two to share the noise; the reference file is
// truncated between rounds and removed at the end.
template <typename Fn>
double RatioToWrite(const std::string& dir, const std::string& buffer, Fn&& timed_appends) {
  using Clock = std::chrono::steady_clock;
  const std::string path = dir + "/ratio-to-write.reference";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  auto write_n = [&](int n) {
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < n; ++i) {
      for (size_t done = 0; done < buffer.size();) {
        const ssize_t w = ::write(fd, buffer.data() + done, buffer.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) std::abort();
        done += static_cast<size_t>(w);
      }
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  double subject = 0;
  double reference = 0;
  for (int i = 0; i < 3; ++i) {
    subject = std::max(subject, BestTimedCallsPerSecond(timed_appends, 2));
    reference = std::max(reference, BestTimedCallsPerSecond(write_n, 2));
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) std::abort();
  }
  ::close(fd);
  ::unlink(path.c_str());
  return subject / reference;
}

}  // namespace brook::bench
