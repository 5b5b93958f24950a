// tests/broker/transactions_test.cc
//
// The transaction coordinator through the wire: FindCoordinator for
// transactional ids, InitProducerId (fencing, KIP-360 bumps), AddPartitionsToTxn,
// AddOffsetsToTxn, EndTxn, produce verification, timeouts, expiration,
// WriteTxnMarkers, Describe/ListTransactions, DescribeProducers, and restarts
// from __transaction_state on disk.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "broker/group_records.h"
#include "broker/txn_coordinator.h"
#include "broker/txn_records.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

struct ProducerIdAndEpoch {
  int64_t id = -1;
  int16_t epoch = -1;
};

class TransactionsTest : public TestBrokerFixture {
 protected:
  void SetUp() override {
    TestBrokerFixture::SetUp();
    if (!HasFatalFailure()) ConnectClient();
  }

  void Restart() {
    client_.reset();
    StopBroker();
    StartBroker();
    if (!HasFatalFailure()) ConnectClient();
  }

  void ConnectClient() {
    client_ = std::make_unique<RawClient>();
    Status c = client_->Connect("127.0.0.1", broker().port());
    ASSERT_TRUE(c.ok()) << c.ToString();
  }

  ProducerIdAndEpoch Init(const std::string& txn_id, int32_t timeout_ms = 60000) {
    Result<InitProducerIdResponse> resp = Call(
        *client_,
        InitProducerIdRequest{.transactional_id = txn_id, .transaction_timeout_ms = timeout_ms}, 4);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return {};
    EXPECT_EQ(resp->error_code, ErrorCode::kNone);
    return {resp->producer_id, resp->producer_epoch};
  }

  ErrorCode Add(const std::string& txn_id, ProducerIdAndEpoch p, const std::string& topic,
                std::vector<int32_t> partitions, int16_t version = 3) {
    AddPartitionsToTxnRequest req{.transactional_id = txn_id,
                                  .producer_id = p.id,
                                  .producer_epoch = p.epoch,
                                  .topics = {{.name = topic, .partitions = partitions}}};
    Result<AddPartitionsToTxnResponse> resp = Call(*client_, req, version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return ErrorCode::kUnknownServerError;
    return resp->results_by_topic.at(0).results_by_partition.at(0).partition_error_code;
  }

  ErrorCode Produce(const std::string& txn_id, ProducerIdAndEpoch p, const std::string& topic,
                    int32_t partition, int32_t sequence, int records = 2) {
    ProduceRequest req = OnePartitionProduce(topic, partition,
                                             Batch({.records = records,
                                                    .producer_id = p.id,
                                                    .epoch = p.epoch,
                                                    .sequence = sequence,
                                                    .transactional = true}));
    req.transactional_id = txn_id;
    Result<ProduceResponse> resp = Call(*client_, req, 9);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return ErrorCode::kUnknownServerError;
    return resp->responses.at(0).partition_responses.at(0).error_code;
  }

  ErrorCode End(const std::string& txn_id, ProducerIdAndEpoch p, bool commit, int16_t version = 3) {
    Result<EndTxnResponse> resp = Call(*client_,
                                       EndTxnRequest{.transactional_id = txn_id,
                                                     .producer_id = p.id,
                                                     .producer_epoch = p.epoch,
                                                     .committed = commit},
                                       version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->error_code : ErrorCode::kUnknownServerError;
  }

  DescribeTransactionsResponse::TransactionState Describe(const std::string& txn_id) {
    Result<DescribeTransactionsResponse> resp =
        Call(*client_, DescribeTransactionsRequest{.transactional_ids = {txn_id}}, 0);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->transaction_states.size() != 1) return {};
    return resp->transaction_states[0];
  }

  // What a read_committed consumer gets from offset 0: records below the LSO
  // minus those of the aborted transactions listed (the client's filter).
  std::vector<Record> ReadCommitted(const std::string& topic, int32_t partition) {
    Result<storage::ReadResult> read =
        Log(topic, partition)->Read(0, 1 << 20, storage::IsolationLevel::kReadCommitted);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok()) return {};
    std::vector<Record> out;
    std::set<int64_t> aborting;  // producers inside an aborted transaction
    size_t next_aborted = 0;
    RecordBatchReader reader(read->records);
    for (;;) {
      Result<std::optional<RecordBatchView>> batch = reader.Next();
      EXPECT_TRUE(batch.ok());
      if (!batch.ok() || !*batch) break;
      const RecordBatchHeader& h = (*batch)->header();
      while (next_aborted < read->aborted.size() &&
             read->aborted[next_aborted].first_offset <= h.last_offset()) {
        aborting.insert(read->aborted[next_aborted++].producer_id);
      }
      if (h.is_control()) {
        aborting.erase(h.producer_id);
        continue;
      }
      if (h.is_transactional() && aborting.count(h.producer_id) != 0) continue;
      Result<std::vector<Record>> records = (*batch)->DecodeRecords(1 << 20);
      EXPECT_TRUE(records.ok());
      if (records.ok()) out.insert(out.end(), records->begin(), records->end());
    }
    return out;
  }

