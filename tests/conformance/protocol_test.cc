// tests/conformance/protocol_test.cc
//
// Protocol-level conformance: exact requests through RawClient and the
// answers Apache Kafka gives them. The same binary runs against Brook and
// against any Kafka-compatible broker:
//
//   ninja -C build -j2 conformance_test
//   ctest --test-dir build -L conformance              # an embedded Brook per test
//   BROOK_BOOTSTRAP=localhost:9092 ctest --test-dir build -L conformance
//   BROOK_BOOTSTRAP=localhost:9092 build/tests/conformance_test   # the binary directly
//
// Against an external broker nothing is started and every topic, group and
// transactional id has a fresh name, so the suite can be run repeatedly on
// the same cluster (Apache Kafka 3.x or 4.0, single node or more; topics are
// created with the broker's default replication factor). A scenario that
// needs an API the broker does not advertise is skipped with the reason
// ("broker lacks DescribeTransactions v0"); against Brook nothing skips.
//
// The assertions are Kafka's behaviour. Where Brook answers more than Kafka
// does (the full API list in the ApiVersions v0 fallback, say) the test checks
// only what Kafka guarantees.
#include <gtest/gtest.h>

#include <set>

#include "tests/conformance/conformance_testing.h"

namespace brook::conformance {
namespace {

using ProtocolConformanceTest = ConformanceTest;

TEST_F(ProtocolConformanceTest, ApiVersionsAnswersAnUnknownVersionInV0WithUnsupportedVersion) {
  // ApiVersions v99 with a v2 header (key, version, correlation id, client id,
  // no tags) and a body no broker can parse.
  std::string frame;
  frame += std::string("\x00\x12", 2);          // api key 18
  frame += std::string("\x00\x63", 2);          // version 99
  frame += std::string("\x00\x00\x00\x2a", 4);  // correlation id 42
  frame += std::string("\x00\x03", 2) + "abc";  // client id
  frame += std::string("\x00", 1);              // header tags
  frame += std::string("\x01\x02\x03\x04\x05", 5);
  RawClient& client = bootstrap_client();
  ASSERT_TRUE(client.SendFrame(frame).ok());
  Result<std::string> raw = client.ReadFrame();
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_GE(raw->size(), 4u);
  EXPECT_EQ(raw->substr(0, 4), std::string("\x00\x00\x00\x2a", 4));  // header v0: no tags
  Result<ApiVersionsResponse> body = wire::Decode<ApiVersionsResponse>(raw->substr(4), 0);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->error_code, ErrorCode::kUnsupportedVersion);
  // Kafka lists ApiVersions itself (at least), so the client can retry at a
  // version the broker speaks.
  bool listed = false;
  for (const auto& api : body->api_keys) {
    if (api.api_key != static_cast<int16_t>(ApiKey::kApiVersions)) continue;
    listed = true;
    EXPECT_EQ(api.min_version, 0);
    EXPECT_GE(api.max_version, 3);
  }
  EXPECT_TRUE(listed);
  // The connection stays usable.
  Result<ApiVersionsResponse> again = Call(client, ApiVersionsRequest{}, 0);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->error_code, ErrorCode::kNone);
}

