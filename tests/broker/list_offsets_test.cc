// tests/broker/list_offsets_test.cc
//
// ListOffsets: the special timestamps, lookups by time, isolation levels,
// leader epochs and duplicate partitions.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using PartitionResponse = ListOffsetsResponse::ListOffsetsPartitionResponse;

class ListOffsetsTest : public DataPlaneTest {
 protected:
  void SetUp() override {
    DataPlaneTest::SetUp();
    CreateTopic("t", 2);
    // Offsets 0-2 at kT0..kT0+2, 3-4 at kT0+100..+101.
    Append(Batch({.records = 3, .timestamp = kT0}));
    Append(Batch({.records = 2, .timestamp = kT0 + 100}));
  }

  void Append(std::string batch) {
    Result<storage::AppendResult> r = Log("t", 0)->Append(std::move(batch), 0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  PartitionResponse List(int64_t timestamp, int16_t version, int8_t isolation = 0,
                         int32_t current_leader_epoch = -1, int32_t replica_id = -1) {
    RawClient client = Connect();
    ListOffsetsRequest req{.replica_id = replica_id, .isolation_level = isolation};
    auto& topic = req.topics.emplace_back();
    topic.name = "t";
    topic.partitions.push_back({.partition_index = 0,
                                .current_leader_epoch = current_leader_epoch,
                                .timestamp = timestamp});
    Result<ListOffsetsResponse> resp = Call(client, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1) {
      return PartitionResponse{.error_code = ErrorCode::kUnknownServerError};
    }
    EXPECT_EQ(resp->topics[0].name, "t");
    return resp->topics[0].partitions[0];
  }
};

TEST_F(ListOffsetsTest, LatestAndEarliestAtEveryVersion) {
  for (int16_t v = ListOffsetsRequest::kVersions.min; v <= ListOffsetsRequest::kVersions.max; ++v) {
    PartitionResponse latest = List(-1, v);
    EXPECT_EQ(latest.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(latest.offset, 5) << "v" << v;
    EXPECT_EQ(latest.timestamp, -1) << "v" << v;
    if (v >= 4) {
      EXPECT_EQ(latest.leader_epoch, 0) << "v" << v;
    }
    PartitionResponse earliest = List(-2, v);
    EXPECT_EQ(earliest.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(earliest.offset, 0) << "v" << v;
  }
}

TEST_F(ListOffsetsTest, ByTimestamp) {
  PartitionResponse exact = List(kT0 + 1, 1);
  EXPECT_EQ(exact.error_code, ErrorCode::kNone);
  EXPECT_EQ(exact.offset, 1);
  EXPECT_EQ(exact.timestamp, kT0 + 1);
  PartitionResponse between = List(kT0 + 50, 6);
  EXPECT_EQ(between.offset, 3);
  EXPECT_EQ(between.timestamp, kT0 + 100);
  EXPECT_EQ(between.leader_epoch, 0);
  PartitionResponse after = List(kT0 + 1000, 10);
  EXPECT_EQ(after.error_code, ErrorCode::kNone);
  EXPECT_EQ(after.offset, -1);
  EXPECT_EQ(after.timestamp, -1);
  EXPECT_EQ(after.leader_epoch, -1);
}

TEST_F(ListOffsetsTest, MaxTimestampFromVersionSeven) {
  PartitionResponse max = List(-3, 7);
  EXPECT_EQ(max.error_code, ErrorCode::kNone);
  EXPECT_EQ(max.offset, 4);
  EXPECT_EQ(max.timestamp, kT0 + 101);
  EXPECT_EQ(List(-3, 6).error_code, ErrorCode::kUnsupportedVersion);
}

TEST_F(ListOffsetsTest, EarliestLocalAndLatestTiered) {
  ASSERT_TRUE(Log("t", 0)->DeleteRecordsBefore(2).ok());
  PartitionResponse local = List(-4, 8);
  EXPECT_EQ(local.error_code, ErrorCode::kNone);
  EXPECT_EQ(local.offset, 2);
  EXPECT_EQ(List(-4, 7).error_code, ErrorCode::kUnsupportedVersion);
  PartitionResponse tiered = List(-5, 9);
  EXPECT_EQ(tiered.error_code, ErrorCode::kNone);
  EXPECT_EQ(tiered.offset, -1);
  EXPECT_EQ(tiered.leader_epoch, -1);
  EXPECT_EQ(List(-5, 8).error_code, ErrorCode::kUnsupportedVersion);
}

TEST_F(ListOffsetsTest, ReadCommittedLatestIsTheLastStableOffset) {
  Append(Batch({.producer_id = 9, .epoch = 0, .sequence = 0, .transactional = true}));  // offset 5
  Append(Batch({.records = 1, .timestamp = kT0 + 200}));                                // offset 6
  EXPECT_EQ(List(-1, 2, /*isolation=*/0).offset, 7);
  EXPECT_EQ(List(-1, 2, /*isolation=*/1).offset, 5);
  // The record at kT0 + 200 lies beyond the last stable offset.
  EXPECT_EQ(List(kT0 + 150, 5, /*isolation=*/1).offset, -1);
  EXPECT_EQ(List(kT0 + 150, 5, /*isolation=*/0).offset, 6);
}

TEST_F(ListOffsetsTest, CurrentLeaderEpochIsChecked) {
  EXPECT_EQ(List(-1, 4, 0, /*current_leader_epoch=*/0).error_code, ErrorCode::kNone);
  EXPECT_EQ(List(-1, 4, 0, /*current_leader_epoch=*/1).error_code, ErrorCode::kUnknownLeaderEpoch);
  EXPECT_EQ(List(-1, 10, 0, /*current_leader_epoch=*/-3).error_code, ErrorCode::kFencedLeaderEpoch);
}

TEST_F(ListOffsetsTest, UnknownAndDuplicatePartitions) {
  RawClient client = Connect();
  ListOffsetsRequest req{.replica_id = -1};
  auto& topic = req.topics.emplace_back();
  topic.name = "t";
  topic.partitions.push_back({.partition_index = 0, .timestamp = -1});
  topic.partitions.push_back({.partition_index = 1, .timestamp = -1});
  topic.partitions.push_back({.partition_index = 0, .timestamp = -2});
  topic.partitions.push_back({.partition_index = 9, .timestamp = -1});
  req.topics.push_back(
      {.name = "missing", .partitions = {{.partition_index = 0, .timestamp = -1}}});
  Result<ListOffsetsResponse> resp = Call(client, req, 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->topics.size(), 2u);
  const auto& parts = resp->topics[0].partitions;
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(parts[1].error_code, ErrorCode::kNone);
  EXPECT_EQ(parts[1].offset, 0);  // partition 1 is empty
  EXPECT_EQ(parts[2].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(parts[3].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->topics[1].partitions[0].error_code, ErrorCode::kUnknownTopicOrPartition);
}

}  // namespace
}  // namespace brook::broker
