// tests/broker/group_offsets_test.cc
//
// OffsetCommit, OffsetFetch and OffsetDelete over RawClient: simple commits,
// member commits and their generation checks, the v8 multi-group layout, and
// offsets that survive a restart of a broker on disk (read back from
// __consumer_offsets, in the partition Kafka would use).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "broker/broker.h"
#include "broker/group_records.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

OffsetCommitRequest Commit(const std::string& group, int32_t generation, const std::string& member,
                           const std::string& topic, int32_t partition, int64_t offset) {
  OffsetCommitRequest req;
  req.group_id = group;
  req.generation_id_or_member_epoch = generation;
  req.member_id = member;
  req.topics = {{.name = topic,
                 .partitions = {{.partition_index = partition,
                                 .committed_offset = offset,
                                 .committed_leader_epoch = 0,
                                 .committed_metadata = "m" + std::to_string(offset)}}}};
  return req;
}

ErrorCode CommitError(RawClient& client, const OffsetCommitRequest& req, int16_t version) {
  Result<OffsetCommitResponse> resp = Call(client, req, version);
  EXPECT_TRUE(resp.ok()) << resp.status().ToString();
  if (!resp.ok() || resp->topics.empty() || resp->topics[0].partitions.empty()) {
    return ErrorCode::kUnknownServerError;
  }
  return resp->topics[0].partitions[0].error_code;
}

class GroupOffsetsTest : public TestBrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    TestBrokerFixture::Configure(config);
    config.memory = memory_;
    config.log_dirs = dir_.path();
  }

  // (Re)starts the broker in memory or on disk (keeping its data).
  void StartBroker(bool memory) {
    memory_ = memory;
    StopBroker();
    TestBrokerFixture::StartBroker();
  }

  testing::TempDir dir_;  // outlives the broker: TearDown stops it first
  bool memory_ = true;
};

TEST_F(GroupOffsetsTest, SimpleCommitsAndFetches) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 3, {}).ok());
  RawClient client = Connect();
  EXPECT_EQ(CommitError(client, Commit("g", -1, "", "orders", 1, 42), 2), ErrorCode::kNone);
  EXPECT_EQ(CommitError(client, Commit("g", -1, "", "orders", 2, 7), 9), ErrorCode::kNone);
  EXPECT_EQ(CommitError(client, Commit("g", -1, "", "missing", 0, 1), 8),
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(CommitError(client, Commit("", -1, "", "orders", 0, 1), 8), ErrorCode::kInvalidGroupId);
  // No such group and a generation: an older generation's commit.
  EXPECT_EQ(CommitError(client, Commit("h", 3, "m", "orders", 0, 1), 8),
            ErrorCode::kIllegalGeneration);

  // v1: the partitions asked for; -1 for none.
  OffsetFetchRequest v1;
  v1.group_id = "g";
  v1.topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopic>{
      {.name = "orders", .partition_indexes = {0, 1}}};
  Result<OffsetFetchResponse> r1 = Call(client, v1, 1);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_EQ(r1->topics.size(), 1u);
  ASSERT_EQ(r1->topics[0].partitions.size(), 2u);
  EXPECT_EQ(r1->topics[0].partitions[0].committed_offset, -1);
  EXPECT_EQ(r1->topics[0].partitions[1].committed_offset, 42);
  EXPECT_EQ(r1->topics[0].partitions[1].metadata, "m42");

  // v7: null topics means every committed partition.
  OffsetFetchRequest all;
  all.group_id = "g";
  all.topics = std::nullopt;
  all.require_stable = true;
  Result<OffsetFetchResponse> r7 = Call(client, all, 7);
  ASSERT_TRUE(r7.ok()) << r7.status().ToString();
  EXPECT_EQ(r7->error_code, ErrorCode::kNone);
  ASSERT_EQ(r7->topics.size(), 1u);
  ASSERT_EQ(r7->topics[0].partitions.size(), 2u);
  EXPECT_EQ(r7->topics[0].partitions[1].committed_offset, 7);
  EXPECT_EQ(r7->topics[0].partitions[1].committed_leader_epoch, 0);

  // v8: several groups.
  OffsetFetchRequest many;
  many.groups = {{.group_id = "g", .topics = std::nullopt},
                 {.group_id = "unknown",
                  .topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{
                      {.name = "orders", .partition_indexes = {0}}}}};
  Result<OffsetFetchResponse> r8 = Call(client, many, 9);
  ASSERT_TRUE(r8.ok()) << r8.status().ToString();
  ASSERT_EQ(r8->groups.size(), 2u);
  EXPECT_EQ(r8->groups[0].topics[0].partitions.size(), 2u);
  ASSERT_EQ(r8->groups[1].topics.size(), 1u);
  EXPECT_EQ(r8->groups[1].topics[0].partitions[0].committed_offset, -1);

  // OffsetDelete on an empty group.
  OffsetDeleteRequest del{.group_id = "g",
                          .topics = {{.name = "orders", .partitions = {{.partition_index = 1}}}}};
  Result<OffsetDeleteResponse> d = Call(client, del, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->error_code, ErrorCode::kNone);
  EXPECT_EQ(d->topics[0].partitions[0].error_code, ErrorCode::kNone);
  r1 = Call(client, v1, 1);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->topics[0].partitions[1].committed_offset, -1);
  del.group_id = "nope";
  d = Call(client, del, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->error_code, ErrorCode::kGroupIdNotFound);
}