TEST_F(ProtocolConformanceTest, MetadataCreatesAnUnknownTopicOnlyWhenAllowed) {
  CONFORMANCE_REQUIRE_API(MetadataRequest, 4, MetadataRequest::kVersions.max);
  std::string kept_out = Name("no-create");
  Result<MetadataResponse> refused = Metadata(kept_out, /*auto_create=*/false);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_EQ(refused->topics.size(), 1u);
  EXPECT_EQ(refused->topics[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_TRUE(refused->topics[0].partitions.empty());

  std::string topic = Name("auto");
  Result<MetadataResponse> first = Metadata(topic, /*auto_create=*/true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->topics.size(), 1u);
  ErrorCode code = first->topics[0].error_code;
  if (!embedded() && code == ErrorCode::kUnknownTopicOrPartition) {
    GTEST_SKIP() << "broker does not auto-create topics (auto.create.topics.enable=false)";
  }
  // Kafka answers LEADER_NOT_AVAILABLE while the new topic gets its leaders.
  EXPECT_TRUE(code == ErrorCode::kNone || code == ErrorCode::kLeaderNotAvailable)
      << ErrorName(code);
  EXPECT_EQ(first->topics[0].name, topic);
  ASSERT_TRUE(WaitForLeaders(topic));
  Result<MetadataResponse> later = Metadata(topic, /*auto_create=*/false);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->topics.size(), 1u);
  EXPECT_EQ(later->topics[0].error_code, ErrorCode::kNone);
  EXPECT_FALSE(later->topics[0].is_internal);
  ASSERT_GE(later->topics[0].partitions.size(), 1u);
  std::set<int32_t> brokers;
  for (const auto& b : later->brokers) brokers.insert(b.node_id);
  for (const auto& p : later->topics[0].partitions) {
    EXPECT_EQ(p.error_code, ErrorCode::kNone);
    EXPECT_EQ(brokers.count(p.leader_id), 1u) << "partition " << p.partition_index;
  }
  if (Highest<MetadataRequest>() >= 10) {
    EXPECT_FALSE(later->topics[0].topic_id.is_zero());
  }
}

TEST_F(ProtocolConformanceTest, ProduceThenFetchRoundTripsAtTheLowestAndHighestSharedVersions) {
  // Produce v3 is the first to carry v2 record batches; Fetch v4 the first
  // that reads them with the last stable offset.
  CONFORMANCE_REQUIRE_API(ProduceRequest, 3, ProduceRequest::kVersions.max);
  CONFORMANCE_REQUIRE_API(FetchRequest, 4, FetchRequest::kVersions.max);
  std::string topic = Name("roundtrip");
  CreateTopic(topic, 1);
  struct Versions {
    int16_t produce;
    int16_t fetch;
  };
  std::vector<Versions> versions = {{Lowest<ProduceRequest>(3), Lowest<FetchRequest>(4)},
                                    {Highest<ProduceRequest>(), Highest<FetchRequest>()}};
  int64_t next = 0;
  for (const Versions& v : versions) {
    SCOPED_TRACE("Produce v" + std::to_string(v.produce) + ", Fetch v" + std::to_string(v.fetch));
    std::string tag = "p" + std::to_string(v.produce) + "f" + std::to_string(v.fetch);
    auto produced =
        Produce(topic, 0, Batch({.values = {tag + "-a", tag + "-b", tag + "-c"}}), v.produce);
    ASSERT_EQ(produced.error_code, ErrorCode::kNone) << ErrorName(produced.error_code);
    EXPECT_EQ(produced.base_offset, next);
    if (v.produce >= 5) {
      EXPECT_EQ(produced.log_start_offset, 0);
    }

    FetchedPartition fetched = Fetch(topic, 0, next, /*isolation=*/0, v.fetch);
    ASSERT_EQ(fetched.error, ErrorCode::kNone) << ErrorName(fetched.error);
    EXPECT_EQ(fetched.high_watermark, next + 3);
    EXPECT_EQ(fetched.last_stable_offset, next + 3);
    ASSERT_EQ(fetched.records.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(fetched.records[i].offset, next + i);
      EXPECT_EQ(fetched.records[i].key, "k" + std::to_string(i));
    }
    EXPECT_EQ(Values(fetched.records),
              (std::vector<std::string>{tag + "-a", tag + "-b", tag + "-c"}));
    next += 3;
  }
  // Past the end: nothing, no error.
  FetchedPartition end = Fetch(topic, 0, next, /*isolation=*/0);
  EXPECT_EQ(end.error, ErrorCode::kNone);
  EXPECT_TRUE(end.records.empty());
  // Beyond the end: OFFSET_OUT_OF_RANGE.
  FetchedPartition beyond = Fetch(topic, 0, next + 100, /*isolation=*/0);
  EXPECT_EQ(beyond.error, ErrorCode::kOffsetOutOfRange);
}

TEST_F(ProtocolConformanceTest, ListOffsetsFindsEarliestLatestAndMaxTimestamp) {
  CONFORMANCE_REQUIRE_API(ListOffsetsRequest, 1, ListOffsetsRequest::kVersions.max);
  std::string topic = Name("offsets");
  CreateTopic(topic, 1);
  // One record per batch, so that the record with the largest timestamp is
  // a batch of its own (offset 1).
  int64_t now = NowMs();
  for (int64_t ts : {now - 3000, now - 1000, now - 2000}) {
    auto produced = Produce(topic, 0, Batch({.values = {std::to_string(ts)}, .timestamp = ts}));
    ASSERT_EQ(produced.error_code, ErrorCode::kNone) << ErrorName(produced.error_code);
  }
  auto list = [&](int64_t timestamp, int16_t version) {
    ListOffsetsRequest req{.replica_id = -1};
    req.topics.push_back(
        {.name = topic, .partitions = {{.partition_index = 0, .timestamp = timestamp}}});
    Result<ListOffsetsResponse> resp = Call(Leader(topic, 0), req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1) {
      return ListOffsetsResponse::ListOffsetsPartitionResponse{.error_code =
                                                                   ErrorCode::kUnknownServerError};
    }
    return resp->topics[0].partitions[0];
  };
  for (int16_t v : {Lowest<ListOffsetsRequest>(), Highest<ListOffsetsRequest>()}) {
    SCOPED_TRACE("ListOffsets v" + std::to_string(v));
    auto earliest = list(-2, v);
    EXPECT_EQ(earliest.error_code, ErrorCode::kNone) << ErrorName(earliest.error_code);
    EXPECT_EQ(earliest.offset, 0);
    EXPECT_EQ(earliest.timestamp, -1);
    auto latest = list(-1, v);
    EXPECT_EQ(latest.error_code, ErrorCode::kNone) << ErrorName(latest.error_code);
    EXPECT_EQ(latest.offset, 3);
    EXPECT_EQ(latest.timestamp, -1);
    // By timestamp: the first record at or after it.
    auto by_time = list(now - 2500, v);
    EXPECT_EQ(by_time.error_code, ErrorCode::kNone);
    EXPECT_EQ(by_time.offset, 1);
    EXPECT_EQ(by_time.timestamp, now - 1000);
    auto after_all = list(now + 60000, v);
    EXPECT_EQ(after_all.error_code, ErrorCode::kNone);
    EXPECT_EQ(after_all.offset, -1);
    EXPECT_EQ(after_all.timestamp, -1);
  }
  // Max timestamp (-3) is ListOffsets v7+ (KIP-734).
  CONFORMANCE_REQUIRE_API(ListOffsetsRequest, 7, ListOffsetsRequest::kVersions.max);
  auto max = list(-3, Highest<ListOffsetsRequest>());
  EXPECT_EQ(max.error_code, ErrorCode::kNone) << ErrorName(max.error_code);
  EXPECT_EQ(max.offset, 1);
  EXPECT_EQ(max.timestamp, now - 1000);
}

TEST_F(ProtocolConformanceTest, IdempotentProduceAnswersADuplicateWithItsOffsetAndAGapOutOfOrder) {
  CONFORMANCE_REQUIRE_API(InitProducerIdRequest, 0, InitProducerIdRequest::kVersions.max);
  CONFORMANCE_REQUIRE_API(ProduceRequest, 3, ProduceRequest::kVersions.max);
  std::string topic = Name("idempotent");
  CreateTopic(topic, 1);
  ProducerIdAndEpoch p = InitProducerId(bootstrap_client(), std::nullopt);
  ASSERT_GE(p.id, 0);
  ASSERT_GE(p.epoch, 0);
  auto batch = [&](int32_t sequence, const std::string& tag) {
    return Batch({.values = {tag + "0", tag + "1", tag + "2"},
                  .producer_id = p.id,
                  .epoch = p.epoch,
                  .sequence = sequence});
  };
  auto first = Produce(topic, 0, batch(0, "a"));
  ASSERT_EQ(first.error_code, ErrorCode::kNone) << ErrorName(first.error_code);
  EXPECT_EQ(first.base_offset, 0);
  auto second = Produce(topic, 0, batch(3, "b"));
  ASSERT_EQ(second.error_code, ErrorCode::kNone) << ErrorName(second.error_code);
  EXPECT_EQ(second.base_offset, 3);

  // The same batch again (a retry after a lost answer): not written twice,
  // answered with where it went.
  auto duplicate = Produce(topic, 0, batch(0, "a"));
  EXPECT_EQ(duplicate.error_code, ErrorCode::kNone) << ErrorName(duplicate.error_code);
  EXPECT_EQ(duplicate.base_offset, 0);
  // A gap in the sequence (6 expected, 9 sent).
  auto gap = Produce(topic, 0, batch(9, "c"));
  EXPECT_EQ(gap.error_code, ErrorCode::kOutOfOrderSequenceNumber) << ErrorName(gap.error_code);
  // The producer's state is unchanged: the expected sequence is accepted.
  auto third = Produce(topic, 0, batch(6, "d"));
  EXPECT_EQ(third.error_code, ErrorCode::kNone) << ErrorName(third.error_code);
  EXPECT_EQ(third.base_offset, 6);

  FetchedPartition all = Fetch(topic, 0, 0, /*isolation=*/0);
  EXPECT_EQ(all.high_watermark, 9);
  EXPECT_EQ(Values(all.records),
            (std::vector<std::string>{"a0", "a1", "a2", "b0", "b1", "b2", "d0", "d1", "d2"}));
}

// ConsumerProtocolSubscription v0: no topics, null user data.
const std::string kEmptySubscription(
    "\x00\x00"
    "\x00\x00\x00\x00"
    "\xff\xff\xff\xff",
    10);

TEST_F(ProtocolConformanceTest, JoinGroupWithoutAMemberIdIsAskedToJoinAgainWithOne) {
  // MEMBER_ID_REQUIRED is JoinGroup v4+ (KIP-394).
  CONFORMANCE_REQUIRE_API(JoinGroupRequest, 4, JoinGroupRequest::kVersions.max);
  int16_t v = Highest<JoinGroupRequest>();
  std::string group = Name("join");
  RawClient& coordinator = Coordinator(group, /*key_type=*/0);
  JoinGroupRequest req{.group_id = group,
                       .session_timeout_ms = 10000,
                       .rebalance_timeout_ms = 10000,
                       .member_id = "",
                       .protocol_type = "consumer",
                       .protocols = {{.name = "range", .metadata = kEmptySubscription}}};
  Result<JoinGroupResponse> first = SlowCall(coordinator, req, v, 30s);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->error_code, ErrorCode::kMemberIdRequired) << ErrorName(first->error_code);
  EXPECT_FALSE(first->member_id.empty());
  EXPECT_EQ(first->generation_id, -1);

  // Joining again with the id the broker gave completes the (single-member) join.
  req.member_id = first->member_id;
  Result<JoinGroupResponse> second = SlowCall(coordinator, req, v, 30s);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->error_code, ErrorCode::kNone) << ErrorName(second->error_code);
  EXPECT_EQ(second->member_id, first->member_id);
  EXPECT_EQ(second->leader, first->member_id);
  EXPECT_GE(second->generation_id, 1);
  EXPECT_EQ(second->protocol_name, "range");
  ASSERT_EQ(second->members.size(), 1u);
  EXPECT_EQ(second->members[0].member_id, first->member_id);

  LeaveGroupRequest leave{.group_id = group};
  int16_t lv = Highest<LeaveGroupRequest>();
  if (lv >= 3) {
    leave.members.push_back({.member_id = first->member_id});
  } else {
    leave.member_id = first->member_id;
  }
  Result<LeaveGroupResponse> left = Call(coordinator, leave, lv);
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(left->error_code, ErrorCode::kNone);
}

