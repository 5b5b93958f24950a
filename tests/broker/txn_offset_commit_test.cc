// tests/broker/txn_offset_commit_test.cc
//
// TxnOffsetCommit over RawClient: transactional offsets pend (invisible to
// OffsetFetch, UNSTABLE_OFFSET_COMMIT with require_stable) until the
// transaction's marker, which the tests write themselves as the transaction
// coordinator does (AppendMarker on the group's __consumer_offsets partition,
// then GroupCoordinator::CompleteTransaction); commit and abort across a
// restart on disk; the group and member checks of every version; and, on a
// coordinator of its own, the verification seam.
#include "protocol/messages/txn_offset_commit.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <future>
#include <shared_mutex>
#include <thread>

#include "broker/broker.h"
#include "broker/group_coordinator.h"
#include "broker/group_records.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"
#include "storage/log_manager.h"
#include "storage/mem_file_system.h"
#include "storage/metadata_store.h"
#include "storage/partition_log.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

constexpr int64_t kPid = 4000;
constexpr char kGroup[] = "txn-group";

TxnOffsetCommitRequest TxnCommit(const std::string& group, int64_t producer_id, int16_t epoch,
                                 const std::string& topic, int32_t partition, int64_t offset) {
  TxnOffsetCommitRequest req;
  req.transactional_id = "tx-" + std::to_string(producer_id);
  req.group_id = group;
  req.producer_id = producer_id;
  req.producer_epoch = epoch;
  req.topics = {{.name = topic,
                 .partitions = {{.partition_index = partition,
                                 .committed_offset = offset,
                                 .committed_leader_epoch = 0,
                                 .committed_metadata = "t" + std::to_string(offset)}}}};
  return req;
}

ErrorCode TxnCommitError(RawClient& client, const TxnOffsetCommitRequest& req, int16_t version) {
  Result<TxnOffsetCommitResponse> resp = Call(client, req, version);
  EXPECT_TRUE(resp.ok()) << resp.status().ToString();
  if (!resp.ok() || resp->topics.empty() || resp->topics[0].partitions.empty()) {
    return ErrorCode::kUnknownServerError;
  }
  return resp->topics[0].partitions[0].error_code;
}

struct Fetched {
  int64_t offset = -2;
  ErrorCode error = ErrorCode::kUnknownServerError;
  std::string metadata;
};

// One partition's committed offset through OffsetFetch v8 (or v7).
Fetched FetchOne(RawClient& client, const std::string& group, const std::string& topic,
                 int32_t partition, bool require_stable = false, int16_t version = 8) {
  OffsetFetchRequest req;
  req.require_stable = require_stable;
  if (version >= 8) {
    req.groups = {
        {.group_id = group, .topics = {{{.name = topic, .partition_indexes = {partition}}}}}};
  } else {
    req.group_id = group;
    req.topics = {{{.name = topic, .partition_indexes = {partition}}}};
  }
  Result<OffsetFetchResponse> resp = Call(client, req, version);
  EXPECT_TRUE(resp.ok()) << resp.status().ToString();
  Fetched out;
  if (!resp.ok()) return out;
  if (version >= 8) {
    if (resp->groups.size() != 1 || resp->groups[0].topics.size() != 1 ||
        resp->groups[0].topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "unexpected OffsetFetch shape";
      return out;
    }
    const auto& p = resp->groups[0].topics[0].partitions[0];
    // A group-level error (loading) comes with the same partition error.
    if (resp->groups[0].error_code != ErrorCode::kNone) {
      EXPECT_EQ(p.error_code, resp->groups[0].error_code);
    }
    return {p.committed_offset, p.error_code, p.metadata.value_or("")};
  }
  if (resp->topics.size() != 1 || resp->topics[0].partitions.size() != 1) {
    ADD_FAILURE() << "unexpected OffsetFetch shape";
    return out;
  }
  EXPECT_EQ(resp->error_code, ErrorCode::kNone);  // the error is the partition's
  const auto& p = resp->topics[0].partitions[0];
  return {p.committed_offset, p.error_code, p.metadata.value_or("")};
}