TEST_F(GroupOffsetsTest, MemberCommitsAreCheckedAgainstTheGeneration) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  JoinGroupRequest join{.group_id = "g",
                        .session_timeout_ms = 10000,
                        .rebalance_timeout_ms = 10000,
                        .protocol_type = "consumer",
                        .protocols = {{.name = "range", .metadata = ""}}};
  Result<JoinGroupResponse> j = Call(client, join, 3);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->error_code, ErrorCode::kNone);
  // CompletingRebalance: not yet.
  EXPECT_EQ(CommitError(client, Commit("g", 1, j->member_id, "orders", 0, 5), 8),
            ErrorCode::kRebalanceInProgress);
  Result<SyncGroupResponse> s = Call(
      client, SyncGroupRequest{.group_id = "g", .generation_id = 1, .member_id = j->member_id}, 3);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(CommitError(client, Commit("g", 1, j->member_id, "orders", 0, 5), 8), ErrorCode::kNone);
  EXPECT_EQ(CommitError(client, Commit("g", 0, j->member_id, "orders", 0, 5), 5),
            ErrorCode::kIllegalGeneration);
  EXPECT_EQ(CommitError(client, Commit("g", 1, "ghost", "orders", 0, 5), 5),
            ErrorCode::kUnknownMemberId);
  // A simple commit is refused while the group has members.
  EXPECT_EQ(CommitError(client, Commit("g", -1, "", "orders", 0, 5), 2),
            ErrorCode::kUnknownMemberId);
  // A member's group keeps the offsets of topics it subscribes to... unless
  // the subscription does not parse, as here: then deleting is allowed.
  OffsetDeleteRequest del{.group_id = "g",
                          .topics = {{.name = "orders", .partitions = {{.partition_index = 0}}}}};
  Result<OffsetDeleteResponse> d = Call(client, del, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->error_code, ErrorCode::kNone);
}

TEST_F(GroupOffsetsTest, OffsetsSurviveARestart) {
  StartBroker(false);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 2, {}).ok());
  {
    RawClient client = Connect();
    EXPECT_EQ(CommitError(client, Commit("my-group", -1, "", "orders", 1, 42), 8),
              ErrorCode::kNone);
    EXPECT_EQ(CommitError(client, Commit("my-group", -1, "", "orders", 1, 43), 8),
              ErrorCode::kNone);
    EXPECT_EQ(CommitError(client, Commit("other", -1, "", "orders", 0, 9), 8), ErrorCode::kNone);
  }
  // Kafka's placement: abs("my-group".hashCode()) % 50 == 12.
  EXPECT_EQ(OffsetsPartitionFor("my-group", 50), 12);
  std::shared_ptr<storage::PartitionLog> log = broker().logs().Partition("__consumer_offsets", 12);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->high_watermark(), 2);
  std::optional<storage::TopicInfo> info = broker().logs().Topic("__consumer_offsets");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->partitions, 50);
  StopBroker();

  StartBroker(false);
  RawClient client = Connect();
  OffsetFetchRequest all;
  all.groups = {{.group_id = "my-group", .topics = std::nullopt},
                {.group_id = "other", .topics = std::nullopt}};
  // The offsets are read back in the background; until then the answer is
  // COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
  Result<OffsetFetchResponse> r = Call(client, all, 8);
  for (int i = 0; i < 100 && r.ok() && !r->groups.empty() &&
                  r->groups[0].error_code == ErrorCode::kCoordinatorLoadInProgress;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    r = Call(client, all, 8);
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->groups[0].error_code, ErrorCode::kNone);
  ASSERT_EQ(r->groups.size(), 2u);
  ASSERT_EQ(r->groups[0].topics.size(), 1u);
  EXPECT_EQ(r->groups[0].topics[0].partitions[0].committed_offset, 43);
  EXPECT_EQ(r->groups[0].topics[0].partitions[0].metadata, "m43");
  ASSERT_EQ(r->groups[1].topics.size(), 1u);
  EXPECT_EQ(r->groups[1].topics[0].partitions[0].committed_offset, 9);
}

TEST(GroupRecordsTest, KeysAndValuesRoundTrip) {
  std::string key = EncodeOffsetCommitKey({.group = "g", .topic = "t", .partition = 3});
  EXPECT_EQ(key.substr(0, 2), std::string("\0\1", 2));
  Result<GroupRecordKey> k = ParseGroupRecordKey(key);
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE(k->offset.has_value());
  EXPECT_EQ(k->offset->topic, "t");
  EXPECT_EQ(k->offset->partition, 3);
  Result<OffsetCommitValue> v = ParseOffsetCommitValue(EncodeOffsetCommitValue(
      {.offset = 5, .leader_epoch = 1, .metadata = "x", .commit_timestamp = 77}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->offset, 5);
  EXPECT_EQ(v->leader_epoch, 1);
  EXPECT_EQ(v->commit_timestamp, 77);
  Result<GroupRecordKey> gk = ParseGroupRecordKey(EncodeGroupMetadataKey({.group = "g"}));
  ASSERT_TRUE(gk.ok());
  ASSERT_TRUE(gk->group.has_value());
  GroupMetadataValue meta{.protocol_type = "consumer", .generation = 4, .protocol = "range"};
  meta.members.push_back({.member_id = "m", .client_id = "c", .session_timeout = 10});
  Result<GroupMetadataValue> mv = ParseGroupMetadataValue(EncodeGroupMetadataValue(meta));
  ASSERT_TRUE(mv.ok());
  EXPECT_EQ(mv->generation, 4);
  ASSERT_EQ(mv->members.size(), 1u);
  EXPECT_EQ(mv->members[0].member_id, "m");
  EXPECT_EQ(OffsetsPartitionFor("console-consumer-1", 50), 24);
  EXPECT_EQ(OffsetsPartitionFor("grüppe", 50), 12);
  EXPECT_EQ(OffsetsPartitionFor("\xF0\x9F\x98\x80g", 50), 22);
}

}  // namespace
}  // namespace brook::broker
