// bench/protocol/record_batch_bench.cc
//
// Record batch validation (framing + CRC-32C, what a broker does to every
// produced batch) next to memcpy of the same 1 MiB RECORDS buffer of 16 KiB
// batches; record decoding in records/s; building batches. The target is
// validation at >= 50% of memcpy bandwidth.
#include <benchmark/benchmark.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "protocol/record_batch.h"

namespace brook {
namespace {

constexpr size_t kBatchBytes = 16 << 10;
constexpr size_t kRecordsBytes = 1 << 20;
constexpr size_t kMaxUncompressed = 64 << 20;

// Records as an application might send them: a 16-byte key, a JSON-ish value
// of 100-200 bytes, and a tracing header on every fourth.
std::vector<Record> RealisticRecords(size_t target_bytes) {
  std::vector<Record> records;
  size_t bytes = 0;
  for (int i = 0; bytes < target_bytes; ++i) {
    Record r{.timestamp_delta = i, .offset_delta = i};
    r.key = "user-" + std::to_string(100000000 + i * 7919 % 1000000) + "-x";
    r.value = "{\"id\":" + std::to_string(i) + ",\"event\":\"page_view\",\"path\":\"/items/" +
              std::to_string(i * 31 % 977) + "\",\"session\":\"" + std::to_string(i * 2654435761u) +
              "\",\"payload\":\"" +
              std::string(static_cast<size_t>(20 + i * 37 % 100), static_cast<char>('a' + i % 26)) +
              "\"}";
    if (i % 4 == 0) r.headers = {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-01"}};
    bytes += EncodedRecordSize(r);
    records.push_back(std::move(r));
  }
  return records;
}

RecordBatchHeader Header(int64_t base_offset) {
  return RecordBatchHeader{.base_offset = base_offset,
                           .base_timestamp = 1700000000000,
                           .producer_id = 77,
                           .producer_epoch = 0,
                           .base_sequence = 0};
}

std::string Batch(Compression compression, const std::vector<Record>& records) {
  Result<std::string> batch = BuildRecordBatch(Header(0), compression, records);
  return batch.ok() ? *batch : std::string();
}

// About 1 MiB of uncompressed batches of about 16 KiB each.
std::string RecordsBuffer() {
  const std::vector<Record> records = RealisticRecords(kBatchBytes - kRecordBatchHeaderSize);
  std::string buffer;
  int64_t base_offset = 0;
  while (buffer.size() + kBatchBytes <= kRecordsBytes) {
    Result<std::string> batch = BuildRecordBatch(Header(base_offset), Compression::kNone, records);
    buffer += *batch;
    base_offset += static_cast<int64_t>(records.size());
  }
  return buffer;
}

void BM_ValidateBatch(benchmark::State& state) {
  const std::string buffer = RecordsBuffer();
  size_t batches = 0;
  for (auto _ : state) {
    RecordBatchReader reader(buffer);
    batches = 0;
    for (;;) {
      Result<std::optional<RecordBatchView>> next = reader.Next();
      if (!next.ok()) {
        state.SkipWithError(next.status().ToString().c_str());
        return;
      }
      if (!next->has_value()) break;
      benchmark::DoNotOptimize((*next)->header().crc);
      ++batches;
    }
  }
  state.counters["batches"] = static_cast<double>(batches);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buffer.size()));
  // Validation (framing + CRC, no record decode) against memcpy of the same
  // buffer; the target is at least 0.5.
  state.counters["vs_memcpy"] = bench::RatioToMemcpy(buffer, [&] {
    RecordBatchReader reader(buffer);
    for (;;) {
      Result<std::optional<RecordBatchView>> next = reader.Next();
      if (!next.ok() || !next->has_value()) break;
      benchmark::DoNotOptimize((*next)->header().crc);
    }
  });
}
BENCHMARK(BM_ValidateBatch);

void BM_MemcpyRecords(benchmark::State& state) {
  const std::string buffer = RecordsBuffer();
  std::string copy(buffer.size(), '\0');
  for (auto _ : state) {
    std::memcpy(copy.data(), buffer.data(), buffer.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buffer.size()));
}
// The same buffer as BM_ValidateBatch; named to sit beside BM_Memcpy/<size>.
BENCHMARK(BM_MemcpyRecords)->Name("BM_Memcpy/records_1MiB");

void BM_DecodeRecords(benchmark::State& state) {
  const auto compression = static_cast<Compression>(state.range(0));
  const std::vector<Record> records = RealisticRecords(kBatchBytes - kRecordBatchHeaderSize);
  const std::string bytes = Batch(compression, records);
  Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
  for (auto _ : state) {
    Result<std::vector<Record>> decoded = batch->DecodeRecords(kMaxUncompressed);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetLabel(std::string(CompressionName(compression)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_DecodeRecords)->DenseRange(0, 4);

void BM_DecodeRecordViews(benchmark::State& state) {
  const auto compression = static_cast<Compression>(state.range(0));
  const std::vector<Record> records = RealisticRecords(kBatchBytes - kRecordBatchHeaderSize);
  const std::string bytes = Batch(compression, records);
  Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
  std::string scratch;
  for (auto _ : state) {
    Result<std::vector<RecordView>> decoded = batch->DecodeRecordViews(kMaxUncompressed, &scratch);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetLabel(std::string(CompressionName(compression)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_DecodeRecordViews)->DenseRange(0, 4);

void BM_BuildBatch(benchmark::State& state) {
  const auto compression = static_cast<Compression>(state.range(0));
  const std::vector<Record> records = RealisticRecords(kBatchBytes - kRecordBatchHeaderSize);
  size_t uncompressed = 0;
  for (const Record& r : records) uncompressed += EncodedRecordSize(r);
  for (auto _ : state) {
    Result<std::string> batch = BuildRecordBatch(Header(0), compression, records);
    benchmark::DoNotOptimize(batch);
  }
  state.SetLabel(std::string(CompressionName(compression)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * uncompressed));
}
BENCHMARK(BM_BuildBatch)->DenseRange(0, 4);

}  // namespace
}  // namespace brook
