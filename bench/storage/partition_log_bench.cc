// bench/storage/partition_log_bench.cc
//
// PartitionLog on real files (PosixFileSystem, FlushPolicy::kOs, no fsync on
// the append path):
//   BM_PartitionLogAppend  idempotent producer batches through the whole leader
//                          path (CRC and record validation, producer checks,
//                          offset assignment); vs_write = its bandwidth next to
//                          plain write(2) of the same bytes in the same
//                          directory, measured in the same run. Target >= 0.8.
//   BM_PartitionLogAppendMemory  the same into the memory backend: the CPU
//                          cost of the leader path, with a memcpy as the write.
//   BM_PartitionLogRead    sequential reads of up to 1 MiB from a 64 MiB log;
//                          vs_pread = its bandwidth next to pread(2) of as many
//                          bytes from the segment file.
//   BM_Recovery            Open after a crash with no recovery point (every
//                          batch is scanned and replayed into producer state)
//                          of a 256 MiB log; s_per_GiB and bytes/second. The
//                          files are in the page cache: this is the CPU cost.
// The producer's part (stamping sequences and CRCs into fresh batches) is left
// out of the timings.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "bench/bench_util.h"
#include "protocol/base/crc32c.h"
#include "protocol/record_batch.h"
#include "storage/mem_file_system.h"
#include "storage/partition_log.h"
#include "storage/posix_file_system.h"
#include "storage/segment_name.h"

namespace brook::storage {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kDir[] = "t-0";
constexpr int64_t kT0 = 1700000000000;
constexpr int64_t kProducerId = 4242;
constexpr int kRecordsPerBatch = 16;
// The appended log is emptied (DeleteRecords, untimed) past this size, so the
// runs measure appends rather than a filling disk.
constexpr uint64_t kMaxLogBytes = 256 << 20;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class BenchDir {
 public:
  BenchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/brook-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror(("mkdtemp " + pattern).c_str());
      std::abort();
    }
    path_ = pattern;
  }
  ~BenchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void DieUnless(const Status& s) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  std::abort();
}

// One uncompressed batch of about `bytes` bytes, 16 records, from the
// idempotent producer kProducerId or from no producer.
enum class Producer { kIdempotent, kNone };
std::string Batch(size_t bytes, Producer producer) {
  const size_t value_bytes = (bytes - kRecordBatchHeaderSize) / kRecordsPerBatch - 8;
  std::vector<Record> records;
  for (int i = 0; i < kRecordsPerBatch; ++i) {
    Record r{.timestamp_delta = i, .offset_delta = i};
    r.value = std::string(value_bytes, static_cast<char>('a' + i));
    records.push_back(std::move(r));
  }
  RecordBatchHeader header{.base_timestamp = kT0};
  if (producer == Producer::kIdempotent) {
    header.producer_id = kProducerId;
    header.producer_epoch = 0;
    header.base_sequence = 0;
  }
  Result<std::string> batch = BuildRecordBatch(header, Compression::kNone, records);
  DieUnless(batch.status());
  return *batch;
}

// What a producer does to each new batch: the next base sequence, and the CRC
// over it.
void StampSequence(std::string& batch, int32_t sequence) {
  const auto u = static_cast<uint32_t>(sequence);
  char* p = batch.data() + RecordBatchLayout::kBaseSequence;
  p[0] = static_cast<char>(u >> 24);
  p[1] = static_cast<char>(u >> 16);
  p[2] = static_cast<char>(u >> 8);
  p[3] = static_cast<char>(u);
  const uint32_t crc = Crc32c(std::string_view(batch).substr(RecordBatchLayout::kAttributes));
  char* c = batch.data() + RecordBatchLayout::kCrc;
  c[0] = static_cast<char>(crc >> 24);
  c[1] = static_cast<char>(crc >> 16);
  c[2] = static_cast<char>(crc >> 8);
  c[3] = static_cast<char>(crc);
}

// Fresh batches of one idempotent producer with consecutive sequences, made
// ahead of the timed appends.
class BatchPool {
 public:
  explicit BatchPool(std::string batch, size_t size = 256)
      : template_(std::move(batch)), pool_(size), next_(size) {}  // used up: Refill first