TEST_F(ProtocolConformanceTest, OffsetCommitThenOffsetFetchReturnsTheOffsetsAtEveryVersionRange) {
  CONFORMANCE_REQUIRE_API(OffsetCommitRequest, 2, OffsetCommitRequest::kVersions.max);
  CONFORMANCE_REQUIRE_API(OffsetFetchRequest, 1, OffsetFetchRequest::kVersions.max);
  std::string topic = Name("commits");
  CreateTopic(topic, 3);
  std::string group = Name("offsets");
  RawClient& coordinator = Coordinator(group, /*key_type=*/0);

  // A standalone commit: no member, generation -1 (what assign() users send).
  OffsetCommitRequest commit{.group_id = group, .generation_id_or_member_epoch = -1};
  commit.topics.push_back(
      {.name = topic,
       .partitions = {
           {.partition_index = 0, .committed_offset = 5, .committed_metadata = "five"},
           {.partition_index = 1, .committed_offset = 7, .committed_metadata = "seven"}}});
  auto committed =
      Eventually([&] { return Call(coordinator, commit, Highest<OffsetCommitRequest>()); },
                 [](const Result<OffsetCommitResponse>& r) {
                   return !r.ok() || r->topics.empty() || r->topics[0].partitions.empty() ||
                          !Transient(r->topics[0].partitions[0].error_code);
                 });
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_EQ(committed->topics.size(), 1u);
  ASSERT_EQ(committed->topics[0].partitions.size(), 2u);
  for (const auto& p : committed->topics[0].partitions) {
    EXPECT_EQ(p.error_code, ErrorCode::kNone)
        << "partition " << p.partition_index << ": " << ErrorName(p.error_code);
  }

  struct Seen {
    int64_t offset;
    std::optional<std::string> metadata;
    ErrorCode error;
  };
  for (int16_t v : {Lowest<OffsetFetchRequest>(), Highest<OffsetFetchRequest>()}) {
    SCOPED_TRACE("OffsetFetch v" + std::to_string(v));
    OffsetFetchRequest fetch;
    if (v >= 8) {
      fetch.groups.push_back({.group_id = group,
                              .topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{
                                  {.name = topic, .partition_indexes = {0, 1, 2}}}});
    } else {
      fetch.group_id = group;
      fetch.topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopic>{
          {.name = topic, .partition_indexes = {0, 1, 2}}};
    }
    Result<OffsetFetchResponse> resp = Call(coordinator, fetch, v);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    std::map<int32_t, Seen> seen;
    if (v >= 8) {
      ASSERT_EQ(resp->groups.size(), 1u);
      EXPECT_EQ(resp->groups[0].error_code, ErrorCode::kNone);
      for (const auto& t : resp->groups[0].topics) {
        EXPECT_EQ(t.name, topic);
        for (const auto& p : t.partitions) {
          seen[p.partition_index] = {p.committed_offset, p.metadata, p.error_code};
        }
      }
    } else {
      if (v >= 2) {
        EXPECT_EQ(resp->error_code, ErrorCode::kNone);
      }
      for (const auto& t : resp->topics) {
        EXPECT_EQ(t.name, topic);
        for (const auto& p : t.partitions) {
          seen[p.partition_index] = {p.committed_offset, p.metadata, p.error_code};
        }
      }
    }
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].offset, 5);
    EXPECT_EQ(seen[0].metadata, "five");
    EXPECT_EQ(seen[0].error, ErrorCode::kNone);
    EXPECT_EQ(seen[1].offset, 7);
    EXPECT_EQ(seen[1].metadata, "seven");
    EXPECT_EQ(seen[1].error, ErrorCode::kNone);
    EXPECT_EQ(seen[2].offset, -1);  // never committed
    EXPECT_EQ(seen[2].error, ErrorCode::kNone);
  }
}

