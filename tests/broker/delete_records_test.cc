// tests/broker/delete_records_test.cc
//
// DeleteRecords: moving the log start offset, the high watermark shorthand,
// out-of-range offsets and the cleanup policy.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using PartitionResult = DeleteRecordsResponse::DeleteRecordsPartitionResult;

class DeleteRecordsTest : public DataPlaneTest {
 protected:
  void SetUp() override {
    DataPlaneTest::SetUp();
    CreateTopic("t", 1);
    ASSERT_TRUE(Log("t", 0)->Append(Batch({.records = 5}), 0).ok());
    ASSERT_TRUE(Log("t", 0)->Append(Batch({.records = 5}), 0).ok());
  }

  PartitionResult Delete(int64_t offset, int16_t version, const std::string& topic = "t",
                         int32_t partition = 0) {
    RawClient client = Connect();
    DeleteRecordsRequest req{.timeout_ms = 1000};
    auto& t = req.topics.emplace_back();
    t.name = topic;
    t.partitions.push_back({.partition_index = partition, .offset = offset});
    Result<DeleteRecordsResponse> resp = Call(client, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1) {
      return PartitionResult{.error_code = ErrorCode::kUnknownServerError};
    }
    EXPECT_EQ(resp->topics[0].name, topic);
    return resp->topics[0].partitions[0];
  }
};

TEST_F(DeleteRecordsTest, MovesTheLogStartAtEveryVersion) {
  int64_t offset = 2;
  for (int16_t v = DeleteRecordsRequest::kVersions.min; v <= DeleteRecordsRequest::kVersions.max;
       ++v) {
    PartitionResult r = Delete(offset, v);
    EXPECT_EQ(r.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(r.low_watermark, offset) << "v" << v;
    EXPECT_EQ(Log("t", 0)->log_start_offset(), offset);
    offset += 2;
  }
}

TEST_F(DeleteRecordsTest, BelowTheLogStartMovesNothing) {
  ASSERT_EQ(Delete(6, 2).low_watermark, 6);
  PartitionResult r = Delete(3, 2);
  EXPECT_EQ(r.error_code, ErrorCode::kNone);
  EXPECT_EQ(r.low_watermark, 6);
}

TEST_F(DeleteRecordsTest, MinusOneMeansTheHighWatermark) {
  PartitionResult r = Delete(-1, 1);
  EXPECT_EQ(r.error_code, ErrorCode::kNone);
  EXPECT_EQ(r.low_watermark, 10);
  EXPECT_EQ(Log("t", 0)->log_start_offset(), 10);
}

TEST_F(DeleteRecordsTest, OutOfRangeOffsets) {
  for (int64_t offset : {11, 1000, -2}) {
    PartitionResult r = Delete(offset, 2);
    EXPECT_EQ(r.error_code, ErrorCode::kOffsetOutOfRange) << offset;
    EXPECT_EQ(r.low_watermark, -1) << offset;
  }
  EXPECT_EQ(Log("t", 0)->log_start_offset(), 0);
}

TEST_F(DeleteRecordsTest, CompactedTopicsRefuse) {
  CreateTopic("c", 1, {{"cleanup.policy", "compact"}});
  EXPECT_EQ(Delete(0, 0, "c").error_code, ErrorCode::kPolicyViolation);
  CreateTopic("cd", 1, {{"cleanup.policy", "compact,delete"}});
  EXPECT_EQ(Delete(0, 0, "cd").error_code, ErrorCode::kNone);
}

TEST_F(DeleteRecordsTest, UnknownTopicOrPartition) {
  EXPECT_EQ(Delete(0, 2, "t", 4).error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Delete(0, 2, "missing").error_code, ErrorCode::kUnknownTopicOrPartition);
}

}  // namespace
}  // namespace brook::broker
