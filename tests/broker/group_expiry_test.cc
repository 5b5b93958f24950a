// tests/broker/group_expiry_test.cc
//
// What the group coordinator removes on its own, over RawClient: committed
// offsets past offsets.retention (KIP-211: simple commits from their commit,
// a consumer group's from when it became Empty, an OffsetCommit v2
// retention_time_ms before anything else), the groups this leaves Empty
// without offsets (Dead: gone from ListGroups), the tombstones that keep both
// gone after a restart, and group.max.size.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "broker/broker.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"
#include "storage/log_manager.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using namespace std::chrono_literals;
using testing::Call;
using testing::RawClient;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// ConsumerProtocolSubscription v0: the topics, no user data.
std::string Subscription(const std::vector<std::string>& topics) {
  std::string out;
  auto u16 = [&out](size_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xff);
  };
  u16(0);
  u16(0);
  u16(topics.size());
  for (const std::string& t : topics) {
    u16(t.size());
    out += t;
  }
  out += std::string(4, '\xff');  // user_data: null
  return out;
}

struct Settings {
  bool memory = true;
  int64_t retention_ms = 7 * 24 * 3600 * 1000LL;
  int64_t check_interval_ms = 50;
  int32_t max_size = INT32_MAX;
};

class GroupExpiryTest : public TestBrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    TestBrokerFixture::Configure(config);
    config.memory = settings_.memory;
    config.log_dirs = dir_.path();
    config.offsets_retention_ms = settings_.retention_ms;
    config.offsets_retention_check_interval_ms = settings_.check_interval_ms;
    config.group_max_size = settings_.max_size;
  }

  // (Re)starts the broker with `settings` (a disk broker keeps its data)
  // and connects client_ to it.
  void StartBroker(Settings settings) {
    settings_ = settings;
    client_.reset();
    StopBroker();
    TestBrokerFixture::StartBroker();
    client_.emplace(Connect());
  }

  ErrorCode Commit(const std::string& group, const std::string& topic, int32_t partition,
                   int64_t offset, int16_t version = 8, int64_t retention_time_ms = -1,
                   int32_t generation = -1, const std::string& member_id = "") {
    OffsetCommitRequest req;
    req.group_id = group;
    req.generation_id_or_member_epoch = generation;
    req.member_id = member_id;
    req.retention_time_ms = retention_time_ms;
    req.topics = {{.name = topic,
                   .partitions = {{.partition_index = partition, .committed_offset = offset}}}};
    Result<OffsetCommitResponse> resp = Call(*client_, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->topics.empty() || resp->topics[0].partitions.empty()) {
      return ErrorCode::kUnknownServerError;
    }
    return resp->topics[0].partitions[0].error_code;
  }

  // The committed offset (-1: none); waits out a load in progress.
  int64_t Fetch(const std::string& group, const std::string& topic, int32_t partition) {
    OffsetFetchRequest req;
    req.groups = {{.group_id = group,
                   .topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{
                       {.name = topic, .partition_indexes = {partition}}}}};
    for (int attempt = 0; attempt < 200; ++attempt) {
      Result<OffsetFetchResponse> resp = Call(*client_, req, 8);
      EXPECT_TRUE(resp.ok()) << resp.status().ToString();
      if (!resp.ok() || resp->groups.size() != 1) return -2;
      if (resp->groups[0].error_code == ErrorCode::kCoordinatorLoadInProgress) {
        std::this_thread::sleep_for(50ms);
        continue;
      }
      EXPECT_EQ(resp->groups[0].error_code, ErrorCode::kNone);
      if (resp->groups[0].topics.size() != 1 || resp->groups[0].topics[0].partitions.size() != 1) {
        return -2;
      }
      return resp->groups[0].topics[0].partitions[0].committed_offset;
    }
    return -2;
  }

  std::vector<std::string> ListedGroups() {
    for (int attempt = 0; attempt < 200; ++attempt) {
      Result<ListGroupsResponse> resp = Call(*client_, ListGroupsRequest{}, 4);
      EXPECT_TRUE(resp.ok()) << resp.status().ToString();
      if (!resp.ok()) return {};
      if (resp->error_code == ErrorCode::kCoordinatorLoadInProgress) {
        std::this_thread::sleep_for(50ms);
        continue;
      }
      std::vector<std::string> ids;
      for (const auto& g : resp->groups) ids.push_back(g.group_id);
      std::sort(ids.begin(), ids.end());
      return ids;
    }
    return {};
  }

  bool Listed(const std::string& group) {
    std::vector<std::string> ids = ListedGroups();
    return std::find(ids.begin(), ids.end(), group) != ids.end();
  }

  JoinGroupRequest JoinRequest(const std::string& group, const std::vector<std::string>& topics,
                               std::optional<std::string> instance_id = std::nullopt) {
    JoinGroupRequest req;
    req.group_id = group;
    req.session_timeout_ms = 30000;
    req.rebalance_timeout_ms = 5000;
    req.group_instance_id = std::move(instance_id);
    req.protocol_type = "consumer";
    req.protocols = {{.name = "range", .metadata = Subscription(topics)}};
    return req;
  }

  // Joins as a new member (answering MEMBER_ID_REQUIRED); the answer of the last join.
  JoinGroupResponse JoinNew(JoinGroupRequest req, int16_t version = 9) {
    Result<JoinGroupResponse> resp = Call(*client_, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return JoinGroupResponse{.error_code = ErrorCode::kUnknownServerError};
    if (resp->error_code != ErrorCode::kMemberIdRequired) return *resp;
    req.member_id = resp->member_id;
    resp = Call(*client_, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? *resp : JoinGroupResponse{.error_code = ErrorCode::kUnknownServerError};
  }

  // One member joins `group` alone and syncs: Stable, generation 1.
  JoinGroupResponse JoinAlone(const std::string& group, const std::vector<std::string>& topics,
                              std::optional<std::string> instance_id = std::nullopt) {
    JoinGroupResponse joined = JoinNew(JoinRequest(group, topics, std::move(instance_id)));
    EXPECT_EQ(joined.error_code, ErrorCode::kNone);
    SyncGroupRequest sync;
    sync.group_id = group;
    sync.generation_id = joined.generation_id;
    sync.member_id = joined.member_id;
    sync.assignments = {{.member_id = joined.member_id, .assignment = "a"}};
    Result<SyncGroupResponse> synced = Call(*client_, sync, 5);
    EXPECT_TRUE(synced.ok()) << synced.status().ToString();
    if (synced.ok()) {
      EXPECT_EQ(synced->error_code, ErrorCode::kNone);
    }
    return joined;
  }

  void Leave(const std::string& group, const std::string& member_id) {
    LeaveGroupRequest leave{.group_id = group, .members = {{.member_id = member_id}}};
    Result<LeaveGroupResponse> left = Call(*client_, leave, 5);
    ASSERT_TRUE(left.ok()) << left.status().ToString();
    EXPECT_EQ(left->error_code, ErrorCode::kNone);
  }

  void ExpectDescribedDead(const std::string& group) {
    Result<DescribeGroupsResponse> d = Call(*client_, DescribeGroupsRequest{.groups = {group}}, 5);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_EQ(d->groups.size(), 1u);
    EXPECT_EQ(d->groups[0].error_code, ErrorCode::kNone);  // v0-5: no error, a Dead group
    EXPECT_EQ(d->groups[0].group_state, "Dead");
  }

  testing::TempDir dir_;  // outlives the broker: TearDown stops it first
  Settings settings_;
  std::optional<RawClient> client_;
};

TEST_F(GroupExpiryTest, SimpleCommitsExpireAfterRetentionAndTheirGroupDies) {
  StartBroker({.retention_ms = 300});
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 2, {}).ok());
  ASSERT_EQ(Commit("simple", "orders", 0, 5), ErrorCode::kNone);
  EXPECT_EQ(Fetch("simple", "orders", 0), 5);
  EXPECT_TRUE(Listed("simple"));

  EXPECT_TRUE(WaitFor([&] { return Fetch("simple", "orders", 0) == -1; }));
  // Empty without offsets: Dead, no longer listed; described as Dead.
  EXPECT_TRUE(WaitFor([&] { return !Listed("simple"); }));
  ExpectDescribedDead("simple");
  // The id may be used again.
  EXPECT_EQ(Commit("simple", "orders", 1, 6), ErrorCode::kNone);
  EXPECT_EQ(Fetch("simple", "orders", 1), 6);
}

