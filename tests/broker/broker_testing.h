// tests/broker/broker_testing.h
//
// Shared by the broker tests: fixtures on broker/testing_fixture.h with the
// settings every broker test uses, record batch builders, and a request sender
// that does not wait for an answer (acks=0).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/testing_fixture.h"
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
  std::vector<std::string> values;  // one record each; empty: `records` records
  int records = 1;
  int64_t timestamp = kT0;  // of the first record; the next ones +1 ms each
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
  int32_t sequence = kNoSequence;
  bool transactional = false;
  Compression compression = Compression::kNone;
  std::string value_prefix = "v";
};

// One batch of records keyed k0, k1, ... with `spec.values`, or else
// `spec.records` records with values v0, v1, ...
inline std::string Batch(const BatchSpec& spec = {}) {
  RecordBatchHeader h;
  h.base_timestamp = spec.timestamp;
  h.producer_id = spec.producer_id;
  h.producer_epoch = spec.epoch;
  h.base_sequence = spec.sequence;
  if (spec.transactional) h.attributes |= kTransactionalAttribute;
  std::vector<std::string> values = spec.values;
  if (values.empty()) {
    for (int i = 0; i < spec.records; ++i) values.push_back(spec.value_prefix + std::to_string(i));
  }
  std::vector<Record> records;
  for (size_t i = 0; i < values.size(); ++i) {
    records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = "k" + std::to_string(i),
                             .value = values[i]});
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
  return client.SendFrame(testing::RequestFrame(request, version, client.TakeCorrelationId()));
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

// An in-memory broker (BrokerFixture) with cluster id "brook-test-cluster"
// and the io threads the test run asks for. A Configure() override calls
// TestBrokerFixture::Configure() first.
class TestBrokerFixture : public BrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    config.cluster_id = "brook-test-cluster";
    config.io_threads = brook::testing::TestIoThreads();
  }

  // A new connection to the broker.
  testing::RawClient Connect() {
    testing::RawClient client;
    Status s = client.Connect("127.0.0.1", broker().port());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return client;
  }

  std::shared_ptr<storage::PartitionLog> Log(const std::string& topic, int32_t partition) {
    return broker().logs().Partition(topic, partition);
  }
};

// A TestBrokerFixture with one connection, client_, opened before each test.
class ConnectedBrokerFixture : public TestBrokerFixture {
 protected:
  void SetUp() override {
    TestBrokerFixture::SetUp();
    if (HasFatalFailure()) return;
    Status c = client_.Connect("127.0.0.1", broker().port());
    ASSERT_TRUE(c.ok()) << c.ToString();
  }

  testing::RawClient client_;
};

// The Produce, ListOffsets, OffsetForLeaderEpoch, DeleteRecords and
// InitProducerId tests: reads a partition back.
class DataPlaneTest : public TestBrokerFixture {
 protected:
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
};

}  // namespace brook::broker
