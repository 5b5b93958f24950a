// tests/broker/produce_record_errors_test.cc
//
// Produce's per-record errors (KIP-467) on a real socket: records without a
// key in a compacted topic (INVALID_RECORD) and CreateTime timestamps outside
// message.timestamp.{before,after}.max.ms (INVALID_TIMESTAMP) are listed by
// their index in the batch from v8 on, with Kafka's error_message; batch-level
// refusals carry no record_errors; nothing is written. A confluent_kafka
// producer sees INVALID_RECORD for a keyless record to a compacted topic.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/broker/broker_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;
using PartitionResponse = ProduceResponse::PartitionProduceResponse;

using ProduceRecordErrorsTest = DataPlaneTest;

// One record per entry (nullopt: no key), timestamps now + 0, 1, ... ms
// unless `timestamps` says otherwise.
std::string KeyedBatch(const std::vector<std::optional<std::string>>& keys,
                       std::vector<int64_t> timestamps = {},
                       Compression compression = Compression::kNone) {
  if (timestamps.empty()) {
    for (size_t i = 0; i < keys.size(); ++i) {
      timestamps.push_back(Broker::NowMs() + static_cast<int64_t>(i));
    }
  }
  RecordBatchHeader h;
  h.base_timestamp = timestamps.at(0);
  std::vector<Record> records;
  for (size_t i = 0; i < keys.size(); ++i) {
    records.push_back(Record{.timestamp_delta = timestamps.at(i) - timestamps.at(0),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = keys[i],
                             .value = "v" + std::to_string(i)});
  }
  Result<std::string> batch = BuildRecordBatch(h, compression, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

const PartitionResponse& Only(const ProduceResponse& resp) {
  EXPECT_EQ(resp.responses.size(), 1u);
  EXPECT_EQ(resp.responses.at(0).partition_responses.size(), 1u);
  return resp.responses.at(0).partition_responses.at(0);
}

std::vector<int32_t> Indexes(const PartitionResponse& p) {
  std::vector<int32_t> out;
  for (const auto& e : p.record_errors) out.push_back(e.batch_index);
  return out;
}

TEST_F(ProduceRecordErrorsTest, KeylessRecordsInACompactedTopicAreListedFromVersionEight) {
  CreateTopic("c", 1, {{"cleanup.policy", "compact"}});
  RawClient client = Connect();
  const std::string why =
      "Compacted topic cannot accept message without key in topic partition c-0";
  for (int16_t v : {int16_t{8}, int16_t{9}, int16_t{10}, ProduceRequest::kVersions.max}) {
    for (Compression compression : {Compression::kNone, Compression::kGzip}) {
      const std::string batch = KeyedBatch({"a", std::nullopt, "c", std::nullopt}, {}, compression);
      Result<ProduceResponse> resp = Call(client, OnePartitionProduce("c", 0, batch), v);
      ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
      const PartitionResponse& p = Only(*resp);
      EXPECT_EQ(p.error_code, ErrorCode::kInvalidRecord) << "v" << v;
      EXPECT_EQ(p.base_offset, -1);
      EXPECT_EQ(Indexes(p), (std::vector<int32_t>{1, 3})) << "v" << v;
      ASSERT_EQ(p.record_errors.size(), 2u);
      EXPECT_EQ(p.record_errors[0].batch_index_error_message, why);
      EXPECT_EQ(p.record_errors[1].batch_index_error_message, why);
      ASSERT_TRUE(p.error_message.has_value());
      EXPECT_EQ(*p.error_message,
                "One or more records have been rejected due to 2 record errors in total, and only "
                "showing the first three errors at most: [RecordError(batchIndex=1, message='" +
                    why + "'), RecordError(batchIndex=3, message='" + why + "')]");
    }
  }
  EXPECT_EQ(Log("c", 0)->log_end_offset(), 0);
  // Keyed records are written.
  Result<ProduceResponse> ok = Call(client, OnePartitionProduce("c", 0, KeyedBatch({"a", "b"})), 9);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Only(*ok).error_code, ErrorCode::kNone);
  EXPECT_TRUE(Only(*ok).record_errors.empty());
  EXPECT_EQ(Only(*ok).error_message, std::nullopt);
  EXPECT_EQ(ReadAll("c", 0).size(), 2u);
}

// Before v8 the response has neither field: the code alone says it.
TEST_F(ProduceRecordErrorsTest, VersionSevenAnswersTheCodeWithoutRecordErrors) {
  CreateTopic("c", 1, {{"cleanup.policy", "compact"}});
  CreateTopic("t", 1, {{"message.timestamp.after.max.ms", "1000"}});
  RawClient client = Connect();
  Result<ProduceResponse> resp =
      Call(client, OnePartitionProduce("c", 0, KeyedBatch({std::nullopt})), 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidRecord);
  EXPECT_TRUE(Only(*resp).record_errors.empty());
  EXPECT_EQ(Only(*resp).error_message, std::nullopt);

  const int64_t later = Broker::NowMs() + 3600000;
  resp = Call(client, OnePartitionProduce("t", 0, KeyedBatch({"k"}, {later})), 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidTimestamp);
  EXPECT_TRUE(Only(*resp).record_errors.empty());
  EXPECT_EQ(Only(*resp).error_message, std::nullopt);
  EXPECT_EQ(Log("c", 0)->log_end_offset(), 0);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

TEST_F(ProduceRecordErrorsTest, TimestampsOutsideTheTopicsBoundsAreInvalidTimestamp) {
  CreateTopic(
      "t", 1,
      {{"message.timestamp.before.max.ms", "60000"}, {"message.timestamp.after.max.ms", "60000"}});
  RawClient client = Connect();
  const int64_t now = Broker::NowMs();
  // Far too old, fine, no timestamp, far too new.
  const std::vector<int64_t> timestamps = {now - 3600000, now, kNoTimestamp, now + 3600000};
  for (int16_t v : {int16_t{8}, int16_t{9}, ProduceRequest::kVersions.max}) {
    Result<ProduceResponse> resp =
        Call(client, OnePartitionProduce("t", 0, KeyedBatch({"a", "b", "c", "d"}, timestamps)), v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    const PartitionResponse& p = Only(*resp);
    EXPECT_EQ(p.error_code, ErrorCode::kInvalidTimestamp) << "v" << v;
    EXPECT_EQ(Indexes(p), (std::vector<int32_t>{0, 3})) << "v" << v;
    ASSERT_EQ(p.record_errors.size(), 2u);
    ASSERT_TRUE(p.record_errors[0].batch_index_error_message.has_value());
    EXPECT_EQ(p.record_errors[0].batch_index_error_message->rfind(
                  "Timestamp " + std::to_string(now - 3600000) +
                      " of message with offset 0 is "
                      "out of range. The timestamp should be within [",
                  0),
              0u)
        << *p.record_errors[0].batch_index_error_message;
    EXPECT_EQ(p.error_message, "One or more records have been rejected due to invalid timestamp");
  }
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

// The deprecated difference.max.ms bounds both sides; Kafka 4.0's default
// after.max.ms is an hour; LogAppendTime topics check nothing.
TEST_F(ProduceRecordErrorsTest, TimestampBoundsFollowTheTopicConfigs) {
  CreateTopic("diff", 1, {{"message.timestamp.difference.max.ms", "60000"}});
  CreateTopic("plain", 1);
  CreateTopic("append", 1, {{"message.timestamp.type", "LogAppendTime"}});
  RawClient client = Connect();
  const int64_t now = Broker::NowMs();
  auto produce = [&](const std::string& topic, int64_t timestamp) {
    Result<ProduceResponse> resp =
        Call(client, OnePartitionProduce(topic, 0, KeyedBatch({"k"}, {timestamp})), 9);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? Only(*resp).error_code : ErrorCode::kUnknownServerError;
  };
  EXPECT_EQ(produce("diff", now - 3600000), ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(produce("diff", now + 3600000), ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(produce("diff", now), ErrorCode::kNone);
  EXPECT_EQ(produce("plain", 0), ErrorCode::kNone);
  EXPECT_EQ(produce("plain", now + 2 * 3600000), ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(produce("append", now + 2 * 3600000), ErrorCode::kNone);
}

// A key error and a timestamp error together: INVALID_TIMESTAMP, both listed.
TEST_F(ProduceRecordErrorsTest, AnyTimestampErrorMakesTheCodeInvalidTimestamp) {
  CreateTopic("c", 1, {{"cleanup.policy", "compact"}, {"message.timestamp.after.max.ms", "60000"}});
  RawClient client = Connect();
  const int64_t now = Broker::NowMs();
  Result<ProduceResponse> resp = Call(
      client,
      OnePartitionProduce("c", 0, KeyedBatch({std::nullopt, "k", "k"}, {now, now, now + 3600000})),
      9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(Indexes(Only(*resp)), (std::vector<int32_t>{0, 2}));
}

// Refusals of the batch as a whole keep their codes and list no record.
TEST_F(ProduceRecordErrorsTest, BatchLevelErrorsHaveAMessageButNoRecordErrors) {
  CreateTopic("c", 1, {{"cleanup.policy", "compact"}, {"max.message.bytes", "100"}});
  RawClient client = Connect();
  std::vector<std::optional<std::string>> keyless(20, std::nullopt);
  Result<ProduceResponse> resp = Call(client, OnePartitionProduce("c", 0, KeyedBatch(keyless)), 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kMessageTooLarge);
  EXPECT_TRUE(Only(*resp).record_errors.empty());
  ASSERT_TRUE(Only(*resp).error_message.has_value());
  EXPECT_NE(Only(*resp).error_message->find("max.message.bytes"), std::string::npos);

  std::string corrupt = KeyedBatch({std::nullopt});
  corrupt.back() ^= 0x5a;  // the CRC no longer matches
  resp = Call(client, OnePartitionProduce("c", 0, corrupt), 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kCorruptMessage);
  EXPECT_TRUE(Only(*resp).record_errors.empty());
  EXPECT_TRUE(Only(*resp).error_message.has_value());
  EXPECT_EQ(Log("c", 0)->log_end_offset(), 0);
}

// One refused partition does not fail its neighbours.
TEST_F(ProduceRecordErrorsTest, OtherPartitionsAreWritten) {
  CreateTopic("c", 2, {{"cleanup.policy", "compact"}});
  RawClient client = Connect();
  ProduceRequest req = OnePartitionProduce("c", 0, KeyedBatch({std::nullopt}));
  req.topic_data[0].partition_data.push_back({.index = 1, .records = KeyedBatch({"k"})});
  Result<ProduceResponse> resp = Call(client, req, 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  const auto& parts = resp->responses.at(0).partition_responses;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].error_code, ErrorCode::kInvalidRecord);
  EXPECT_EQ(Indexes(parts[0]), (std::vector<int32_t>{0}));
  EXPECT_EQ(parts[1].error_code, ErrorCode::kNone);
  EXPECT_TRUE(parts[1].record_errors.empty());
  EXPECT_EQ(Log("c", 0)->log_end_offset(), 0);
  EXPECT_EQ(Log("c", 1)->log_end_offset(), 1);
}

// librdkafka (through confluent_kafka) reports the partition's error in the
// delivery report.
TEST_F(ProduceRecordErrorsTest, PythonProducerSeesInvalidRecordForAKeylessRecord) {
  CreateTopic("compacted", 1, {{"cleanup.policy", "compact"}});
  testing::TempDir dir;
  const std::string script = dir.path() + "/produce.py";
  std::ofstream(script) << R"(import sys
from confluent_kafka import KafkaError, Producer
p = Producer({"bootstrap.servers": sys.argv[1], "message.timeout.ms": 20000, "retries": 0})
errors = []
def report(err, msg):
    errors.append(err)
# Two requests: a batch with a keyless record is refused as a whole.
p.produce("compacted", value=b"no key", partition=0, on_delivery=report)
assert p.flush(25) == 0
p.produce("compacted", key=b"k", value=b"keyed", partition=0, on_delivery=report)
assert p.flush(25) == 0
print(errors)
assert len(errors) == 2, errors
assert errors[0] is not None and errors[0].code() == KafkaError.INVALID_RECORD, errors
assert errors[1] is None, errors
)";
  const std::string out = dir.path() + "/out.txt";
  const std::string command = "timeout 40 /usr/bin/python3 " + script + " " + bootstrap();
  int rc = std::system((command + " >" + out + " 2>&1").c_str());
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_EQ(rc, 0) << command << "\n" << text.str();
  std::vector<Record> records = ReadAll("compacted", 0);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "k");
}

}  // namespace
}  // namespace brook::broker