// Awaits `op` from a thread of the test.
template <typename T>
T RunAwaitable(asio::awaitable<T> op) {
  asio::io_context io;
  std::future<T> done = asio::co_spawn(io, std::move(op), asio::use_future);
  io.run();
  return done.get();
}

class TxnOffsetCommitTest : public TestBrokerFixture {
 protected:
  void SetUp() override {}  // each test starts its broker, in memory or on disk

  void Configure(BrokerConfig& config) override {
    TestBrokerFixture::Configure(config);
    config.memory = memory_;
    config.log_dirs = dir_.path();
    // These tests play the transaction coordinator themselves (markers and
    // CompleteTransaction by hand) with producer ids it never handed out.
    config.transaction_partition_verification = false;
  }

  void StartBroker(bool memory) {
    memory_ = memory;
    TestBrokerFixture::StartBroker();
  }

  void RestartBroker() {
    broker().Stop();
    StopBroker();
    StartBroker(false);
  }

  // What the transaction coordinator does when `producer_id`'s transaction
  // ends: the marker in the group's partition, then the group coordinator.
  // Returns the marker's offset.
  int64_t EndTxn(const std::string& group, int64_t producer_id, int16_t epoch, bool commit) {
    const int32_t partition = OffsetsPartitionFor(group, kOffsetsTopicPartitions);
    std::shared_ptr<storage::PartitionLog> log =
        broker().logs().Partition(std::string(kOffsetsTopic), partition);
    EXPECT_NE(log, nullptr);
    if (log == nullptr) return -1;
    Result<storage::AppendResult> marker = log->AppendMarker(
        producer_id, epoch, commit ? ControlRecordType::kCommit : ControlRecordType::kAbort,
        /*coordinator_epoch=*/0, /*leader_epoch=*/0);
    EXPECT_TRUE(marker.ok()) << marker.status().ToString();
    if (!marker.ok()) return -1;
    RunAwaitable(
        broker().groups().CompleteTransaction(producer_id, partition, marker->base_offset, commit));
    return marker->base_offset;
  }

  // OffsetFetch, retried while the coordinator is loading.
  Fetched FetchAfterLoad(RawClient& client, const std::string& group, const std::string& topic,
                         int32_t partition, bool require_stable = false) {
    for (int i = 0; i < 100; ++i) {
      Fetched f = FetchOne(client, group, topic, partition, require_stable);
      if (f.error != ErrorCode::kCoordinatorLoadInProgress) return f;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "still loading";
    return {};
  }

  testing::TempDir dir_;
  bool memory_ = true;
};

TEST_F(TxnOffsetCommitTest, PendingOffsetsAreInvisibleUntilTheCommitMarker) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 2, {}).ok());
  RawClient client = Connect();
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 1, 17), 3),
            ErrorCode::kNone);

  // Pending: not visible, and unstable when the client asks for stability.
  Fetched before = FetchOne(client, kGroup, "orders", 1);
  EXPECT_EQ(before.offset, -1);
  EXPECT_EQ(before.error, ErrorCode::kNone);
  Fetched unstable = FetchOne(client, kGroup, "orders", 1, /*require_stable=*/true);
  EXPECT_EQ(unstable.offset, -1);
  EXPECT_EQ(unstable.error, ErrorCode::kUnstableOffsetCommit);
  Fetched unstable_v7 = FetchOne(client, kGroup, "orders", 1, /*require_stable=*/true, 7);
  EXPECT_EQ(unstable_v7.error, ErrorCode::kUnstableOffsetCommit);
  // Another partition of the group is stable.
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0, /*require_stable=*/true).error, ErrorCode::kNone);

  // The batch in __consumer_offsets is the producer's, transactional, and
  // holds the partition's last stable offset.
  std::shared_ptr<storage::PartitionLog> log = broker().logs().Partition(
      std::string(kOffsetsTopic), OffsetsPartitionFor(kGroup, kOffsetsTopicPartitions));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->last_stable_offset(), 0);
  std::vector<storage::ProducerDescription> producers = log->DescribeProducers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(producers[0].producer_id, kPid);
  EXPECT_EQ(producers[0].current_txn_start_offset, 0);

  const int64_t marker = EndTxn(kGroup, kPid, 0, /*commit=*/true);
  EXPECT_EQ(marker, 1);
  Fetched after = FetchOne(client, kGroup, "orders", 1, /*require_stable=*/true);
  EXPECT_EQ(after.error, ErrorCode::kNone);
  EXPECT_EQ(after.offset, 17);
  EXPECT_EQ(after.metadata, "t17");
  // Applying the same end again changes nothing.
  RunAwaitable(broker().groups().CompleteTransaction(
      kPid, OffsetsPartitionFor(kGroup, kOffsetsTopicPartitions), marker, true));
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 1).offset, 17);
}

