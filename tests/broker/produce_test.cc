// tests/broker/produce_test.cc
//
// Produce on a real socket: offsets, versions, acks, Kafka's per-partition
// errors and idempotent producers.
#include <gtest/gtest.h>

#include "broker/handler_table.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/serde_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using ProduceTest = DataPlaneTest;

const ProduceResponse::PartitionProduceResponse& Only(const ProduceResponse& resp) {
  EXPECT_EQ(resp.responses.size(), 1u);
  EXPECT_EQ(resp.responses.at(0).partition_responses.size(), 1u);
  return resp.responses.at(0).partition_responses.at(0);
}

TEST_F(ProduceTest, AppendsAndAnswersOffsetsAtEveryVersionFromThree) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  int64_t next = 0;
  for (int16_t v = 3; v <= ProduceRequest::kVersions.max; ++v) {
    Result<ProduceResponse> resp =
        Call(client, OnePartitionProduce("t", 0, Batch({.records = 3})), v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    const auto& p = Only(*resp);
    EXPECT_EQ(resp->responses[0].name, "t");
    EXPECT_EQ(p.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(p.base_offset, next) << "v" << v;
    EXPECT_EQ(p.log_append_time_ms, -1) << "v" << v;  // CreateTime
    if (v >= 5) {
      EXPECT_EQ(p.log_start_offset, 0) << "v" << v;
    }
    next += 3;
  }
  std::vector<Record> records = ReadAll("t", 0);
  ASSERT_EQ(records.size(), static_cast<size_t>(next));
  EXPECT_EQ(records[0].key, "k0");
  EXPECT_EQ(records[2].value, "v2");
}

// flush.messages=1: the append and its fsync run on the blocking pool; the
// answers come back in order on the connection, offsets as usual, the data
// durable (the recovery point follows).
TEST_F(ProduceTest, FsyncedAppendsRunOffTheIoThreadAndAnswerInOrder) {
  CreateTopic("synced", 2, {{"flush.messages", "1"}});
  RawClient client = Connect();
  for (int i = 0; i < 20; ++i) {
    ProduceRequest req = OnePartitionProduce("synced", 0, Batch({.records = 2}));
    req.topic_data[0].partition_data.push_back({.index = 1, .records = Batch({.records = 1})});
    Result<ProduceResponse> resp = Call(client, req, 9);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    const auto& partitions = resp->responses.at(0).partition_responses;
    ASSERT_EQ(partitions.size(), 2u);
    EXPECT_EQ(partitions[0].error_code, ErrorCode::kNone);
    EXPECT_EQ(partitions[0].base_offset, 2 * i);
    EXPECT_EQ(partitions[1].index, 1);
    EXPECT_EQ(partitions[1].base_offset, i);
  }
  EXPECT_EQ(Log("synced", 0)->recovery_point(), 40);
  EXPECT_EQ(Log("synced", 1)->recovery_point(), 20);
  EXPECT_EQ(ReadAll("synced", 0).size(), 40u);
}

TEST_F(ProduceTest, OldVersionsAreUnsupportedPerPartition) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  for (int16_t v = 0; v <= 2; ++v) {
    Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, Batch()), v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(Only(*resp).error_code, ErrorCode::kUnsupportedVersion) << "v" << v;
    EXPECT_EQ(Only(*resp).base_offset, -1);
  }
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

TEST_F(ProduceTest, InvalidAcksFailEveryKnownPartition) {
  CreateTopic("t", 2);
  RawClient client = Connect();
  ProduceRequest req = OnePartitionProduce("t", 0, Batch(), /*acks=*/2);
  req.topic_data[0].partition_data.push_back({.index = 1, .records = Batch()});
  Result<ProduceResponse> resp = Call(client, req, 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  for (const auto& p : resp->responses[0].partition_responses) {
    EXPECT_EQ(p.error_code, ErrorCode::kInvalidRequiredAcks);
  }
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

TEST_F(ProduceTest, UnknownTopicOrPartitionDoesNotFailTheOthers) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  ProduceRequest req = OnePartitionProduce("t", 0, Batch());
  req.topic_data[0].partition_data.push_back({.index = 7, .records = Batch()});
  req.topic_data.push_back(
      {.name = "missing", .partition_data = {{.index = 0, .records = Batch()}}});
  Result<ProduceResponse> resp = Call(client, req, 11);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 2u);
  EXPECT_EQ(resp->responses[0].partition_responses[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->responses[0].partition_responses[1].error_code,
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->responses[1].partition_responses[0].error_code,
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_FALSE(broker().logs().Topic("missing"));  // produce never creates topics
}

TEST_F(ProduceTest, RecordsMustBeExactlyOneBatch) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  for (const std::optional<std::string>& records :
       {std::optional<std::string>(), std::optional<std::string>(""),
        std::optional<std::string>(Batch() + Batch())}) {
    Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, records), 9);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidRecord);
  }
  std::string old_magic = Batch();
  old_magic[RecordBatchLayout::kMagic] = 1;
  Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, old_magic), 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidRecord);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

TEST_F(ProduceTest, CorruptBatchIsCorruptMessage) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  std::string batch = Batch({.records = 2});
  batch.back() ^= 0x5a;  // the CRC no longer matches
  Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, batch), 8);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kCorruptMessage);
}

TEST_F(ProduceTest, InvalidRecordCarriesAMessageFromVersionEight) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  // A producer id without a base sequence: Kafka's validator refuses it.
  std::optional<std::string> batch = Batch({.producer_id = 5, .epoch = 0, .sequence = -1});
  Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, batch), 8);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidRecord);
  ASSERT_TRUE(Only(*resp).error_message.has_value());
  EXPECT_NE(Only(*resp).error_message->find("base sequence"), std::string::npos);
}