  bool empty() const { return next_ == pool_.size(); }
  size_t left() const { return pool_.size() - next_; }
  // Restamps the whole pool, the batches not taken yet included.
  void Refill() {
    sequence_ -= static_cast<int32_t>(left()) * kRecordsPerBatch;
    for (std::string& b : pool_) {
      b = template_;
      StampSequence(b, sequence_);
      sequence_ += kRecordsPerBatch;
    }
    next_ = 0;
  }
  // REQUIRES: !empty().
  std::string Take() { return std::move(pool_[next_++]); }
  const std::string& batch() const { return template_; }

 private:
  std::string template_;
  std::vector<std::string> pool_;
  size_t next_;
  int32_t sequence_ = 0;
};

std::unique_ptr<PartitionLog> OpenOrDie(FileSystem& fs, LogConfig config) {
  Result<std::unique_ptr<PartitionLog>> log =
      PartitionLog::Open(fs, kDir, config, LogStart{}, [] { return kT0; });
  DieUnless(log.status());
  return std::move(log).value();
}

LogConfig BenchConfig() {
  LogConfig config;
  config.flush_policy = FlushPolicy::kOs;
  config.retention_ms = -1;
  return config;
}

void AppendOrDie(PartitionLog& log, std::string batch) {
  Result<AppendResult> r = log.Append(std::move(batch), /*leader_epoch=*/0);
  DieUnless(r.status());
  if (r->duplicate) std::abort();
}

// Keeps the log under kMaxLogBytes and the pool filled; untimed.
void Replenish(PartitionLog& log, BatchPool& pool, size_t need) {
  if (log.size_bytes() >= kMaxLogBytes) DieUnless(log.DeleteRecordsBefore(log.high_watermark()));
  if (pool.left() < need) pool.Refill();
}

// The timed loop of the append benchmarks: one pooled batch per iteration,
// the pool refilled and the log emptied outside the timing.
void TimeAppends(benchmark::State& state, PartitionLog& log, BatchPool& pool) {
  for (auto _ : state) {
    if (pool.empty()) {
      state.PauseTiming();
      Replenish(log, pool, 1);
      state.ResumeTiming();
    }
    Result<AppendResult> r = log.Append(pool.Take(), /*leader_epoch=*/0);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(pool.batch().size()));
}

void BM_PartitionLogAppend(benchmark::State& state) {
  BenchDir dir;
  PosixFileSystem fs(dir.path());
  std::unique_ptr<PartitionLog> log = OpenOrDie(fs, BenchConfig());
  BatchPool pool(Batch(static_cast<size_t>(state.range(0)), Producer::kIdempotent));
  TimeAppends(state, *log, pool);
  const std::string& batch = pool.batch();
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
  state.counters["vs_write"] = bench::RatioToWrite(dir.path(), batch, [&](int n) {
    Replenish(*log, pool, static_cast<size_t>(n));
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < n; ++i) AppendOrDie(*log, pool.Take());
    return std::chrono::duration<double>(Clock::now() - start).count();
  });
  DieUnless(log->Close());
}
BENCHMARK(BM_PartitionLogAppend)->Arg(1 << 10)->Arg(16 << 10);

// The same appends into the memory backend: the CPU cost of the leader path
// (validation, producer checks, offset assignment, index) with a memcpy for
// the write.
void BM_PartitionLogAppendMemory(benchmark::State& state) {
  MemFileSystem fs;
  std::unique_ptr<PartitionLog> log = OpenOrDie(fs, BenchConfig());
  BatchPool pool(Batch(static_cast<size_t>(state.range(0)), Producer::kIdempotent));
  TimeAppends(state, *log, pool);
  DieUnless(log->Close());
}
BENCHMARK(BM_PartitionLogAppendMemory)->Arg(1 << 10)->Arg(16 << 10);

// Best bytes/second of `fn`, which returns the bytes it processed, over
// `rounds` runs of about 40 ms.
template <typename Fn>
double BestBytesPerSecond(Fn&& fn, int rounds) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    int64_t bytes = 0;
    const Clock::time_point start = Clock::now();
    Clock::time_point now = start;
    while (now - start < std::chrono::milliseconds(40)) {
      bytes += static_cast<int64_t>(fn());
      now = Clock::now();
    }
    best = std::max(
        best, static_cast<double>(bytes) / std::chrono::duration<double>(now - start).count());
  }
  return best;
}