TEST_F(TxnOffsetCommitTest, AnAbortDropsThePendingOffsets) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 5), 0),
            ErrorCode::kNone);
  EndTxn(kGroup, kPid, 0, /*commit=*/true);
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 9), 4),
            ErrorCode::kNone);
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0, true).error, ErrorCode::kUnstableOffsetCommit);
  EndTxn(kGroup, kPid, 0, /*commit=*/false);
  Fetched f = FetchOne(client, kGroup, "orders", 0, true);
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, 5);
}

TEST_F(TxnOffsetCommitTest, AMarkerCompletesOnlyWhatWasWrittenBeforeIt) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  const int32_t partition = OffsetsPartitionFor(kGroup, kOffsetsTopicPartitions);
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 5), 3),
            ErrorCode::kNone);
  const int64_t first_marker = EndTxn(kGroup, kPid, 0, /*commit=*/true);
  // The producer's next transaction, then the first marker's completion
  // delivered again: the new offsets stay pending.
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 6), 3),
            ErrorCode::kNone);
  RunAwaitable(broker().groups().CompleteTransaction(kPid, partition, first_marker, true));
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0, true).error, ErrorCode::kUnstableOffsetCommit);
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0).offset, 5);
  // A marker of another partition (another group's) leaves them too.
  RunAwaitable(broker().groups().CompleteTransaction(kPid, (partition + 1) % 50, 1000, true));
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0).offset, 5);
  EndTxn(kGroup, kPid, 0, /*commit=*/true);
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0, true).offset, 6);
}

TEST_F(TxnOffsetCommitTest, ALaterPlainCommitWinsOverAnEarlierTransactionalOne) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 5), 3),
            ErrorCode::kNone);
  OffsetCommitRequest plain;
  plain.group_id = kGroup;
  plain.generation_id_or_member_epoch = -1;
  plain.topics = {
      {.name = "orders", .partitions = {{.partition_index = 0, .committed_offset = 50}}}};
  Result<OffsetCommitResponse> r = Call(client, plain, 8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->topics[0].partitions[0].error_code, ErrorCode::kNone);
  EndTxn(kGroup, kPid, 0, /*commit=*/true);
  // Kafka keeps the record with the higher offset in __consumer_offsets.
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 0).offset, 50);
}

