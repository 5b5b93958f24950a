// tests/broker/data_plane_testing.h
//
// Shared by the Produce, ListOffsets, OffsetForLeaderEpoch, DeleteRecords and
// InitProducerId tests: an embedded in-memory broker with topics created
// through its LogManager, record batch builders, and a request sender that
// does not wait for an answer (acks=0).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "protocol/compression.h"
#include "protocol/record.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/test_env.h"

namespace brook::broker {

inline constexpr int64_t kT0 = 1700000000000;

struct BatchSpec {
  int records = 1;
  int64_t timestamp = kT0;  // of the first record; the next ones +1 ms each
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
  int32_t sequence = kNoSequence;
  bool transactional = false;
  Compression compression = Compression::kNone;
  std::string value_prefix = "v";
};

// One batch of `spec.records` records keyed k0, k1, ... with values v0, v1, ...
inline std::string Batch(const BatchSpec& spec = {}) {
  RecordBatchHeader h;
  h.base_timestamp = spec.timestamp;
  h.producer_id = spec.producer_id;
  h.producer_epoch = spec.epoch;
  h.base_sequence = spec.sequence;
  if (spec.transactional) h.attributes |= kTransactionalAttribute;
  std::vector<Record> records;
  for (int i = 0; i < spec.records; ++i) {
    records.push_back(Record{.timestamp_delta = i,
                             .offset_delta = i,
                             .key = "k" + std::to_string(i),
                             .value = spec.value_prefix + std::to_string(i)});
  }
  Result<std::string> batch = BuildRecordBatch(h, spec.compression, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

// Every record of `records` (whole batches), control batches skipped.
inline std::vector<Record> Records(const std::string& records) {
  std::vector<Record> out;
  RecordBatchReader reader(records);
  for (;;) {
    Result<std::optional<RecordBatchView>> next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next->has_value()) break;
    if ((*next)->header().is_control()) continue;
    Result<std::vector<Record>> decoded = (*next)->DecodeRecords(1 << 24);
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    if (decoded.ok()) out.insert(out.end(), decoded->begin(), decoded->end());
  }
  return out;
}

// Sends `request` at `version` without reading a response.
template <typename Req>
Status SendOnly(testing::RawClient& client, const Req& request, int16_t version) {
  RequestHeader header{.api_key = Req::kApiKey,
                       .api_version = version,
                       .correlation_id = client.TakeCorrelationId(),
                       .client_id = "brook-test"};
  std::string frame;
  EncodeRequestHeader(frame, header, RequestHeaderVersion(wire::IsFlexible<Req>(version)));
  wire::EncodeTo(frame, request, version);
  return client.SendFrame(frame);
}

// A produce request for one partition.
inline ProduceRequest OnePartitionProduce(const std::string& topic, int32_t partition,
                                          std::optional<std::string> records, int16_t acks = -1) {
  ProduceRequest req;
  req.acks = acks;
  req.timeout_ms = 5000;
  auto& t = req.topic_data.emplace_back();
  t.name = topic;
  t.partition_data.push_back({.index = partition, .records = std::move(records)});
  return req;
}

class DataPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.listener_port = 0;
    config.cluster_id = "brook-test-cluster";
    config.memory = true;
    config.io_threads = brook::testing::TestIoThreads();
    broker_ = std::make_unique<Broker>(config);
    Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  testing::RawClient Connect() {
    testing::RawClient client;
    Status s = client.Connect("127.0.0.1", broker_->port());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return client;
  }

  void CreateTopic(const std::string& name, int32_t partitions,
                   const std::map<std::string, std::string>& configs = {}) {
    Result<storage::TopicInfo> info = broker_->logs().CreateTopic(name, partitions, configs);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
  }

  std::shared_ptr<storage::PartitionLog> Log(const std::string& topic, int32_t partition) {
    return broker_->logs().Partition(topic, partition);
  }

  // Everything readable in the partition (read_uncommitted).
  std::vector<Record> ReadAll(const std::string& topic, int32_t partition) {
    std::shared_ptr<storage::PartitionLog> log = Log(topic, partition);
    EXPECT_NE(log, nullptr);
    if (!log) return {};
    std::vector<Record> out;
    int64_t offset = log->log_start_offset();
    while (offset < log->high_watermark()) {
      Result<storage::ReadResult> read =
          log->Read(offset, 1 << 20, storage::IsolationLevel::kReadUncommitted);
      EXPECT_TRUE(read.ok()) << read.status().ToString();
      if (!read.ok() || read->records.empty()) break;
      std::vector<Record> batch = Records(read->records);
      out.insert(out.end(), batch.begin(), batch.end());
      RecordBatchReader reader(read->records);
      int64_t next = offset;
      for (;;) {
        Result<std::optional<RecordBatchView>> b = reader.Next();
        if (!b.ok() || !b->has_value()) break;
        next = (*b)->header().last_offset() + 1;
      }
      if (next <= offset) break;
      offset = next;
    }
    return out;
  }

  std::unique_ptr<Broker> broker_;
};

}  // namespace brook::broker