  std::unique_ptr<RawClient> client_;
};

TEST_F(TransactionsTest, FindCoordinatorAnswersThisNodeForTransactionalIds) {
  for (int16_t v : {0, 3}) {
    Result<FindCoordinatorResponse> resp =
        Call(*client_, FindCoordinatorRequest{.key = "txn", .key_type = 1}, v);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone);
    EXPECT_EQ(resp->node_id, broker().config().node_id);
    EXPECT_EQ(resp->port, broker().advertised_port());
  }
  Result<FindCoordinatorResponse> batch =
      Call(*client_, FindCoordinatorRequest{.key_type = 1, .coordinator_keys = {"a", "b"}}, 4);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->coordinators.size(), 2u);
  EXPECT_EQ(batch->coordinators[1].error_code, ErrorCode::kNone);
}

TEST_F(TransactionsTest, InitProducerIdKeepsTheIdAndBumpsTheEpoch) {
  ProducerIdAndEpoch first = Init("a");
  EXPECT_GE(first.id, 0);
  EXPECT_EQ(first.epoch, 0);
  ProducerIdAndEpoch second = Init("a");
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.epoch, 1);
  ProducerIdAndEpoch other = Init("b");
  EXPECT_NE(other.id, first.id);
  EXPECT_EQ(other.epoch, 0);
}

TEST_F(TransactionsTest, InitProducerIdChecksItsArguments) {
  auto init = [&](InitProducerIdRequest req, int16_t v) {
    Result<InitProducerIdResponse> resp = Call(*client_, req, v);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->error_code : ErrorCode::kUnknownServerError;
  };
  EXPECT_EQ(init({.transactional_id = "", .transaction_timeout_ms = 1000}, 0),
            ErrorCode::kInvalidRequest);
  EXPECT_EQ(init({.transactional_id = "x", .transaction_timeout_ms = 0}, 0),
            ErrorCode::kInvalidTransactionTimeout);
  EXPECT_EQ(init({.transactional_id = "x", .transaction_timeout_ms = 900001}, 2),
            ErrorCode::kInvalidTransactionTimeout);
  EXPECT_EQ(init({.transactional_id = "x", .transaction_timeout_ms = 900000}, 2), ErrorCode::kNone);
}

TEST_F(TransactionsTest, CommitMakesRecordsVisibleToReadCommitted) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->high_watermark(), 2);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);
  EXPECT_TRUE(ReadCommitted("t", 0).empty());
  EXPECT_EQ(Describe("tx").transaction_state, "Ongoing");

  ASSERT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 3);  // two records and the marker
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);
  EXPECT_EQ(ReadCommitted("t", 0).size(), 2u);
  EXPECT_EQ(Describe("tx").transaction_state, "CompleteCommit");
  EXPECT_TRUE(Describe("tx").topics.empty());

  // A retry of the commit succeeds; an abort of it is refused.
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  EXPECT_EQ(End("tx", p, /*commit=*/false), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(Log("t", 0)->log_end_offset(), 3);  // no second marker
}

TEST_F(TransactionsTest, AbortHidesRecordsAndListsTheAbortedTransaction) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  ASSERT_EQ(End("tx", p, /*commit=*/false), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);
  Result<storage::ReadResult> read =
      Log("t", 0)->Read(0, 1 << 20, storage::IsolationLevel::kReadCommitted);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->aborted.size(), 1u);
  EXPECT_EQ(read->aborted[0].producer_id, p.id);
  EXPECT_EQ(read->aborted[0].first_offset, 0);
  EXPECT_EQ(End("tx", p, /*commit=*/false), ErrorCode::kNone);  // retried abort
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kInvalidTxnState);

  // The next transaction of the same producer commits normally.
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 2), ErrorCode::kNone);
  ASSERT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  EXPECT_EQ(ReadCommitted("t", 0).size(), 2u);
}

