// tests/broker/fetch_from_files_test.cc
//
// Fetch on a disk broker, where reads of 16 KiB and more leave the segment
// files by sendfile(2): responses far larger than the socket's buffer
// arrive whole to a client that starts reading late, byte for byte what the
// log holds, and a request pipelined behind them is answered after them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "broker/testing_fixture.h"
#include "protocol/frame.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/record_batch.h"
#include "protocol/request_header.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::RawClient;
using testing::RequestFrame;

// A response frame decoded, its correlation id checked.
template <typename Resp>
Result<Resp> Decode(std::string_view frame, int16_t version, int32_t correlation_id) {
  int32_t id = -1;
  Result<Resp> decoded = testing::DecodeResponseFrame<Resp>(frame, version, &id);
  EXPECT_EQ(id, correlation_id);
  return decoded;
}

constexpr char kTopic[] = "media";
constexpr int kPartitions = 8;
constexpr int kBatches = 100;  // per partition, 16 records of 1 KiB each: two segments
constexpr int16_t kFetchVersion = 12;

std::string Batch(int partition, int index) {
  RecordBatchHeader h;
  h.base_timestamp = 1700000000000;
  std::vector<Record> records;
  for (int i = 0; i < 16; ++i) {
    records.push_back(
        Record{.offset_delta = i,
               .key = std::to_string(partition) + "/" + std::to_string(index),
               .value = std::string(1024, static_cast<char>('a' + (index + i) % 26))});
  }
  Result<std::string> batch = BuildRecordBatch(h, Compression::kNone, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

class FetchFromFilesTest : public BrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    config.memory = false;
    config.log_dirs = dir_.path() + "/data";
    config.log_defaults.segment_bytes = 1 << 20;
  }

  void SetUp() override {
    BrokerFixture::SetUp();
    CreateTopic(kTopic, kPartitions);
    for (int p = 0; p < kPartitions; ++p) {
      std::shared_ptr<storage::PartitionLog> log = broker().logs().Partition(kTopic, p);
      ASSERT_NE(log, nullptr);
      for (int i = 0; i < kBatches; ++i) ASSERT_TRUE(log->Append(Batch(p, i), 0).ok());
    }
  }

  // The bytes a copying read of the log returns for the same fetch.
  std::string Expected(int partition, int64_t offset, size_t max_bytes) {
    Result<storage::ReadResult> read =
        broker()
            .logs()
            .Partition(kTopic, partition)
            ->Read(offset, max_bytes, storage::IsolationLevel::kReadUncommitted);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? read->records : std::string();
  }

  FetchRequest FetchAll(const std::vector<int64_t>& offsets, int32_t partition_max_bytes) {
    FetchRequest req;
    req.max_wait_ms = 0;
    req.min_bytes = 0;
    req.max_bytes = 64 << 20;
    auto& topic = req.topics.emplace_back();
    topic.topic = kTopic;
    for (int p = 0; p < kPartitions; ++p) {
      auto& partition = topic.partitions.emplace_back();
      partition.partition = p;
      partition.fetch_offset = offsets[p];
      partition.partition_max_bytes = partition_max_bytes;
    }
    return req;
  }

  brook::testing::TempDir dir_;
};

TEST_F(FetchFromFilesTest, LargeResponsesArriveWholeToALateReader) {
  RawClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", broker().port()).ok());
  std::vector<int64_t> offsets;
  for (int p = 0; p < kPartitions; ++p) offsets.push_back(16 * p + (p % 2));
  // Each partition sends what is left of its first 1 MiB segment: far more,
  // in all, than the sockets' buffers hold while nobody reads.
  ASSERT_TRUE(client.SendFrame(RequestFrame(FetchAll(offsets, 8 << 20), kFetchVersion, 1)).ok());
  ASSERT_TRUE(client.SendFrame(RequestFrame(ApiVersionsRequest{}, 0, 2)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  Result<std::string> frame = client.ReadFrame(std::chrono::seconds(20));
  ASSERT_TRUE(frame.ok()) << frame.status().ToString();
  Result<FetchResponse> fetch = Decode<FetchResponse>(*frame, kFetchVersion, 1);
  ASSERT_TRUE(fetch.ok()) << fetch.status().ToString();
  ASSERT_EQ(fetch->responses.size(), 1u);
  ASSERT_EQ(fetch->responses[0].partitions.size(), static_cast<size_t>(kPartitions));
  size_t total = 0;
  for (int p = 0; p < kPartitions; ++p) {
    const FetchResponse::PartitionData& data = fetch->responses[0].partitions[p];
    EXPECT_EQ(data.error_code, ErrorCode::kNone);
    ASSERT_TRUE(data.records.has_value());
    const std::string expected = Expected(p, offsets[p], 8 << 20);
    EXPECT_GT(expected.size(), size_t{512} << 10);
    EXPECT_TRUE(*data.records == expected) << "partition " << p;
    total += data.records->size();
  }
  EXPECT_GT(total, size_t{6} << 20);

  // The request behind the fetch is answered after it, intact.
  Result<std::string> second = client.ReadFrame(std::chrono::seconds(5));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Result<ApiVersionsResponse> versions = Decode<ApiVersionsResponse>(*second, 0, 2);
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(versions->error_code, ErrorCode::kNone);
  EXPECT_FALSE(versions->api_keys.empty());
}

// A consumer's loop reads every record of every partition exactly once,
// across segment boundaries, with the records coming from files.
TEST_F(FetchFromFilesTest, AFetchLoopReadsEveryRecordOnce) {
  RawClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", broker().port()).ok());
  std::vector<int64_t> offsets(kPartitions, 0);
  const int64_t end = int64_t{kBatches} * 16;
  int32_t correlation_id = 10;
  for (int round = 0; round < 100; ++round) {
    if (std::all_of(offsets.begin(), offsets.end(), [&](int64_t o) { return o == end; })) break;
    ASSERT_TRUE(
        client.SendFrame(RequestFrame(FetchAll(offsets, 300 << 10), kFetchVersion, correlation_id))
            .ok());
    Result<std::string> frame = client.ReadFrame(std::chrono::seconds(10));
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    Result<FetchResponse> fetch = Decode<FetchResponse>(*frame, kFetchVersion, correlation_id++);
    ASSERT_TRUE(fetch.ok()) << fetch.status().ToString();
    for (int p = 0; p < kPartitions; ++p) {
      const FetchResponse::PartitionData& data = fetch->responses[0].partitions[p];
      ASSERT_EQ(data.error_code, ErrorCode::kNone);
      const std::string records = data.records.value_or("");
      ASSERT_TRUE(records == Expected(p, offsets[p], 300 << 10))
          << "partition " << p << " round " << round;
      RecordBatchReader reader(records);
      for (;;) {
        Result<std::optional<RecordBatchView>> batch = reader.Next();
        ASSERT_TRUE(batch.ok()) << batch.status().ToString() << " partition " << p;
        if (!batch->has_value()) break;
        ASSERT_EQ((*batch)->header().base_offset, offsets[p]) << "partition " << p;
        offsets[p] = (*batch)->header().next_offset();
      }
    }
  }
  for (int p = 0; p < kPartitions; ++p) EXPECT_EQ(offsets[p], end) << "partition " << p;
}

}  // namespace
}  // namespace brook::broker