TEST_F(GroupExpiryTest, RetentionTimeOfOffsetCommitV2WinsOverTheBrokerSetting) {
  StartBroker({});  // a week of retention
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 2, {}).ok());
  ASSERT_EQ(Commit("g", "orders", 0, 5, /*version=*/2, /*retention_time_ms=*/200),
            ErrorCode::kNone);
  ASSERT_EQ(Commit("g", "orders", 1, 7, /*version=*/2, /*retention_time_ms=*/-1), ErrorCode::kNone);
  EXPECT_EQ(Fetch("g", "orders", 0), 5);
  EXPECT_TRUE(WaitFor([&] { return Fetch("g", "orders", 0) == -1; }));
  EXPECT_EQ(Fetch("g", "orders", 1), 7);
  EXPECT_TRUE(Listed("g"));
}

TEST_F(GroupExpiryTest, ConsumerGroupOffsetsExpireOnlyOnceTheGroupIsEmpty) {
  StartBroker({.retention_ms = 1000});
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  ASSERT_TRUE(broker().logs().CreateTopic("other", 1, {}).ok());
  JoinGroupResponse member = JoinAlone("consumers", {"orders"});
  ASSERT_EQ(Commit("consumers", "orders", 0, 10, 8, -1, member.generation_id, member.member_id),
            ErrorCode::kNone);
  ASSERT_EQ(Commit("consumers", "other", 0, 20, 8, -1, member.generation_id, member.member_id),
            ErrorCode::kNone);

  // Stable: the offsets of a topic nobody subscribes to expire from their
  // commit (KIP-496); the subscribed ones stay, however old.
  EXPECT_TRUE(WaitFor([&] { return Fetch("consumers", "other", 0) == -1; }));
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(Fetch("consumers", "orders", 0), 10);

  // Empty: retention counts from now, not from the commit.
  Leave("consumers", member.member_id);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Fetch("consumers", "orders", 0), 10);
  EXPECT_TRUE(WaitFor([&] { return Fetch("consumers", "orders", 0) == -1; }));
  EXPECT_TRUE(WaitFor([&] { return !Listed("consumers"); }));
  ExpectDescribedDead("consumers");
}