TEST_F(ProtocolConformanceTest, CreateTopicsRefusesADuplicateAndAnInvalidConfigPerTopic) {
  CONFORMANCE_REQUIRE_API(CreateTopicsRequest, 2, CreateTopicsRequest::kVersions.max);
  std::string existing = Name("dup");
  CreateTopic(existing, 1);
  std::string fresh = Name("fresh");
  std::string bad_value = Name("bad-value");
  std::string bad_number = Name("bad-number");
  std::string unknown_name = Name("unknown-config");
  for (int16_t v : {Lowest<CreateTopicsRequest>(), Highest<CreateTopicsRequest>()}) {
    SCOPED_TRACE("CreateTopics v" + std::to_string(v));
    std::string fresh_v = fresh + "-v" + std::to_string(v);
    auto results = CreateTopics({{.name = existing, .num_partitions = 1, .replication_factor = -1},
                                 {.name = fresh_v, .num_partitions = 2, .replication_factor = -1},
                                 {.name = bad_value,
                                  .num_partitions = 1,
                                  .replication_factor = -1,
                                  .configs = {{.name = "cleanup.policy", .value = "sometimes"}}},
                                 {.name = bad_number,
                                  .num_partitions = 1,
                                  .replication_factor = -1,
                                  .configs = {{.name = "retention.ms", .value = "soon"}}},
                                 {.name = unknown_name,
                                  .num_partitions = 1,
                                  .replication_factor = -1,
                                  .configs = {{.name = "no.such.config", .value = "1"}}}},
                                v);
    std::map<std::string, ErrorCode> by_name;
    for (const auto& r : results) by_name[r.name] = r.error_code;
    ASSERT_EQ(by_name.size(), 5u);
    EXPECT_EQ(by_name[existing], ErrorCode::kTopicAlreadyExists);
    EXPECT_EQ(by_name[fresh_v], ErrorCode::kNone);
    EXPECT_EQ(by_name[bad_value], ErrorCode::kInvalidConfig);
    EXPECT_EQ(by_name[bad_number], ErrorCode::kInvalidConfig);
    EXPECT_EQ(by_name[unknown_name], ErrorCode::kInvalidConfig);
  }
  // The refused topics were not created.
  for (const std::string& name : {bad_value, bad_number, unknown_name}) {
    Result<MetadataResponse> md = Metadata(name, /*auto_create=*/false);
    ASSERT_TRUE(md.ok());
    ASSERT_EQ(md->topics.size(), 1u);
    EXPECT_EQ(md->topics[0].error_code, ErrorCode::kUnknownTopicOrPartition) << name;
  }
}