// A partition added to the transaction but never written to has no open
// transaction: its last stable offset follows its high watermark.
TEST_F(TransactionsTest, APartitionAddedButNotWrittenDoesNotHoldItsLso) {
  CreateTopic("t", 2);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0, 1}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  ASSERT_TRUE(Log("t", 1)->Append(Batch({.records = 3}), 0).ok());  // a plain producer
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);
  EXPECT_EQ(Log("t", 1)->last_stable_offset(), 3);
  EXPECT_EQ(ReadCommitted("t", 1).size(), 3u);
  ASSERT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 1)->last_stable_offset(), 4);  // the marker, with nothing to complete
}

TEST_F(TransactionsTest, EndTxnWithoutATransactionIsInvalidTxnState) {
  ProducerIdAndEpoch p = Init("tx");
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(End("nobody", p, /*commit=*/true), ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(End("tx", {p.id + 1, p.epoch}, /*commit=*/true), ErrorCode::kInvalidProducerIdMapping);
}

TEST_F(TransactionsTest, ProduceOutsideTheTransactionIsRejected) {
  CreateTopic("t", 2);
  ProducerIdAndEpoch p = Init("tx");
  // No AddPartitionsToTxn at all.
  EXPECT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kInvalidTxnState);
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  // Partition 1 is not in the transaction.
  EXPECT_EQ(Produce("tx", p, "t", 1, 0), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(Log("t", 1)->log_end_offset(), 0);
  // Another producer id than the transactional id's.
  EXPECT_EQ(Produce("tx", {p.id + 100, 0}, "t", 0, 0), ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  ASSERT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  // After the commit the partition is no longer in a transaction: a late
  // write must not open one behind the marker.
  EXPECT_EQ(Produce("tx", p, "t", 0, 2), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), Log("t", 0)->high_watermark());
}

TEST_F(TransactionsTest, AddPartitionsToTxnErrors) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  AddPartitionsToTxnRequest req{.transactional_id = "tx",
                                .producer_id = p.id,
                                .producer_epoch = p.epoch,
                                .topics = {{.name = "t", .partitions = {0, 7}}}};
  Result<AddPartitionsToTxnResponse> resp = Call(*client_, req, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  const auto& results = resp->results_by_topic.at(0).results_by_partition;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].partition_error_code, ErrorCode::kOperationNotAttempted);
  EXPECT_EQ(results[1].partition_error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Describe("tx").transaction_state, "Empty");

  EXPECT_EQ(Add("nobody", p, "t", {0}), ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(Add("tx", {p.id, static_cast<int16_t>(p.epoch + 1)}, "t", {0}),
            ErrorCode::kProducerFenced);
  EXPECT_EQ(Add("tx", {p.id, static_cast<int16_t>(p.epoch + 1)}, "t", {0}, /*version=*/1),
            ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(Add("", p, "t", {0}), ErrorCode::kInvalidRequest);
}

TEST_F(TransactionsTest, ANewInstanceFencesTheOldOneAndAbortsItsTransaction) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch old_instance = Init("tx");
  ASSERT_EQ(Add("tx", old_instance, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", old_instance, "t", 0, 0), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);

  ProducerIdAndEpoch new_instance = Init("tx");
  EXPECT_EQ(new_instance.id, old_instance.id);
  EXPECT_EQ(new_instance.epoch, old_instance.epoch + 2);  // one for the abort, one for it
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);        // aborted: records + marker
  EXPECT_TRUE(ReadCommitted("t", 0).empty());

  EXPECT_EQ(End("tx", old_instance, /*commit=*/true), ErrorCode::kProducerFenced);
  EXPECT_EQ(End("tx", old_instance, /*commit=*/true, /*version=*/1),
            ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(Add("tx", old_instance, "t", {0}), ErrorCode::kProducerFenced);
  EXPECT_EQ(Produce("tx", old_instance, "t", 0, 2), ErrorCode::kInvalidProducerEpoch);
}

TEST_F(TransactionsTest, Kip360EpochBumpAndItsRetry) {
  ProducerIdAndEpoch p = Init("tx");
  auto bump = [&](ProducerIdAndEpoch expected, int16_t version) {
    Result<InitProducerIdResponse> resp =
        Call(*client_,
             InitProducerIdRequest{.transactional_id = "tx",
                                   .transaction_timeout_ms = 60000,
                                   .producer_id = expected.id,
                                   .producer_epoch = expected.epoch},
             version);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? *resp : InitProducerIdResponse{};
  };
  InitProducerIdResponse bumped = bump(p, 4);
  EXPECT_EQ(bumped.error_code, ErrorCode::kNone);
  EXPECT_EQ(bumped.producer_id, p.id);
  EXPECT_EQ(bumped.producer_epoch, p.epoch + 1);
  // The answer was lost: the same request again gets the same bump, not another.
  InitProducerIdResponse retried = bump(p, 4);
  EXPECT_EQ(retried.error_code, ErrorCode::kNone);
  EXPECT_EQ(retried.producer_epoch, p.epoch + 1);
  // Someone else's id, or an epoch that was never handed out: fenced.
  EXPECT_EQ(bump({p.id + 1, 0}, 4).error_code, ErrorCode::kProducerFenced);
  EXPECT_EQ(bump({p.id, 7}, 4).error_code, ErrorCode::kProducerFenced);
  EXPECT_EQ(bump({p.id, 7}, 3).error_code, ErrorCode::kInvalidProducerEpoch);
}

TEST_F(TransactionsTest, AddOffsetsToTxnAddsTheGroupsOffsetsPartition) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  Result<AddOffsetsToTxnResponse> resp = Call(*client_,
                                              AddOffsetsToTxnRequest{.transactional_id = "tx",
                                                                     .producer_id = p.id,
                                                                     .producer_epoch = p.epoch,
                                                                     .group_id = "group"},
                                              3);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->error_code, ErrorCode::kNone);
  DescribeTransactionsResponse::TransactionState s = Describe("tx");
  EXPECT_EQ(s.transaction_state, "Ongoing");
  ASSERT_EQ(s.topics.size(), 1u);
  EXPECT_EQ(s.topics[0].topic, "__consumer_offsets");
  EXPECT_EQ(s.topics[0].partitions,
            std::vector<int32_t>{OffsetsPartitionFor("group", kOffsetsTopicPartitions)});
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
}