TEST_F(TxnOffsetCommitTest, ARestartReloadsCommittedAbortedAndPendingOffsets) {
  StartBroker(false);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 3, {}).ok());
  {
    RawClient client = Connect();
    // Partition 0: committed by a transaction. Partition 1: aborted (over
    // a plain commit of 3). Partition 2: still pending.
    EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 10), 3),
              ErrorCode::kNone);
    EndTxn(kGroup, kPid, 0, /*commit=*/true);
    OffsetCommitRequest plain;
    plain.group_id = kGroup;
    plain.generation_id_or_member_epoch = -1;
    plain.topics = {
        {.name = "orders", .partitions = {{.partition_index = 1, .committed_offset = 3}}}};
    ASSERT_TRUE(Call(client, plain, 8).ok());
    EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid + 1, 0, "orders", 1, 11), 3),
              ErrorCode::kNone);
    EndTxn(kGroup, kPid + 1, 0, /*commit=*/false);
    EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid + 2, 0, "orders", 2, 12), 3),
              ErrorCode::kNone);
  }
  RestartBroker();
  RawClient client = Connect();
  Fetched committed = FetchAfterLoad(client, kGroup, "orders", 0, true);
  EXPECT_EQ(committed.error, ErrorCode::kNone);
  EXPECT_EQ(committed.offset, 10);
  Fetched aborted = FetchOne(client, kGroup, "orders", 1, true);
  EXPECT_EQ(aborted.error, ErrorCode::kNone);
  EXPECT_EQ(aborted.offset, 3);
  Fetched pending = FetchOne(client, kGroup, "orders", 2, true);
  EXPECT_EQ(pending.error, ErrorCode::kUnstableOffsetCommit);
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 2).offset, -1);

  // The transaction still open before the restart commits after it.
  EndTxn(kGroup, kPid + 2, 0, /*commit=*/true);
  EXPECT_EQ(FetchOne(client, kGroup, "orders", 2, true).offset, 12);
  // And the whole story reads back the same once more.
  RestartBroker();
  RawClient again = Connect();
  EXPECT_EQ(FetchAfterLoad(again, kGroup, "orders", 0, true).offset, 10);
  EXPECT_EQ(FetchOne(again, kGroup, "orders", 1, true).offset, 3);
  EXPECT_EQ(FetchOne(again, kGroup, "orders", 2, true).offset, 12);
}

TEST_F(TxnOffsetCommitTest, GroupAndPartitionErrorsAtEveryVersion) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  for (int16_t v = TxnOffsetCommitRequest::kVersions.min;
       v <= TxnOffsetCommitRequest::kVersions.max; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    const std::string group = "g" + std::to_string(v);
    EXPECT_EQ(TxnCommitError(client, TxnCommit("", kPid, 0, "orders", 0, 1), v),
              ErrorCode::kInvalidGroupId);
    EXPECT_EQ(TxnCommitError(client, TxnCommit(group, kPid, 0, "nope", 0, 1), v),
              ErrorCode::kUnknownTopicOrPartition);
    EXPECT_EQ(TxnCommitError(client, TxnCommit(group, kPid, 0, "orders", 7, 1), v),
              ErrorCode::kUnknownTopicOrPartition);
    TxnOffsetCommitRequest big = TxnCommit(group, kPid, 0, "orders", 0, 1);
    big.topics[0].partitions[0].committed_metadata = std::string(5000, 'x');
    EXPECT_EQ(TxnCommitError(client, big, v), ErrorCode::kOffsetMetadataTooLarge);
    // One bad partition does not fail the others.
    TxnOffsetCommitRequest mixed = TxnCommit(group, kPid + v, 0, "orders", 0, 1);
    mixed.topics.push_back({.name = "nope", .partitions = {{.partition_index = 0}}});
    Result<TxnOffsetCommitResponse> r = Call(client, mixed, v);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->topics.size(), 2u);
    EXPECT_EQ(r->topics[0].partitions[0].error_code, ErrorCode::kNone);
    EXPECT_EQ(r->topics[1].partitions[0].error_code, ErrorCode::kUnknownTopicOrPartition);
    // An older epoch of the producer is fenced by the log.
    EXPECT_EQ(TxnCommitError(client, TxnCommit(group, kPid + v, 1, "orders", 0, 2), v),
              ErrorCode::kNone);
    EXPECT_EQ(TxnCommitError(client, TxnCommit(group, kPid + v, 0, "orders", 0, 3), v),
              ErrorCode::kInvalidProducerEpoch);
    // Member fields came with v3; before, a generation cannot be asked for.
    TxnOffsetCommitRequest member = TxnCommit("unknown-" + group, kPid, 0, "orders", 0, 1);
    member.generation_id = 3;
    member.member_id = "m";
    EXPECT_EQ(TxnCommitError(client, member, v),
              v >= 3 ? ErrorCode::kIllegalGeneration : ErrorCode::kNone);
  }
}