// --- Transactions -----------------------------------------------------------

class TransactionConformanceTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (HasFatalFailure()) return;
    topic_ = Name("txn");
    CreateTopic(topic_, 1);
    txn_id_ = Name("txn-id");
  }

  // InitProducerId, AddPartitionsToTxn and a transactional produce of
  // `values` to partition 0: an open transaction.
  void Begin(const std::vector<std::string>& values, int32_t sequence) {
    RawClient& coordinator = Coordinator(txn_id_, /*key_type=*/1);
    if (producer_.id < 0) {
      producer_ = InitProducerId(coordinator, txn_id_);
      ASSERT_GE(producer_.id, 0);
      ASSERT_GE(producer_.epoch, 0);
    }
    ASSERT_EQ(AddPartitionsToTxn(coordinator, txn_id_, producer_, topic_, 0), ErrorCode::kNone);
    auto produced = Produce(topic_, 0,
                            Batch({.values = values,
                                   .producer_id = producer_.id,
                                   .epoch = producer_.epoch,
                                   .sequence = sequence,
                                   .transactional = true}),
                            std::nullopt, txn_id_);
    ASSERT_EQ(produced.error_code, ErrorCode::kNone) << ErrorName(produced.error_code);
  }

  std::string topic_;
  std::string txn_id_;
  ProducerIdAndEpoch producer_;
};