TEST_F(GroupExpiryTest, TombstonesKeepExpiredOffsetsAndDeadGroupsGoneAfterARestart) {
  StartBroker({.memory = false, .retention_ms = 300});
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  ASSERT_EQ(Commit("simple", "orders", 0, 5), ErrorCode::kNone);
  // Its own retention (an hour) outlives the broker's 300 ms.
  ASSERT_EQ(Commit("kept", "orders", 0, 8, /*version=*/3, /*retention_time_ms=*/3600000),
            ErrorCode::kNone);
  JoinGroupResponse member = JoinAlone("consumers", {"orders"});
  ASSERT_EQ(Commit("consumers", "orders", 0, 9, 8, -1, member.generation_id, member.member_id),
            ErrorCode::kNone);
  Leave("consumers", member.member_id);

  EXPECT_TRUE(WaitFor([&] { return ListedGroups() == std::vector<std::string>{"kept"}; }));
  EXPECT_EQ(Fetch("simple", "orders", 0), -1);
  EXPECT_EQ(Fetch("consumers", "orders", 0), -1);

  // A week of retention now: only tombstones keep them away.
  StartBroker({.memory = false});
  EXPECT_EQ(ListedGroups(), std::vector<std::string>{"kept"});
  EXPECT_EQ(Fetch("simple", "orders", 0), -1);
  EXPECT_EQ(Fetch("consumers", "orders", 0), -1);
  EXPECT_EQ(Fetch("kept", "orders", 0), 8);
  ExpectDescribedDead("consumers");

  // The expire timestamp came back with the offset too.
  StartBroker({.memory = false, .retention_ms = 300});
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(Fetch("kept", "orders", 0), 8);
}

TEST_F(GroupExpiryTest, GroupMaxSizeRefusesTheMemberBeyondIt) {
  StartBroker({.max_size = 1});
  JoinGroupResponse first = JoinAlone("g", {"orders"});
  ASSERT_EQ(first.generation_id, 1);

  // A second member, at every way of joining: the first request is refused.
  JoinGroupResponse second = JoinNew(JoinRequest("g", {"orders"}), 9);
  EXPECT_EQ(second.error_code, ErrorCode::kGroupMaxSizeReached);
  EXPECT_EQ(second.member_id, "");
  second = JoinNew(JoinRequest("g", {"orders"}), 0);
  EXPECT_EQ(second.error_code, ErrorCode::kGroupMaxSizeReached);
  second = JoinNew(JoinRequest("g", {"orders"}, "static-2"), 9);
  EXPECT_EQ(second.error_code, ErrorCode::kGroupMaxSizeReached);

  // The member there rejoins as before.
  JoinGroupRequest again = JoinRequest("g", {"orders"});
  again.member_id = first.member_id;
  Result<JoinGroupResponse> rejoined = Call(*client_, again, 9);
  ASSERT_TRUE(rejoined.ok());
  EXPECT_EQ(rejoined->error_code, ErrorCode::kNone);
  EXPECT_EQ(rejoined->member_id, first.member_id);
}

TEST_F(GroupExpiryTest, GroupMaxSizeLetsAStaticMemberComeBack) {
  StartBroker({.max_size = 1});
  JoinGroupResponse first = JoinAlone("g", {"orders"}, "static-1");
  ASSERT_EQ(first.error_code, ErrorCode::kNone);
  ASSERT_EQ(first.member_id.rfind("static-1-", 0), 0u) << first.member_id;

  // Restarted with the same group.instance.id: not a new member.
  JoinGroupResponse back = JoinNew(JoinRequest("g", {"orders"}, "static-1"), 9);
  EXPECT_EQ(back.error_code, ErrorCode::kNone);
  EXPECT_NE(back.member_id, first.member_id);
  JoinGroupResponse other = JoinNew(JoinRequest("g", {"orders"}, "static-2"), 9);
  EXPECT_EQ(other.error_code, ErrorCode::kGroupMaxSizeReached);
}

}  // namespace
}  // namespace brook::broker