TEST_F(ProduceTest, BatchAboveMaxMessageBytesIsMessageTooLarge) {
  CreateTopic("t", 1, {{"max.message.bytes", "100"}});
  RawClient client = Connect();
  Result<ProduceResponse> resp =
      Call(client, OnePartitionProduce("t", 0, Batch({.records = 20})), 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kMessageTooLarge);
}

TEST_F(ProduceTest, ZstdNeedsVersionSeven) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  std::string zstd = Batch({.records = 4, .compression = Compression::kZstd});
  Result<ProduceResponse> old = Call(client, OnePartitionProduce("t", 0, zstd), 6);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(Only(*old).error_code, ErrorCode::kUnsupportedCompressionType);
  Result<ProduceResponse> now = Call(client, OnePartitionProduce("t", 0, zstd), 7);
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_EQ(Only(*now).error_code, ErrorCode::kNone);
  EXPECT_EQ(ReadAll("t", 0).size(), 4u);
}

TEST_F(ProduceTest, LogAppendTimeTopicsAnswerTheAppendTime) {
  CreateTopic("t", 1, {{"message.timestamp.type", "LogAppendTime"}});
  RawClient client = Connect();
  const int64_t before = Broker::NowMs();
  Result<ProduceResponse> resp = Call(client, OnePartitionProduce("t", 0, Batch()), 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kNone);
  EXPECT_GE(Only(*resp).log_append_time_ms, before);
  EXPECT_LE(Only(*resp).log_append_time_ms, Broker::NowMs());
}

TEST_F(ProduceTest, AcksZeroSendsNoResponse) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  ASSERT_TRUE(SendOnly(client, OnePartitionProduce("t", 0, Batch(), /*acks=*/0), 9).ok());
  // The next answer on the connection is the ApiVersions one.
  Result<ApiVersionsResponse> versions = Call(client, ApiVersionsRequest{}, 2);
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(versions->error_code, ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 1);
}

TEST_F(ProduceTest, AcksZeroFailureClosesTheConnection) {
  RawClient client = Connect();
  ASSERT_TRUE(SendOnly(client, OnePartitionProduce("missing", 0, Batch(), /*acks=*/0), 9).ok());
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ProduceTest, IdempotentRetryIsAnsweredWithTheOriginalOffset) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  ASSERT_TRUE(Call(client, OnePartitionProduce("t", 0, Batch()), 9).ok());  // offset 0
  std::string batch = Batch({.records = 2, .producer_id = 42, .epoch = 0, .sequence = 0});
  Result<ProduceResponse> first = Call(client, OnePartitionProduce("t", 0, batch), 9);
  Result<ProduceResponse> retry = Call(client, OnePartitionProduce("t", 0, batch), 9);
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_EQ(Only(*first).error_code, ErrorCode::kNone);
  EXPECT_EQ(Only(*first).base_offset, 1);
  EXPECT_EQ(Only(*retry).error_code, ErrorCode::kNone);
  EXPECT_EQ(Only(*retry).base_offset, 1);
  EXPECT_EQ(ReadAll("t", 0).size(), 3u);  // written once
}

TEST_F(ProduceTest, IdempotentSequenceAndEpochErrors) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  auto produce = [&](int16_t epoch, int32_t sequence) {
    Result<ProduceResponse> resp =
        Call(client,
             OnePartitionProduce("t", 0,
                                 Batch({.producer_id = 7, .epoch = epoch, .sequence = sequence})),
             11);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? Only(*resp).error_code : ErrorCode::kUnknownServerError;
  };
  EXPECT_EQ(produce(1, 0), ErrorCode::kNone);
  EXPECT_EQ(produce(1, 5), ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(produce(0, 1), ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(produce(1, 1), ErrorCode::kNone);
}

// The coordinator's verification (tests/broker/transactions_test.cc has the rest).
TEST_F(ProduceTest, TransactionalProduceFromAnUnknownTransactionalIdIsRejected) {
  CreateTopic("t", 1);
  RawClient client = Connect();
  ProduceRequest req = OnePartitionProduce(
      "t", 0, Batch({.producer_id = 3, .epoch = 0, .sequence = 0, .transactional = true}));
  req.transactional_id = "txn";
  Result<ProduceResponse> resp = Call(client, req, 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Only(*resp).error_code, ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 0);
}

TEST_F(ProduceTest, TransactionalRecordsWithoutATransactionalIdFailTheRequest) {
  CreateTopic("t", 2);
  RawClient client = Connect();
  ProduceRequest req = OnePartitionProduce(
      "t", 0, Batch({.producer_id = 3, .epoch = 0, .sequence = 0, .transactional = true}));
  req.topic_data[0].partition_data.push_back({.index = 1, .records = Batch()});
  Result<ProduceResponse> resp = Call(client, req, 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  for (const auto& p : resp->responses[0].partition_responses) {
    EXPECT_EQ(p.error_code, ErrorCode::kTransactionalIdAuthorizationFailed);
  }
  EXPECT_EQ(Log("t", 1)->log_end_offset(), 0);
}

TEST_F(ProduceTest, ApiVersionsAdvertisesTheDataPlaneApis) {
  ApiVersionsResponse versions = SupportedApiVersions();
  auto has = [&](ApiKey key) {
    for (const auto& row : versions.api_keys) {
      if (row.api_key == static_cast<int16_t>(key)) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(ApiKey::kProduce));
  EXPECT_TRUE(has(ApiKey::kListOffsets));
  EXPECT_TRUE(has(ApiKey::kDeleteRecords));
  EXPECT_TRUE(has(ApiKey::kInitProducerId));
  EXPECT_TRUE(has(ApiKey::kOffsetForLeaderEpoch));
}

}  // namespace
}  // namespace brook::broker
