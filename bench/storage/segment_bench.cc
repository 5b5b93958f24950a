// bench/storage/segment_bench.cc
//
// Segment::Append next to plain write(2) of the same batches to a file in the
// same directory (the gap is what the segment adds: offset bookkeeping and the
// indexes), both on real files without fsync; and Segment::Read of whole
// batches from random offsets, copied out as a fetch without sendfile would.
// The target is Append at >= 80% of the plain write bandwidth.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/record_batch.h"
#include "storage/posix_file_system.h"
#include "storage/segment.h"

namespace brook::storage {
namespace {

// Each file is restarted after this many bytes, so the runs measure appends
// rather than a filling disk.
constexpr uint64_t kRollBytes = 256 << 20;
constexpr char kDir[] = "t-0";

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

// One uncompressed batch of about `bytes` bytes: 16 records with equal values.
std::string Batch(size_t bytes) {
  constexpr int kRecords = 16;
  const size_t value_bytes = (bytes - kRecordBatchHeaderSize) / kRecords - 8;
  std::vector<Record> records;
  for (int i = 0; i < kRecords; ++i) {
    Record r{.timestamp_delta = i, .offset_delta = i};
    r.value = std::string(value_bytes, static_cast<char>('a' + i));
    records.push_back(std::move(r));
  }
  RecordBatchHeader header{.base_timestamp = 1700000000000};
  Result<std::string> batch = BuildRecordBatch(header, Compression::kNone, records);
  if (!batch.ok()) std::abort();
  return *batch;
}

std::unique_ptr<Segment> CreateOrDie(FileSystem& fs, int64_t base_offset) {
  Result<std::unique_ptr<Segment>> segment = Segment::Create(fs, kDir, base_offset);
  if (!segment.ok()) {
    std::fprintf(stderr, "%s\n", segment.status().ToString().c_str());
    std::abort();
  }
  return std::move(*segment);
}

void BM_SegmentAppend(benchmark::State& state) {
  BenchDir dir;
  PosixFileSystem fs(dir.path());
  if (!fs.CreateDirs(kDir).ok()) std::abort();
  std::string batch = Batch(static_cast<size_t>(state.range(0)));
  RecordBatchHeader header = ReadRecordBatchHeader(batch);
  std::unique_ptr<Segment> segment = CreateOrDie(fs, 0);
  int64_t offset = 0;
  for (auto _ : state) {
    SetBaseOffset(batch, offset);
    header.base_offset = offset;
    if (Status s = segment->Append(batch, header); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    offset = header.next_offset();
    if (segment->size_bytes() >= kRollBytes) {
      state.PauseTiming();
      if (!segment->Remove().ok()) std::abort();
      segment = CreateOrDie(fs, offset);
      state.ResumeTiming();
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
}
BENCHMARK(BM_SegmentAppend)->Arg(1 << 10)->Arg(16 << 10);

int CreateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return fd;
}

void BM_PlainWrite(benchmark::State& state) {
  BenchDir dir;
  std::filesystem::create_directory(dir.path() + "/" + kDir);
  const std::string path = dir.path() + "/" + kDir + "/plain.log";
  std::string batch = Batch(static_cast<size_t>(state.range(0)));
  int fd = CreateFile(path);
  uint64_t size = 0;
  int64_t offset = 0;
  for (auto _ : state) {
    SetBaseOffset(batch, offset);
    offset += 16;
    for (size_t done = 0; done < batch.size();) {
      const ssize_t n = ::write(fd, batch.data() + done, batch.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    size += batch.size();
    if (size >= kRollBytes) {
      state.PauseTiming();
      ::close(fd);
      ::unlink(path.c_str());
      fd = CreateFile(path);
      size = 0;
      state.ResumeTiming();
    }
  }
  ::close(fd);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
}
BENCHMARK(BM_PlainWrite)->Arg(1 << 10)->Arg(16 << 10);

// 64 MiB of 1 KiB batches; each iteration reads up to range(0) bytes from a
// random offset.
void BM_SegmentRead(benchmark::State& state) {
  BenchDir dir;
  PosixFileSystem fs(dir.path());
  if (!fs.CreateDirs(kDir).ok()) std::abort();
  std::string batch = Batch(1 << 10);
  RecordBatchHeader header = ReadRecordBatchHeader(batch);
  std::unique_ptr<Segment> segment = CreateOrDie(fs, 0);
  while (segment->size_bytes() < (64 << 20)) {
    header.base_offset = segment->next_offset();
    SetBaseOffset(batch, header.base_offset);
    if (!segment->Append(batch, header).ok()) std::abort();
  }
  const size_t max_bytes = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> offsets(0, segment->next_offset() - 1);
  int64_t bytes = 0;
  for (auto _ : state) {
    Result<ReadSlice> slice = segment->Read(offsets(rng), max_bytes, INT64_MAX);
    if (!slice.ok()) {
      state.SkipWithError(slice.status().ToString().c_str());
      break;
    }
    Result<std::string> data = slice->ReadBytes();
    if (!data.ok()) {
      state.SkipWithError(data.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(data->data());
    bytes += static_cast<int64_t>(data->size());
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_SegmentRead)->Arg(64 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace brook::storage