TEST_F(TxnOffsetCommitTest, MemberCommitsAreCheckedAgainstTheGroup) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  JoinGroupRequest join{.group_id = "g",
                        .session_timeout_ms = 10000,
                        .rebalance_timeout_ms = 10000,
                        .protocol_type = "consumer",
                        .protocols = {{.name = "range", .metadata = ""}}};
  join.group_instance_id = "static-1";
  Result<JoinGroupResponse> j = Call(client, join, 5);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->error_code, ErrorCode::kNone);
  auto member_commit = [&](int32_t generation, const std::string& member,
                           std::optional<std::string> instance) {
    TxnOffsetCommitRequest req = TxnCommit("g", kPid, 0, "orders", 0, 8);
    req.generation_id = generation;
    req.member_id = member;
    req.group_instance_id = std::move(instance);
    return req;
  };
  // Transactional commits are not refused while the group completes its
  // rebalance (Kafka: that check is for plain commits only).
  EXPECT_EQ(TxnCommitError(client, member_commit(1, j->member_id, "static-1"), 3),
            ErrorCode::kNone);
  EXPECT_EQ(TxnCommitError(client, member_commit(2, j->member_id, "static-1"), 3),
            ErrorCode::kIllegalGeneration);
  EXPECT_EQ(TxnCommitError(client, member_commit(1, "ghost", std::nullopt), 4),
            ErrorCode::kUnknownMemberId);
  EXPECT_EQ(TxnCommitError(client, member_commit(1, "ghost", "static-1"), 4),
            ErrorCode::kFencedInstanceId);
  // A simple transactional commit is taken even with members (v0-2 cannot
  // say who commits).
  EXPECT_EQ(TxnCommitError(client, member_commit(-1, "", std::nullopt), 4), ErrorCode::kNone);
  EXPECT_EQ(TxnCommitError(client, TxnCommit("g", kPid, 0, "orders", 0, 9), 0), ErrorCode::kNone);
}

TEST_F(TxnOffsetCommitTest, DeletingAGroupTakesItsPendingOffsetsWithIt) {
  StartBroker(true);
  ASSERT_TRUE(broker().logs().CreateTopic("orders", 1, {}).ok());
  RawClient client = Connect();
  EXPECT_EQ(TxnCommitError(client, TxnCommit(kGroup, kPid, 0, "orders", 0, 5), 3),
            ErrorCode::kNone);
  // Pending offsets do not keep an empty group from being deleted (Kafka
  // tombstones them with the rest).
  DeleteGroupsRequest del{.groups_names = {kGroup}};
  Result<DeleteGroupsResponse> d = Call(client, del, 2);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->results.size(), 1u);
  EXPECT_EQ(d->results[0].error_code, ErrorCode::kNone);
  EndTxn(kGroup, kPid, 0, /*commit=*/true);
  Fetched f = FetchOne(client, kGroup, "orders", 0, true);
  EXPECT_EQ(f.error, ErrorCode::kNone);
  EXPECT_EQ(f.offset, -1);
}

