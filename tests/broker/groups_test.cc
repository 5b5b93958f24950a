// tests/broker/groups_test.cc
//
// The classic group protocol over RawClient: FindCoordinator, two members
// joining and syncing through generations, heartbeats and their errors,
// leaving, session expiry, and the admin APIs (ListGroups, DescribeGroups,
// DeleteGroups).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "broker/broker.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"
#include "protocol/request_header.h"
#include "protocol/wire/serde.h"
#include "storage/log_manager.h"
#include "tests/testing/raw_client.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

class GroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.listener_port = 0;
    config.cluster_id = "brook-test-cluster";
    config.memory = true;
    config.group_min_session_timeout_ms = 100;
    config.io_threads = 4;  // connections on several threads, groups on one strand
    broker_ = std::make_unique<Broker>(config);
    Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  RawClient Connect() {
    RawClient client;
    Status s = client.Connect("127.0.0.1", broker_->port());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return client;
  }

  static JoinGroupRequest Join(const std::string& group, const std::string& member_id,
                               int32_t session_timeout_ms = 10000) {
    JoinGroupRequest req;
    req.group_id = group;
    req.session_timeout_ms = session_timeout_ms;
    req.rebalance_timeout_ms = 5000;
    req.member_id = member_id;
    req.protocol_type = "consumer";
    req.protocols = {{.name = "range", .metadata = "meta-" + member_id.substr(0, 3)},
                     {.name = "roundrobin", .metadata = "rr"}};
    return req;
  }

  // Joins as a new member at `version` (answering MEMBER_ID_REQUIRED on v4+).
  static JoinGroupResponse JoinNew(RawClient& client, const std::string& group,
                                   int16_t version = 9) {
    JoinGroupRequest req = Join(group, "");
    Result<JoinGroupResponse> first = Call(client, req, version);
    EXPECT_TRUE(first.ok());
    if (!first.ok() || first->error_code != ErrorCode::kMemberIdRequired) return *first;
    req.member_id = first->member_id;
    Result<JoinGroupResponse> second = Call(client, req, version);
    EXPECT_TRUE(second.ok());
    return *second;
  }

  static SyncGroupResponse Sync(RawClient& client, const std::string& group, int32_t generation,
                                const std::string& member_id,
                                std::vector<SyncGroupRequest::SyncGroupRequestAssignment> a = {},
                                int16_t version = 5) {
    SyncGroupRequest req;
    req.group_id = group;
    req.generation_id = generation;
    req.member_id = member_id;
    req.assignments = std::move(a);
    Result<SyncGroupResponse> resp = Call(client, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? *resp : SyncGroupResponse{.error_code = ErrorCode::kUnknownServerError};
  }

  static ErrorCode Beat(RawClient& client, const std::string& group, int32_t generation,
                        const std::string& member_id, int16_t version = 4) {
    HeartbeatRequest req{.group_id = group, .generation_id = generation, .member_id = member_id};
    Result<HeartbeatResponse> resp = Call(client, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->error_code : ErrorCode::kUnknownServerError;
  }

  std::unique_ptr<Broker> broker_;
};

TEST_F(GroupsTest, FindCoordinatorAnswersThisNodeForGroups) {
  RawClient client = Connect();
  for (int16_t v : {0, 3}) {
    FindCoordinatorRequest req{.key = "g", .key_type = 0};
    Result<FindCoordinatorResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone);
    EXPECT_EQ(resp->node_id, broker_->config().node_id);
    EXPECT_EQ(resp->host, broker_->advertised_host());
    EXPECT_EQ(resp->port, broker_->advertised_port());
  }
  FindCoordinatorRequest share{.key = "s", .key_type = 2};
  Result<FindCoordinatorResponse> resp = Call(client, share, 3);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, ErrorCode::kInvalidRequest);

  FindCoordinatorRequest batch{.key_type = 0, .coordinator_keys = {"a", "b"}};
  Result<FindCoordinatorResponse> many = Call(client, batch, 6);
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->coordinators.size(), 2u);
  EXPECT_EQ(many->coordinators[1].key, "b");
  EXPECT_EQ(many->coordinators[1].error_code, ErrorCode::kNone);
  EXPECT_EQ(many->coordinators[1].port, broker_->advertised_port());
}

