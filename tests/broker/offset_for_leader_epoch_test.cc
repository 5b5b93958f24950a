// tests/broker/offset_for_leader_epoch_test.cc
//
// OffsetForLeaderEpoch with the single epoch 0.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using EpochEndOffset = OffsetForLeaderEpochResponse::EpochEndOffset;

class OffsetForLeaderEpochTest : public DataPlaneTest {
 protected:
  EpochEndOffset Ask(int32_t leader_epoch, int16_t version, int32_t current_leader_epoch = -1,
                     const std::string& topic = "t", int32_t partition = 0) {
    RawClient client = Connect();
    OffsetForLeaderEpochRequest req{.replica_id = -1};
    auto& t = req.topics.emplace_back();
    t.topic = topic;
    t.partitions.push_back({.partition = partition,
                            .current_leader_epoch = current_leader_epoch,
                            .leader_epoch = leader_epoch});
    Result<OffsetForLeaderEpochResponse> resp = Call(client, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1) {
      return EpochEndOffset{.error_code = ErrorCode::kUnknownServerError};
    }
    EXPECT_EQ(resp->topics[0].topic, topic);
    EXPECT_EQ(resp->topics[0].partitions[0].partition, partition);
    return resp->topics[0].partitions[0];
  }
};

TEST_F(OffsetForLeaderEpochTest, EpochZeroEndsAtTheLogEndAtEveryVersion) {
  CreateTopic("t", 1);
  ASSERT_TRUE(Log("t", 0)->Append(Batch({.records = 4}), 0).ok());
  for (int16_t v = OffsetForLeaderEpochRequest::kVersions.min;
       v <= OffsetForLeaderEpochRequest::kVersions.max; ++v) {
    EpochEndOffset r = Ask(0, v, /*current_leader_epoch=*/0);
    EXPECT_EQ(r.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(r.leader_epoch, 0) << "v" << v;
    EXPECT_EQ(r.end_offset, 4) << "v" << v;
  }
}

TEST_F(OffsetForLeaderEpochTest, UnknownEpochsAreUndefined) {
  CreateTopic("t", 1);
  EpochEndOffset empty = Ask(0, 4);  // nothing appended: no epoch known yet
  EXPECT_EQ(empty.error_code, ErrorCode::kNone);
  EXPECT_EQ(empty.leader_epoch, -1);
  EXPECT_EQ(empty.end_offset, -1);
  ASSERT_TRUE(Log("t", 0)->Append(Batch({.records = 2}), 0).ok());
  for (int32_t epoch : {1, 7, -1}) {
    EpochEndOffset r = Ask(epoch, 3);
    EXPECT_EQ(r.error_code, ErrorCode::kNone) << epoch;
    EXPECT_EQ(r.leader_epoch, -1) << epoch;
    EXPECT_EQ(r.end_offset, -1) << epoch;
  }
}

TEST_F(OffsetForLeaderEpochTest, CurrentLeaderEpochIsChecked) {
  CreateTopic("t", 1);
  EXPECT_EQ(Ask(0, 2, /*current_leader_epoch=*/1).error_code, ErrorCode::kUnknownLeaderEpoch);
  EXPECT_EQ(Ask(0, 4, /*current_leader_epoch=*/-2).error_code, ErrorCode::kFencedLeaderEpoch);
}

TEST_F(OffsetForLeaderEpochTest, UnknownTopicOrPartition) {
  CreateTopic("t", 1);
  EXPECT_EQ(Ask(0, 4, -1, "t", 3).error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Ask(0, 2, -1, "missing", 0).error_code, ErrorCode::kUnknownTopicOrPartition);
}

}  // namespace
}  // namespace brook::broker