TEST_F(TransactionsTest, DescribeAndListTransactions) {
  CreateTopic("t", 2);
  ProducerIdAndEpoch a = Init("a");
  ProducerIdAndEpoch b = Init("b");
  ASSERT_EQ(Add("a", a, "t", {0, 1}), ErrorCode::kNone);

  DescribeTransactionsResponse::TransactionState s = Describe("a");
  EXPECT_EQ(s.error_code, ErrorCode::kNone);
  EXPECT_EQ(s.transaction_state, "Ongoing");
  EXPECT_EQ(s.transaction_timeout_ms, 60000);
  EXPECT_GT(s.transaction_start_time_ms, 0);
  EXPECT_EQ(s.producer_id, a.id);
  ASSERT_EQ(s.topics.size(), 1u);
  EXPECT_EQ(s.topics[0].partitions, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(Describe("zzz").error_code, ErrorCode::kTransactionalIdNotFound);

  auto list = [&](ListTransactionsRequest req, int16_t v = 1) {
    Result<ListTransactionsResponse> resp = Call(*client_, req, v);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? *resp : ListTransactionsResponse{};
  };
  EXPECT_EQ(list({}).transaction_states.size(), 2u);
  ListTransactionsResponse ongoing = list({.state_filters = {"Ongoing", "Bogus"}});
  ASSERT_EQ(ongoing.transaction_states.size(), 1u);
  EXPECT_EQ(ongoing.transaction_states[0].transactional_id, "a");
  EXPECT_EQ(ongoing.unknown_state_filters, std::vector<std::string>{"Bogus"});
  ListTransactionsResponse by_producer = list({.producer_id_filters = {b.id}});
  ASSERT_EQ(by_producer.transaction_states.size(), 1u);
  EXPECT_EQ(by_producer.transaction_states[0].transaction_state, "Empty");
  EXPECT_TRUE(list({.duration_filter = 3600000}).transaction_states.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(list({.duration_filter = 1}).transaction_states.size(), 1u);
  EXPECT_EQ(list({.duration_filter = 3600000}, 0).transaction_states.size(), 2u);  // v0: no filter
}

TEST_F(TransactionsTest, DescribeProducersShowsTheOpenTransaction) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0, 3), ErrorCode::kNone);
  Result<DescribeProducersResponse> resp =
      Call(*client_,
           DescribeProducersRequest{.topics = {{.name = "t", .partition_indexes = {0, 9}}}}, 0);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  const auto& partitions = resp->topics.at(0).partitions;
  ASSERT_EQ(partitions.size(), 2u);
  ASSERT_EQ(partitions[0].active_producers.size(), 1u);
  const auto& producer = partitions[0].active_producers[0];
  EXPECT_EQ(producer.producer_id, p.id);
  EXPECT_EQ(producer.producer_epoch, p.epoch);
  EXPECT_EQ(producer.last_sequence, 2);
  EXPECT_EQ(producer.current_txn_start_offset, 0);
  EXPECT_EQ(partitions[1].error_code, ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(TransactionsTest, WriteTxnMarkersCompletesAPartitionsTransaction) {
  CreateTopic("t", 1);
  // A transaction opened directly in the log, as a remote coordinator's producer would.
  Result<storage::AppendResult> appended = Log("t", 0)->Append(
      Batch({.records = 2, .producer_id = 42, .epoch = 3, .sequence = 0, .transactional = true}),
      0);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);
  auto write = [&](int16_t epoch, const std::string& topic) {
    WriteTxnMarkersRequest req;
    req.markers.push_back({.producer_id = 42,
                           .producer_epoch = epoch,
                           .transaction_result = true,
                           .topics = {{.name = topic, .partition_indexes = {0}}},
                           .coordinator_epoch = 0});
    Result<WriteTxnMarkersResponse> resp = Call(*client_, req, 1);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->markers.at(0).topics.at(0).partitions.at(0).error_code
                     : ErrorCode::kUnknownServerError;
  };
  EXPECT_EQ(write(2, "t"), ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(write(3, "nope"), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(write(3, "t"), ErrorCode::kNone);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);
  EXPECT_EQ(ReadCommitted("t", 0).size(), 2u);
}

class TransactionTimeoutTest : public TransactionsTest {
 protected:
  void Configure(BrokerConfig& config) override {
    TransactionsTest::Configure(config);
    config.transaction_abort_timed_out_interval_ms = 20;
  }
};

TEST_F(TransactionTimeoutTest, AnExpiredTransactionIsAbortedAndItsProducerFenced) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx", /*timeout_ms=*/100);
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Describe("tx").transaction_state != "CompleteAbort" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  DescribeTransactionsResponse::TransactionState s = Describe("tx");
  ASSERT_EQ(s.transaction_state, "CompleteAbort");
  EXPECT_EQ(s.producer_epoch, p.epoch + 1);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);  // the LSO is not stuck
  EXPECT_TRUE(ReadCommitted("t", 0).empty());
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kProducerFenced);
  // The producer's next instance carries on.
  ProducerIdAndEpoch next = Init("tx");
  EXPECT_EQ(next.epoch, p.epoch + 2);
}