TEST_F(GroupsTest, JoinChecksSessionTimeoutAndGroupId) {
  RawClient client = Connect();
  Result<JoinGroupResponse> resp = Call(client, Join("g", "", 50), 9);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, ErrorCode::kInvalidSessionTimeout);
  resp = Call(client, Join("", ""), 0);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, ErrorCode::kInvalidGroupId);
  resp = Call(client, Join("nope", "ghost"), 5);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, ErrorCode::kUnknownMemberId);
  JoinGroupRequest bad = Join("g", "");
  bad.protocols.clear();
  resp = Call(client, bad, 9);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->error_code, ErrorCode::kInconsistentGroupProtocol);
  // The failed joins left no group behind.
  Result<ListGroupsResponse> listed = Call(client, ListGroupsRequest{}, 3);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->groups.empty());
}

TEST_F(GroupsTest, TwoMembersJoinSyncAndRebalance) {
  RawClient a = Connect();
  RawClient b = Connect();
  // v4+: the first join hands out an id.
  Result<JoinGroupResponse> first = Call(a, Join("g", ""), 4);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->error_code, ErrorCode::kMemberIdRequired);
  EXPECT_EQ(first->member_id.rfind("brook-test-", 0), 0u) << first->member_id;

  // (A member that never comes back with its id would hold up rebalances
  // until its session runs out.)
  Result<JoinGroupResponse> joined = Call(a, Join("g", first->member_id), 4);
  ASSERT_TRUE(joined.ok());
  JoinGroupResponse ja = *joined;
  ASSERT_EQ(ja.error_code, ErrorCode::kNone);
  EXPECT_EQ(ja.generation_id, 1);
  EXPECT_EQ(ja.leader, ja.member_id);
  EXPECT_EQ(ja.protocol_name, "range");
  EXPECT_EQ(ja.protocol_type, std::nullopt);  // v7+
  ASSERT_EQ(ja.members.size(), 1u);
  SyncGroupResponse sa = Sync(a, "g", 1, ja.member_id, {{ja.member_id, "all-of-it"}});
  EXPECT_EQ(sa.error_code, ErrorCode::kNone);
  EXPECT_EQ(sa.assignment, "all-of-it");
  EXPECT_EQ(sa.protocol_name, "range");

  // b joins (v0: no member id round): the group rebalances and a learns it
  // from its heartbeat, then rejoins.
  auto jb_future = std::async(std::launch::async, [&] { return Call(b, Join("g", ""), 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Beat(a, "g", 1, ja.member_id), ErrorCode::kRebalanceInProgress);
  Result<JoinGroupResponse> ja2 = Call(a, Join("g", ja.member_id), 9);
  Result<JoinGroupResponse> jb = jb_future.get();
  ASSERT_TRUE(ja2.ok() && jb.ok());
  ASSERT_EQ(ja2->error_code, ErrorCode::kNone);
  ASSERT_EQ(jb->error_code, ErrorCode::kNone);
  EXPECT_EQ(ja2->generation_id, 2);
  EXPECT_EQ(jb->generation_id, 2);
  EXPECT_EQ(ja2->leader, ja.member_id);
  EXPECT_EQ(jb->leader, ja.member_id);
  EXPECT_EQ(ja2->protocol_type, "consumer");
  EXPECT_EQ(ja2->members.size(), 2u);
  EXPECT_TRUE(jb->members.empty());

  // Old generation: ILLEGAL_GENERATION; unknown member: UNKNOWN_MEMBER_ID.
  EXPECT_EQ(Beat(a, "g", 1, ja.member_id), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Beat(a, "g", 2, "ghost"), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Sync(a, "g", 1, ja.member_id).error_code, ErrorCode::kIllegalGeneration);

  // The follower syncs first and waits for the leader.
  auto sb_future =
      std::async(std::launch::async, [&] { return Sync(b, "g", 2, jb->member_id, {}, 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Leader assigns only itself: b gets empty bytes.
  SyncGroupResponse sa2 = Sync(a, "g", 2, ja.member_id, {{ja.member_id, "p0"}});
  SyncGroupResponse sb = sb_future.get();
  EXPECT_EQ(sa2.error_code, ErrorCode::kNone);
  EXPECT_EQ(sa2.assignment, "p0");
  EXPECT_EQ(sb.error_code, ErrorCode::kNone);
  EXPECT_EQ(sb.assignment, "");
  EXPECT_EQ(Beat(b, "g", 2, jb->member_id, 0), ErrorCode::kNone);

  // Describe while Stable: metadata and assignments.
  Result<DescribeGroupsResponse> d = Call(
      a, DescribeGroupsRequest{.groups = {"g", "unknown"}, .include_authorized_operations = true},
      5);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->groups.size(), 2u);
  EXPECT_EQ(d->groups[0].group_state, "Stable");
  EXPECT_EQ(d->groups[0].protocol_type, "consumer");
  EXPECT_EQ(d->groups[0].protocol_data, "range");
  EXPECT_EQ(d->groups[0].members.size(), 2u);
  EXPECT_EQ(d->groups[0].members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(d->groups[1].group_state, "Dead");
  EXPECT_EQ(d->groups[1].error_code, ErrorCode::kNone);

  // Delete refuses a group with members.
  Result<DeleteGroupsResponse> del = Call(a, DeleteGroupsRequest{.groups_names = {"g", "x"}}, 2);
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->results[0].error_code, ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(del->results[1].error_code, ErrorCode::kGroupIdNotFound);

  // b leaves (v3 batch): a must rejoin; it is alone in generation 3.
  LeaveGroupRequest leave{.group_id = "g",
                          .members = {{.member_id = jb->member_id}, {.member_id = "ghost"}}};
  Result<LeaveGroupResponse> left = Call(b, leave, 5);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->error_code, ErrorCode::kNone);
  ASSERT_EQ(left->members.size(), 2u);
  EXPECT_EQ(left->members[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(left->members[1].error_code, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Beat(a, "g", 2, ja.member_id), ErrorCode::kRebalanceInProgress);
  Result<JoinGroupResponse> ja3 = Call(a, Join("g", ja.member_id), 9);
  ASSERT_TRUE(ja3.ok());
  EXPECT_EQ(ja3->generation_id, 3);
  EXPECT_EQ(ja3->members.size(), 1u);

  // a leaves (v0): the group is Empty and can be deleted.
  Result<LeaveGroupResponse> a_left =
      Call(a, LeaveGroupRequest{.group_id = "g", .member_id = ja.member_id}, 0);
  ASSERT_TRUE(a_left.ok());
  EXPECT_EQ(a_left->error_code, ErrorCode::kNone);
  Result<ListGroupsResponse> listed = Call(a, ListGroupsRequest{.states_filter = {"empty"}}, 5);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->groups.size(), 1u);
  EXPECT_EQ(listed->groups[0].group_id, "g");
  EXPECT_EQ(listed->groups[0].group_state, "Empty");
  EXPECT_EQ(listed->groups[0].group_type, "classic");
  listed = Call(a, ListGroupsRequest{.states_filter = {"Stable"}}, 4);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->groups.empty());
  listed = Call(a, ListGroupsRequest{}, 0);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->groups.size(), 1u);
  del = Call(a, DeleteGroupsRequest{.groups_names = {"g"}}, 0);
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->results[0].error_code, ErrorCode::kNone);
}

TEST_F(GroupsTest, ExpiredSessionRemovesTheMember) {
  RawClient a = Connect();
  JoinGroupRequest req = Join("g", "", 300);
  Result<JoinGroupResponse> j = Call(a, req, 3);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->error_code, ErrorCode::kNone);
  EXPECT_EQ(Sync(a, "g", 1, j->member_id, {}, 3).error_code, ErrorCode::kNone);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(Beat(a, "g", 1, j->member_id), ErrorCode::kUnknownMemberId);
  Result<DescribeGroupsResponse> d = Call(a, DescribeGroupsRequest{.groups = {"g"}}, 0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->groups[0].group_state, "Empty");
}

