// tests/protocol/record_batch_client_test.cc
//
// Record batches captured from a real client: librdkafka 2.0.2 (through
// python3-confluent-kafka 1.7.0) producing to a listener that answered
// ApiVersions, Metadata and Produce v7, once per compression.type. Each batch
// holds the same three records, produced with timestamps 1700000000000 + i:
//   0: key "key-0", value "value 0 " + "hello " x 30, headers h="v", n=null
//   1: null key,    value "value 1 " + "hello " x 30
//   2: key "key-2", null value
// librdkafka writes raw snappy (no xerial framing), LZ4 frames with
// independent 64 KiB blocks, and zstd frames without a content size.
#include <gtest/gtest.h>

#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "protocol/record_batch.h"
#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr int64_t kTimestamp = 1700000000000;

constexpr char kLibrdkafkaUncompressed[] =
    "0000000000000000000001d3000000000270bd3e570000000000020000018bcfe568000000018bcfe56802ffffff"
    "ffffffffffffffffffffff000000039e030000000a6b65792d30f80276616c756520302068656c6c6f2068656c6c"
    "6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f206865"
    "6c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f20"
    "68656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c"
    "6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f200402680276026e01860300020201"
    "f80276616c756520312068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f20"
    "68656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c"
    "6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f206865"
    "6c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f2068656c6c6f20"
    "68656c6c6f2000160004040a6b65792d320100";

constexpr char kLibrdkafkaGzip[] =
    "00000000000000000000008200000000023ce49ce60001000000020000018bcfe568000000018bcfe56802ffffff"
    "ffffffffffffffffffffff000000031f8b08000000000000039bc7ccc0c0c0959d5aa96bf083a92c31a73455c140"
    "21233527277f88912c4c194c654c798c6dcc0c4c4c8c30bf180e0ab7914a328831b0b08023c588910100bef8c229"
    "a2010000";

constexpr char kLibrdkafkaSnappy[] =
    "0000000000000000000000820000000002d7e208f60002000000020000018bcfe568000000018bcfe56802ffffff"
    "ffffffffffffffffffffff00000003a203649e030000000a6b65792d30f80276616c756520302068656c6c6ffe06"
    "00fe0600ba0600340402680276026e0186030002020111cc043120fecc00fecc00cecc003000160004040a6b6579"
    "2d320100";

constexpr char kLibrdkafkaLz4[] =
    "00000000000000000000008600000000021dc94c430003000000020000018bcfe568000000018bcfe56802ffffff"
    "ffffffffffffffffffffff0000000304224d1860408246000000ff0b9e030000000a6b65792d30f80276616c7565"
    "20302068656c6c6f06009ce40402680276026e01860300020201cc001f31c6009c027a01d000160004040a6b6579"
    "2d32010000000000";

constexpr char kLibrdkafkaZstd[] =
    "00000000000000000000007e0000000002d97ba15c0004000000020000018bcfe568000000018bcfe56802ffffff"
    "ffffffffffffffffffffff0000000328b52ffd005825020064039e030000000a6b65792d30f80276616c75652030"
    "2068656c6c6f0402680276026e018603000202013100160004040a6b65792d320100030032a0c2d3104a56a83206";

std::string Hello(int i) {
  std::string value = "value " + std::to_string(i) + " ";
  for (int n = 0; n < 30; ++n) value += "hello ";
  return value;
}

std::vector<Record> ExpectedRecords() {
  return {
      Record{.timestamp_delta = 0,
             .offset_delta = 0,
             .key = "key-0",
             .value = Hello(0),
             .headers = {{"h", "v"}, {"n", std::nullopt}}},
      Record{.timestamp_delta = 1, .offset_delta = 1, .value = Hello(1)},
      Record{.timestamp_delta = 2, .offset_delta = 2, .key = "key-2"},
  };
}

struct Capture {
  Compression compression;
  const char* hex;
};

constexpr Capture kCaptures[] = {
    {Compression::kNone, kLibrdkafkaUncompressed}, {Compression::kGzip, kLibrdkafkaGzip},
    {Compression::kSnappy, kLibrdkafkaSnappy},     {Compression::kLz4, kLibrdkafkaLz4},
    {Compression::kZstd, kLibrdkafkaZstd},
};

TEST(LibrdkafkaBatchTest, DecodesEveryCompression) {
  for (const Capture& c : kCaptures) {
    const std::string bytes = FromHex(c.hex);
    Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
    ASSERT_TRUE(batch.ok()) << CompressionName(c.compression) << ": " << batch.status().ToString();
    EXPECT_EQ(batch->size(), bytes.size());
    const RecordBatchHeader& h = batch->header();
    EXPECT_EQ(h.compression(), c.compression);
    EXPECT_EQ(h.base_offset, 0);
    EXPECT_EQ(h.partition_leader_epoch, 0);
    EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
    EXPECT_FALSE(h.is_transactional());
    EXPECT_FALSE(h.is_control());
    EXPECT_EQ(h.last_offset_delta, 2);
    EXPECT_EQ(h.base_timestamp, kTimestamp);
    EXPECT_EQ(h.max_timestamp, kTimestamp + 2);
    EXPECT_EQ(h.producer_id, kNoProducerId);
    EXPECT_EQ(h.producer_epoch, kNoProducerEpoch);
    EXPECT_EQ(h.base_sequence, kNoSequence);
    EXPECT_EQ(h.record_count, 3);

    Result<std::vector<Record>> records = batch->DecodeRecords(1 << 20);
    ASSERT_TRUE(records.ok()) << CompressionName(c.compression) << ": "
                              << records.status().ToString();
    EXPECT_EQ(*records, ExpectedRecords()) << CompressionName(c.compression);
  }
}

TEST(LibrdkafkaBatchTest, BuilderWritesTheSameUncompressedBytes) {
  RecordBatchHeader header{.partition_leader_epoch = 0, .base_timestamp = kTimestamp};
  Result<std::string> built = BuildRecordBatch(header, Compression::kNone, ExpectedRecords());
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(ToHex(*built), ToHex(FromHex(kLibrdkafkaUncompressed)));
}

TEST(LibrdkafkaBatchTest, ReadsTheBatchesBackToBack) {
  std::string records;
  for (const Capture& c : kCaptures) records += FromHex(c.hex);
  RecordBatchReader reader(records);
  size_t batches = 0;
  for (;;) {
    Result<std::optional<RecordBatchView>> next = reader.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    EXPECT_EQ((*next)->header().compression(), kCaptures[batches].compression);
    ++batches;
  }
  EXPECT_EQ(batches, std::size(kCaptures));
  EXPECT_FALSE(reader.has_partial_tail());
}

}  // namespace
}  // namespace brook