TEST_F(TransactionsTest, IdleIdsExpireButOngoingOnesStay) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch idle = Init("idle");
  ProducerIdAndEpoch busy = Init("busy");
  ASSERT_EQ(Add("busy", busy, "t", {0}), ErrorCode::kNone);
  (void)idle;
  // A coordinator over the same logs with an expiration of 1 ms.
  TransactionCoordinator coordinator({.logs = &broker().logs(),
                                      .now_ms = [] { return Broker::NowMs() + 10; },
                                      .id_expiration_ms = 1});
  ASSERT_TRUE(coordinator.Load().ok());
  coordinator.RemoveExpired();
  std::vector<DescribeTransactionsResponse::TransactionState> s =
      coordinator.Describe({"idle", "busy"});
  EXPECT_EQ(s[0].error_code, ErrorCode::kTransactionalIdNotFound);
  EXPECT_EQ(s[1].transaction_state, "Ongoing");
  // The tombstone is in the log: a reload does not bring the id back.
  TransactionCoordinator reloaded({.logs = &broker().logs()});
  ASSERT_TRUE(reloaded.Load().ok());
  EXPECT_EQ(reloaded.Describe({"idle"})[0].error_code, ErrorCode::kTransactionalIdNotFound);
}

class TransactionRestartTest : public TransactionsTest {
 protected:
  void Configure(BrokerConfig& config) override {
    TransactionsTest::Configure(config);
    config.memory = false;
    config.log_dirs = dir_.path() + "/data";
  }