TEST_F(GroupsTest, StaticMemberIsFencedByItsReplacement) {
  RawClient a = Connect();
  JoinGroupRequest req = Join("g", "");
  req.group_instance_id = "instance-1";
  Result<JoinGroupResponse> j1 = Call(a, req, 5);
  ASSERT_TRUE(j1.ok());
  ASSERT_EQ(j1->error_code, ErrorCode::kNone);  // static members need no second round
  EXPECT_EQ(j1->member_id.rfind("instance-1-", 0), 0u);
  ASSERT_EQ(Sync(a, "g", 1, j1->member_id, {{j1->member_id, "mine"}}).error_code, ErrorCode::kNone);
  Result<JoinGroupResponse> j2 = Call(a, req, 9);
  ASSERT_TRUE(j2.ok());
  ASSERT_EQ(j2->error_code, ErrorCode::kNone);
  EXPECT_NE(j2->member_id, j1->member_id);
  // Stable and the same protocols: no rebalance; the leader skips assigning.
  EXPECT_EQ(j2->generation_id, 1);
  EXPECT_TRUE(j2->skip_assignment);
  EXPECT_EQ(Sync(a, "g", 1, j2->member_id).assignment, "mine");
  HeartbeatRequest hb{.group_id = "g",
                      .generation_id = j2->generation_id,
                      .member_id = j1->member_id,
                      .group_instance_id = "instance-1"};
  Result<HeartbeatResponse> beat = Call(a, hb, 3);
  ASSERT_TRUE(beat.ok());
  EXPECT_EQ(beat->error_code, ErrorCode::kFencedInstanceId);
}

}  // namespace
}  // namespace brook::broker

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

class GroupVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.listener_port = 0;
    config.memory = true;
    config.group_min_session_timeout_ms = 100;
    config.io_threads = 4;  // connections on several threads, groups on one strand
    broker_ = std::make_unique<Broker>(config);
    ASSERT_TRUE(broker_->Start().ok());
    ASSERT_TRUE(client_.Connect("127.0.0.1", broker_->port()).ok());
  }

  std::unique_ptr<Broker> broker_;
  RawClient client_;
};

// Every version of every group API gets an answer that decodes: a whole
// join-sync-heartbeat-commit-fetch-leave cycle per JoinGroup version.
TEST_F(GroupVersionsTest, EveryVersionIsAnswered) {
  ASSERT_TRUE(broker_->logs().CreateTopic("t", 1, {}).ok());
  for (int16_t v = 0; v <= 6; ++v) {
    Result<FindCoordinatorResponse> r =
        Call(client_, FindCoordinatorRequest{.key = "g", .coordinator_keys = {"g"}}, v);
    ASSERT_TRUE(r.ok()) << "FindCoordinator v" << v;
    EXPECT_EQ(v >= 4 ? r->coordinators.at(0).error_code : r->error_code, ErrorCode::kNone);
  }
  for (int16_t v = 0; v <= 9; ++v) {
    const std::string group = "g" + std::to_string(v);
    JoinGroupRequest join{.group_id = group,
                          .session_timeout_ms = 10000,
                          .rebalance_timeout_ms = 10000,
                          .protocol_type = "consumer",
                          .protocols = {{.name = "range", .metadata = "m"}}};
    Result<JoinGroupResponse> j = Call(client_, join, v);
    ASSERT_TRUE(j.ok()) << "JoinGroup v" << v;
    if (v >= 4) {
      ASSERT_EQ(j->error_code, ErrorCode::kMemberIdRequired) << v;
      join.member_id = j->member_id;
      j = Call(client_, join, v);
      ASSERT_TRUE(j.ok());
    }
    ASSERT_EQ(j->error_code, ErrorCode::kNone) << "JoinGroup v" << v;
    EXPECT_EQ(j->members.size(), 1u);
    const int16_t sync_v = std::min<int16_t>(v, 5);
    SyncGroupRequest sync{.group_id = group, .generation_id = 1, .member_id = j->member_id};
    if (sync_v >= 5) {
      sync.protocol_type = "consumer";
      sync.protocol_name = "range";
    }
    sync.assignments = {{.member_id = j->member_id, .assignment = "a"}};
    Result<SyncGroupResponse> s = Call(client_, sync, sync_v);
    ASSERT_TRUE(s.ok()) << "SyncGroup v" << sync_v;
    EXPECT_EQ(s->error_code, ErrorCode::kNone);
    EXPECT_EQ(s->assignment, "a");
    const int16_t hb_v = std::min<int16_t>(v, 4);
    Result<HeartbeatResponse> h = Call(
        client_, HeartbeatRequest{.group_id = group, .generation_id = 1, .member_id = j->member_id},
        hb_v);
    ASSERT_TRUE(h.ok()) << "Heartbeat v" << hb_v;
    EXPECT_EQ(h->error_code, ErrorCode::kNone);
    const int16_t commit_v = std::clamp<int16_t>(v, 2, 9);
    OffsetCommitRequest commit{
        .group_id = group,
        .generation_id_or_member_epoch = 1,
        .member_id = j->member_id,
        .topics = {{.name = "t", .partitions = {{.partition_index = 0, .committed_offset = v}}}}};
    Result<OffsetCommitResponse> c = Call(client_, commit, commit_v);
    ASSERT_TRUE(c.ok()) << "OffsetCommit v" << commit_v;
    EXPECT_EQ(c->topics.at(0).partitions.at(0).error_code, ErrorCode::kNone);
    const int16_t fetch_v = std::clamp<int16_t>(v, 1, 9);
    OffsetFetchRequest fetch;
    fetch.group_id = group;
    fetch.topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopic>{
        {.name = "t", .partition_indexes = {0}}};
    fetch.groups = {{.group_id = group,
                     .topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{
                         {.name = "t", .partition_indexes = {0}}}}};
    Result<OffsetFetchResponse> f = Call(client_, fetch, fetch_v);
    ASSERT_TRUE(f.ok()) << "OffsetFetch v" << fetch_v;
    const auto offset = fetch_v >= 8
                            ? f->groups.at(0).topics.at(0).partitions.at(0).committed_offset
                            : f->topics.at(0).partitions.at(0).committed_offset;
    EXPECT_EQ(offset, v);
    const int16_t leave_v = std::min<int16_t>(v, 5);
    LeaveGroupRequest leave{
        .group_id = group, .member_id = j->member_id, .members = {{.member_id = j->member_id}}};
    Result<LeaveGroupResponse> l = Call(client_, leave, leave_v);
    ASSERT_TRUE(l.ok()) << "LeaveGroup v" << leave_v;
    EXPECT_EQ(l->error_code, ErrorCode::kNone);
    if (leave_v >= 3) {
      EXPECT_EQ(l->members.at(0).error_code, ErrorCode::kNone);
    }
  }
  for (int16_t v = 0; v <= 5; ++v) {
    Result<ListGroupsResponse> r = Call(client_, ListGroupsRequest{}, v);
    ASSERT_TRUE(r.ok()) << "ListGroups v" << v;
    EXPECT_EQ(r->groups.size(), 10u);
    Result<DescribeGroupsResponse> d = Call(client_, DescribeGroupsRequest{.groups = {"g9"}}, v);
    ASSERT_TRUE(d.ok()) << "DescribeGroups v" << v;
    EXPECT_EQ(d->groups.at(0).group_state, "Empty");
  }
  // Its only offset deleted, the Empty group is Dead (Kafka's cleanupGroupMetadata).
  Result<OffsetDeleteResponse> od = Call(
      client_,
      OffsetDeleteRequest{.group_id = "g9", .topics = {{.name = "t", .partitions = {{0}}}}}, 0);
  ASSERT_TRUE(od.ok());
  EXPECT_EQ(od->error_code, ErrorCode::kNone);
  Result<ListGroupsResponse> listed = Call(client_, ListGroupsRequest{}, 5);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->groups.size(), 9u);
  for (int16_t v = 0; v <= 2; ++v) {
    const std::string group = "g" + std::to_string(v);
    Result<DeleteGroupsResponse> r = Call(client_, DeleteGroupsRequest{.groups_names = {group}}, v);
    ASSERT_TRUE(r.ok()) << "DeleteGroups v" << v;
    EXPECT_EQ(r->results.at(0).error_code, ErrorCode::kNone);
  }
}