#define REQUIRE_TRANSACTIONS()                                                                 \
  do {                                                                                         \
    CONFORMANCE_REQUIRE_API(InitProducerIdRequest, 0, InitProducerIdRequest::kVersions.max);   \
    CONFORMANCE_REQUIRE_API(AddPartitionsToTxnRequest, 0, 3);                                  \
    CONFORMANCE_REQUIRE_API(EndTxnRequest, 0, EndTxnRequest::kVersions.max);                   \
    CONFORMANCE_REQUIRE_API(FindCoordinatorRequest, 1, FindCoordinatorRequest::kVersions.max); \
  } while (0)

TEST_F(TransactionConformanceTest, CommittedRecordsAppearToReadCommittedOnceTheLsoPassesThem) {
  REQUIRE_TRANSACTIONS();
  ASSERT_NO_FATAL_FAILURE(Begin({"c0", "c1"}, 0));
  // Open: read_committed stops at the transaction's first offset.
  FetchedPartition open = Fetch(topic_, 0, 0, /*isolation=*/1);
  EXPECT_EQ(open.error, ErrorCode::kNone);
  EXPECT_EQ(open.high_watermark, 2);
  EXPECT_EQ(open.last_stable_offset, 0);
  EXPECT_TRUE(open.records.empty());
  // read_uncommitted sees the open transaction's records.
  FetchedPartition dirty = Fetch(topic_, 0, 0, /*isolation=*/0);
  EXPECT_EQ(Values(dirty.records), (std::vector<std::string>{"c0", "c1"}));

  ASSERT_EQ(EndTxn(Coordinator(txn_id_, 1), txn_id_, producer_, /*commit=*/true), ErrorCode::kNone);
  // Two records and the commit marker.
  FetchedPartition done = FetchCommittedUntilLso(topic_, 0, 3);
  EXPECT_EQ(done.error, ErrorCode::kNone);
  EXPECT_EQ(done.high_watermark, 3);
  EXPECT_EQ(done.last_stable_offset, 3);
  EXPECT_EQ(Values(done.records), (std::vector<std::string>{"c0", "c1"}));
  for (const Fetched& r : done.records) {
    EXPECT_TRUE(r.transactional);
    EXPECT_EQ(r.producer_id, producer_.id);
  }
  EXPECT_EQ(done.control_batches, 1);
  EXPECT_TRUE(!done.aborted || done.aborted->empty());
}