  // Appends a state record to __transaction_state as the coordinator would
  // have before a crash.
  void WriteState(const std::string& txn_id, const TransactionLogValue& value) {
    Record record{.key = EncodeTransactionLogKey({.transactional_id = txn_id}),
                  .value = EncodeTransactionLogValue(value)};
    RecordBatchHeader header;
    header.base_timestamp = Broker::NowMs();
    Result<std::string> batch =
        BuildRecordBatch(header, Compression::kNone, std::span<const Record>(&record, 1));
    ASSERT_TRUE(batch.ok());
    const int32_t partition = TransactionStatePartitionFor(txn_id, 50);
    ASSERT_TRUE(Log("__transaction_state", partition)->Append(*batch, 0).ok());
  }

  testing::TempDir dir_;
};

TEST_F(TransactionRestartTest, AnOngoingTransactionSurvivesARestartAndCommits) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  Restart();
  DescribeTransactionsResponse::TransactionState s = Describe("tx");
  EXPECT_EQ(s.transaction_state, "Ongoing");
  EXPECT_EQ(s.producer_id, p.id);
  EXPECT_EQ(s.producer_epoch, p.epoch);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);  // still held by the open transaction
  // The same producer goes on where it was.
  ASSERT_EQ(Produce("tx", p, "t", 0, 2), ErrorCode::kNone);
  ASSERT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);
  EXPECT_EQ(ReadCommitted("t", 0).size(), 4u);
  // And the id keeps its producer id across restarts.
  Restart();
  EXPECT_EQ(Describe("tx").transaction_state, "CompleteCommit");
  ProducerIdAndEpoch again = Init("tx");
  EXPECT_EQ(again.id, p.id);
  EXPECT_EQ(again.epoch, p.epoch + 1);
}

// A crash right after PrepareCommit: the record is in __transaction_state,
// no marker is in the data partition. The restart writes the marker.
TEST_F(TransactionRestartTest, APreparedCommitIsCompletedOnRestart) {
  CreateTopic("t", 1);
  ProducerIdAndEpoch p = Init("tx");
  ASSERT_EQ(Add("tx", p, "t", {0}), ErrorCode::kNone);
  ASSERT_EQ(Produce("tx", p, "t", 0, 0), ErrorCode::kNone);
  TransactionLogValue prepare{.producer_id = p.id,
                              .producer_epoch = p.epoch,
                              .transaction_timeout_ms = 60000,
                              .transaction_status = static_cast<int8_t>(TxnState::kPrepareCommit),
                              .transaction_partitions = {{{.topic = "t", .partition_ids = {0}}}},
                              .last_update_timestamp_ms = Broker::NowMs(),
                              .start_timestamp_ms = Broker::NowMs()};
  WriteState("tx", prepare);
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 0);

  Restart();
  EXPECT_EQ(Describe("tx").transaction_state, "CompleteCommit");
  EXPECT_EQ(Log("t", 0)->last_stable_offset(), 3);
  EXPECT_EQ(ReadCommitted("t", 0).size(), 2u);
  EXPECT_EQ(End("tx", p, /*commit=*/true), ErrorCode::kNone);  // the client's retry
}

// Kafka's epoch exhaustion: past 32766 the id gets a new producer id at epoch 0.
TEST_F(TransactionRestartTest, AnExhaustedEpochGetsANewProducerId) {
  ProducerIdAndEpoch p = Init("tx");
  WriteState("tx", {.producer_id = p.id,
                    .producer_epoch = 32766,
                    .transaction_timeout_ms = 60000,
                    .transaction_status = static_cast<int8_t>(TxnState::kCompleteCommit),
                    .transaction_partitions = std::vector<TransactionLogValue::PartitionsSchema>{},
                    .last_update_timestamp_ms = Broker::NowMs(),
                    .start_timestamp_ms = -1});
  Restart();
  EXPECT_EQ(Describe("tx").producer_epoch, 32766);
  ProducerIdAndEpoch next = Init("tx");
  EXPECT_NE(next.id, p.id);
  EXPECT_EQ(next.epoch, 0);
  // A retry of the bump by the old producer (KIP-360) gets the new id too.
  Result<InitProducerIdResponse> retried =
      Call(*client_,
           InitProducerIdRequest{.transactional_id = "tx",
                                 .transaction_timeout_ms = 60000,
                                 .producer_id = p.id,
                                 .producer_epoch = 32766},
           4);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->error_code, ErrorCode::kNone);
  EXPECT_EQ(retried->producer_id, next.id);
  EXPECT_EQ(retried->producer_epoch, 0);
}

}  // namespace
}  // namespace brook::broker