// A join parked in a rebalance when the broker stops: shutdown neither hangs
// nor crashes, and the client sees its connection close.
TEST_F(GroupVersionsTest, ParkedJoinEndsWithTheBroker) {
  JoinGroupRequest join{.group_id = "g",
                        .session_timeout_ms = 10000,
                        .rebalance_timeout_ms = 60000,
                        .protocol_type = "consumer",
                        .protocols = {{.name = "range", .metadata = "m"}}};
  Result<JoinGroupResponse> j = Call(client_, join, 3);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->error_code, ErrorCode::kNone);
  // A second member's join waits for the first to rejoin (it never does).
  RawClient other;
  ASSERT_TRUE(other.Connect("127.0.0.1", broker_->port()).ok());
  RequestHeader header{.api_key = ApiKey::kJoinGroup,
                       .api_version = 3,
                       .correlation_id = other.TakeCorrelationId(),
                       .client_id = "other"};
  std::string frame;
  EncodeRequestHeader(frame, header, RequestHeaderVersion(false));
  wire::EncodeTo(frame, join, 3);
  ASSERT_TRUE(other.SendFrame(frame).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  broker_->Stop();
  broker_.reset();
  EXPECT_TRUE(other.WaitClosed(std::chrono::seconds(5)));
}

// group.initial.rebalance.delay.ms: members arriving within the delay share
// the first generation.
TEST(GroupInitialDelayTest, MembersJoiningWithinTheDelayShareTheFirstGeneration) {
  BrokerConfig config;
  config.listener_port = 0;
  config.memory = true;
  config.group_initial_rebalance_delay_ms = 500;
  Broker broker(config);
  ASSERT_TRUE(broker.Start().ok());
  auto join = [&](const std::string& name) {
    RawClient c;
    EXPECT_TRUE(c.Connect("127.0.0.1", broker.port()).ok());
    JoinGroupRequest req{.group_id = "g",
                         .session_timeout_ms = 10000,
                         .rebalance_timeout_ms = 10000,
                         .protocol_type = "consumer",
                         .protocols = {{.name = "range", .metadata = name}}};
    return Call(c, req, 3, name);
  };
  auto first = std::async(std::launch::async, join, "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto second = std::async(std::launch::async, join, "b");
  Result<JoinGroupResponse> a = first.get();
  Result<JoinGroupResponse> b = second.get();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->error_code, ErrorCode::kNone);
  EXPECT_EQ(b->error_code, ErrorCode::kNone);
  EXPECT_EQ(a->generation_id, 1);
  EXPECT_EQ(b->generation_id, 1);
  EXPECT_EQ(a->leader, b->leader);
}

}  // namespace
}  // namespace brook::broker