TEST_F(TransactionConformanceTest, AnAbortIsListedToReadCommittedFetchesOnly) {
  REQUIRE_TRANSACTIONS();
  ASSERT_NO_FATAL_FAILURE(Begin({"a0", "a1"}, 0));
  ASSERT_EQ(EndTxn(Coordinator(txn_id_, 1), txn_id_, producer_, /*commit=*/false),
            ErrorCode::kNone);
  FetchedPartition committed = FetchCommittedUntilLso(topic_, 0, 3);
  EXPECT_EQ(committed.error, ErrorCode::kNone);
  EXPECT_EQ(committed.last_stable_offset, 3);
  ASSERT_TRUE(committed.aborted.has_value());
  ASSERT_EQ(committed.aborted->size(), 1u);
  EXPECT_EQ((*committed.aborted)[0].producer_id, producer_.id);
  EXPECT_EQ((*committed.aborted)[0].first_offset, 0);
  // The aborted records come back (a consumer drops them with the list above).
  EXPECT_EQ(Values(committed.records), (std::vector<std::string>{"a0", "a1"}));
  EXPECT_EQ(committed.control_batches, 1);

  FetchedPartition uncommitted = Fetch(topic_, 0, 0, /*isolation=*/0);
  EXPECT_EQ(uncommitted.error, ErrorCode::kNone);
  EXPECT_TRUE(!uncommitted.aborted || uncommitted.aborted->empty());
  EXPECT_EQ(Values(uncommitted.records), (std::vector<std::string>{"a0", "a1"}));

  // A committed transaction after the aborted one: the list still names
  // only the aborted one, from offset 0.
  ASSERT_NO_FATAL_FAILURE(Begin({"c0"}, 2));
  ASSERT_EQ(EndTxn(Coordinator(txn_id_, 1), txn_id_, producer_, /*commit=*/true), ErrorCode::kNone);
  FetchedPartition both = FetchCommittedUntilLso(topic_, 0, 5);
  ASSERT_TRUE(both.aborted.has_value());
  ASSERT_EQ(both.aborted->size(), 1u);
  EXPECT_EQ((*both.aborted)[0].first_offset, 0);
  // Fetching from past the aborted transaction lists none.
  FetchedPartition later = Fetch(topic_, 0, 3, /*isolation=*/1);
  EXPECT_TRUE(!later.aborted || later.aborted->empty());
  EXPECT_EQ(Values(later.records), (std::vector<std::string>{"c0"}));
}

TEST_F(TransactionConformanceTest, EndTxnRetriedAfterItSucceededSucceedsAgain) {
  REQUIRE_TRANSACTIONS();
  ASSERT_NO_FATAL_FAILURE(Begin({"r0"}, 0));
  RawClient& coordinator = Coordinator(txn_id_, 1);
  ASSERT_EQ(EndTxn(coordinator, txn_id_, producer_, /*commit=*/true), ErrorCode::kNone);
  // The retry of a commit whose answer was lost: CONCURRENT_TRANSACTIONS
  // while the markers are written, then NONE.
  EXPECT_EQ(EndTxn(coordinator, txn_id_, producer_, /*commit=*/true), ErrorCode::kNone);
  FetchedPartition done = FetchCommittedUntilLso(topic_, 0, 2);
  EXPECT_EQ(Values(done.records), (std::vector<std::string>{"r0"}));
  EXPECT_EQ(done.control_batches, 1);  // one marker, not two
  // Aborting what was committed is refused.
  EXPECT_EQ(EndTxn(coordinator, txn_id_, producer_, /*commit=*/false), ErrorCode::kInvalidTxnState);
}

}  // namespace
}  // namespace brook::conformance