// The offset after the last whole batch of `records`.
int64_t NextOffsetAfter(const std::string& records) {
  int64_t next = -1;
  for (size_t pos = 0; pos + kRecordBatchHeaderSize <= records.size();) {
    RecordBatchHeader h = ReadRecordBatchHeader(std::string_view(records).substr(pos));
    next = h.next_offset();
    pos += h.size_in_bytes();
  }
  return next;
}

// 64 MiB of 1 KiB batches read front to back, again and again, up to
// max_bytes (1 MiB) per Read, as a consumer fetches.
void BM_PartitionLogRead(benchmark::State& state) {
  BenchDir dir;
  PosixFileSystem fs(dir.path());
  std::unique_ptr<PartitionLog> log = OpenOrDie(fs, BenchConfig());
  const std::string batch = Batch(1 << 10, Producer::kNone);
  while (log->size_bytes() < (64u << 20)) AppendOrDie(*log, batch);
  const size_t max_bytes = static_cast<size_t>(state.range(0));
  const int64_t end = log->high_watermark();

  int64_t offset = 0;
  auto read_once = [&]() -> size_t {
    Result<ReadResult> r = log->Read(offset, max_bytes, IsolationLevel::kReadUncommitted);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      std::abort();
    }
    benchmark::DoNotOptimize(r->records.data());
    offset = NextOffsetAfter(r->records);
    if (offset >= end) offset = 0;
    return r->records.size();
  };
  int64_t bytes = 0;
  for (auto _ : state) bytes += static_cast<int64_t>(read_once());
  state.SetBytesProcessed(bytes);

  // The reference: pread(2) of max_bytes at a time, front to back, from the
  // segment file itself.
  const std::string path = dir.path() + "/" + SegmentFilePath(kDir, 0, SegmentFileType::kLog);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  const auto file_size = static_cast<off_t>(log->size_bytes());
  std::string buffer(max_bytes, '\0');
  off_t position = 0;
  auto pread_once = [&]() -> size_t {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), position);
    if (n <= 0) std::abort();
    benchmark::DoNotOptimize(buffer.data());
    position += n;
    if (position >= file_size) position = 0;
    return static_cast<size_t>(n);
  };
  double subject = 0;
  double reference = 0;
  for (int i = 0; i < 3; ++i) {
    subject = std::max(subject, BestBytesPerSecond(read_once, 2));
    reference = std::max(reference, BestBytesPerSecond(pread_once, 2));
  }
  ::close(fd);
  state.counters["vs_pread"] = subject / reference;
  DieUnless(log->Close());
}
BENCHMARK(BM_PartitionLogRead)->Arg(1 << 20);

// A 256 MiB log of idempotent batches left without Close (no snapshot, not
// synced), then opened with recovery point 0: every batch is read, checked
// and replayed into producer state.
void BM_Recovery(benchmark::State& state) {
  BenchDir dir;
  PosixFileSystem fs(dir.path());
  uint64_t log_bytes = 0;
  {
    std::unique_ptr<PartitionLog> log = OpenOrDie(fs, BenchConfig());
    BatchPool pool(Batch(static_cast<size_t>(state.range(0)), Producer::kIdempotent));
    while (log->size_bytes() < (256u << 20)) {
      if (pool.empty()) pool.Refill();
      AppendOrDie(*log, pool.Take());
    }
    log_bytes = log->size_bytes();
    // Dropped without Close: a crash, as far as the next Open can tell.
  }
  double seconds = 0;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    std::unique_ptr<PartitionLog> log = OpenOrDie(fs, BenchConfig());
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    if (log->size_bytes() != log_bytes) {
      state.SkipWithError("recovery lost data");
      break;
    }
    state.PauseTiming();
    log.reset();  // again without Close, so that the next Open scans everything
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(log_bytes));
  state.counters["log_MiB"] = static_cast<double>(log_bytes) / (1 << 20);
  state.counters["s_per_GiB"] = seconds / static_cast<double>(state.iterations()) /
                                (static_cast<double>(log_bytes) / (1 << 30));
}
BENCHMARK(BM_Recovery)
    ->Arg(1 << 10)
    ->Arg(16 << 10)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace brook::storage