// The verification seam, on a coordinator of its own.
class TxnVerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::MetadataStore>> catalog =
        storage::MetadataStore::OpenInMemory();
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
    Result<std::unique_ptr<storage::LogManager>> logs = storage::LogManager::Open(
        {.fs = &fs_, .catalog = catalog_.get(), .defaults = {}, .now = [] { return int64_t{0}; }});
    ASSERT_TRUE(logs.ok()) << logs.status().ToString();
    logs_ = std::move(logs).value();
    ASSERT_TRUE(logs_->CreateTopic("orders", 1, {}).ok());
    GroupCoordinatorOptions options;
    options.logs = logs_.get();
    options.verify_txn = [this](const std::string& transactional_id, int64_t producer_id,
                                int16_t producer_epoch, const std::string& topic,
                                int32_t partition) {
      calls_.push_back({transactional_id, producer_id, producer_epoch, topic, partition});
      return TxnVerification{.error = answer_, .hold = std::shared_lock(txn_mu_)};
    };
    coordinator_ = std::make_unique<GroupCoordinator>(io_, options);
  }

  TxnOffsetCommitResponse Commit(TxnOffsetCommitRequest req, int16_t version) {
    std::future<TxnOffsetCommitResponse> done = asio::co_spawn(
        io_, coordinator_->TxnOffsetCommit(std::move(req), version), asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  struct VerifyCall {
    std::string transactional_id;
    int64_t producer_id;
    int16_t producer_epoch;
    std::string topic;
    int32_t partition;
  };

  storage::MemFileSystem fs_;
  std::unique_ptr<storage::MetadataStore> catalog_;
  std::unique_ptr<storage::LogManager> logs_;
  asio::io_context io_;
  std::unique_ptr<GroupCoordinator> coordinator_;
  std::shared_mutex txn_mu_;
  ErrorCode answer_ = ErrorCode::kNone;
  std::vector<VerifyCall> calls_;
};

TEST_F(TxnVerificationTest, TheCommitIsVerifiedForTheGroupsPartitionAndHeldOnlyAcrossTheAppend) {
  TxnOffsetCommitResponse r = Commit(TxnCommit(kGroup, kPid, 3, "orders", 0, 5), 3);
  ASSERT_EQ(r.topics.size(), 1u);
  EXPECT_EQ(r.topics[0].partitions[0].error_code, ErrorCode::kNone);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].transactional_id, "tx-4000");
  EXPECT_EQ(calls_[0].producer_id, kPid);
  EXPECT_EQ(calls_[0].producer_epoch, 3);
  EXPECT_EQ(calls_[0].topic, "__consumer_offsets");
  EXPECT_EQ(calls_[0].partition, OffsetsPartitionFor(kGroup, kOffsetsTopicPartitions));
  // The hold is gone: the transaction coordinator could end the transaction.
  EXPECT_TRUE(txn_mu_.try_lock());
  txn_mu_.unlock();
  std::shared_ptr<storage::PartitionLog> log =
      logs_->Partition("__consumer_offsets", calls_[0].partition);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), 1);
}

TEST_F(TxnVerificationTest, AFailedVerificationAppendsNothingAndAnswersForEveryPartition) {
  struct Case {
    ErrorCode verification;
    int16_t version;
    ErrorCode answer;
  };
  const Case cases[] = {
      {ErrorCode::kInvalidTxnState, 3, ErrorCode::kInvalidTxnState},
      {ErrorCode::kInvalidTxnState, 4, ErrorCode::kTransactionAbortable},
      {ErrorCode::kInvalidProducerEpoch, 0, ErrorCode::kInvalidProducerEpoch},
      {ErrorCode::kInvalidProducerEpoch, 4, ErrorCode::kInvalidProducerEpoch},
      {ErrorCode::kInvalidProducerIdMapping, 2, ErrorCode::kInvalidProducerIdMapping},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ErrorName(c.verification)) + " v" + std::to_string(c.version));
    answer_ = c.verification;
    TxnOffsetCommitRequest req = TxnCommit(kGroup, kPid, 0, "orders", 0, 5);
    req.topics.push_back({.name = "missing", .partitions = {{.partition_index = 0}}});
    TxnOffsetCommitResponse r = Commit(req, c.version);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, c.answer);
    EXPECT_EQ(r.topics[1].partitions[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  }
  EXPECT_TRUE(txn_mu_.try_lock());
  txn_mu_.unlock();
  EXPECT_EQ(
      logs_->Partition("__consumer_offsets", OffsetsPartitionFor(kGroup, kOffsetsTopicPartitions)),
      nullptr);  // nothing was ever appended
}

}  // namespace
}  // namespace brook::broker
