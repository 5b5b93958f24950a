// tests/client/transactions_test.cc
//
// The transactional producer against an embedded in-memory broker: what a
// read_committed reader sees (read from the broker's logs with the aborted
// transactions applied), offsets committed with a transaction, fencing by a
// second producer with the same transactional.id, the coordinator's
// transaction timeout, and the errors' classes.
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "broker/broker.h"
#include "client/client_error.h"
#include "client/network/broker_connection.h"
#include "client/producer.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/client/client_testing.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;

struct Stored {
  int64_t offset = -1;
  std::string value;
  RecordBatchHeader batch;
};

// The data records of one partition a reader with `isolation` gets: up to the
// LSO for read_committed, without aborted transactions' records (the aborted
// list the broker returns, applied as a client does) and without control
// batches.
std::vector<Stored> ReadPartition(broker::Broker& broker, const std::string& topic,
                                  int32_t partition, storage::IsolationLevel isolation) {
  std::vector<Stored> out;
  auto log = broker.logs().Partition(topic, partition);
  if (!log) return out;
  int64_t offset = log->log_start_offset();
  for (;;) {
    Result<storage::ReadResult> read = log->Read(offset, 1 << 20, isolation);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->records.empty()) break;
    RecordBatchReader reader(read->records);
    bool progressed = false;
    for (;;) {
      Result<std::optional<RecordBatchView>> batch = reader.Next();
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || !batch->has_value()) break;
      const RecordBatchHeader& h = (*batch)->header();
      int64_t next = h.next_offset();
      if (isolation == storage::IsolationLevel::kReadCommitted && next > read->last_stable_offset) {
        break;
      }
      progressed = true;
      offset = next;
      if (h.is_control()) continue;
      bool aborted = false;
      if (h.is_transactional()) {
        for (const auto& a : read->aborted) {
          if (a.producer_id == h.producer_id && a.first_offset <= h.base_offset &&
              h.base_offset <= a.last_offset) {
            aborted = true;
          }
        }
      }
      if (aborted && isolation == storage::IsolationLevel::kReadCommitted) continue;
      Result<std::vector<Record>> records = (*batch)->DecodeRecords(64 << 20);
      EXPECT_TRUE(records.ok()) << records.status().ToString();
      if (!records.ok()) break;
      for (Record& r : *records) {
        out.push_back(Stored{
            .offset = h.record_offset(r.offset_delta), .value = r.value.value_or(""), .batch = h});
      }
    }
    if (!progressed) break;
  }
  return out;
}

std::vector<std::string> Values(const std::vector<Stored>& stored) {
  std::vector<std::string> out;
  for (const Stored& s : stored) out.push_back(s.value);
  return out;
}

// How the Java producer would classify a failed transactional call.
enum class Kind { kOk, kFatal, kAbortable, kRetriable, kIllegalState };
Kind KindOf(const Status& s) {
  if (s.ok()) return Kind::kOk;
  if (s.code() == ClientErrc::kIllegalState) return Kind::kIllegalState;
  ClientError e(s);
  if (e.fatal()) return Kind::kFatal;
  if (e.retriable()) return Kind::kRetriable;
  return Kind::kAbortable;
}

class TransactionsTest : public ClientTest {
 protected:
  std::unique_ptr<Producer> MakeProducer(std::map<std::string, std::string> props) {
    props.emplace("bootstrap.servers", broker().bootstrap());
    props.emplace("max.block.ms", "15000");
    Result<std::unique_ptr<Producer>> p = Producer::Create(props);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(*p) : nullptr;
  }

  std::unique_ptr<Producer> MakeTransactional(const std::string& id,
                                              std::map<std::string, std::string> props = {}) {
    props["transactional.id"] = id;
    auto producer = MakeProducer(std::move(props));
    if (producer) {
      Status s = producer->init_transactions();
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return producer;
  }

  std::vector<std::string> Committed(const std::string& topic, int32_t partition) {
    return Values(
        ReadPartition(broker(), topic, partition, storage::IsolationLevel::kReadCommitted));
  }
  std::vector<std::string> Uncommitted(const std::string& topic, int32_t partition) {
    return Values(
        ReadPartition(broker(), topic, partition, storage::IsolationLevel::kReadUncommitted));
  }

  // The group's committed offset for one partition through OffsetFetch v7
  // (require_stable false: pending transactional offsets do not show) to the
  // group coordinator; -1: none.
  int64_t CommittedOffset(const std::string& group, const std::string& topic, int32_t partition) {
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread thread([&] { io.run(); });
    int64_t offset = -2;
    {
      auto connection = BrokerConnection::Create(
          io, ConnectionOptions{.host = "127.0.0.1", .port = broker().port(), .client_id = "t"});
      auto call = [&](auto req, int16_t version) {
        return *asio::co_spawn(io, detail::Optionally(connection->CallAt(std::move(req), version)),
                               asio::use_future)
                    .get();
      };
      Status connected = asio::co_spawn(io, connection->EnsureConnected(), asio::use_future).get();
      EXPECT_TRUE(connected.ok()) << connected.ToString();
      if (connected.ok()) {
        FindCoordinatorRequest find;
        find.key = group;
        find.key_type = 0;
        auto found = call(find, 3);
        EXPECT_TRUE(found.ok() && found->error_code == ErrorCode::kNone);
        EXPECT_EQ(found->node_id, broker().config().node_id);
        OffsetFetchRequest req;
        req.group_id = group;
        req.topics = std::vector<OffsetFetchRequest::OffsetFetchRequestTopic>{
            {.name = topic, .partition_indexes = {partition}}};
        auto resp = call(req, 7);
        EXPECT_TRUE(resp.ok()) << resp.status().ToString();
        if (resp.ok()) {
          EXPECT_EQ(resp->error_code, ErrorCode::kNone);
          for (const auto& t : resp->topics) {
            for (const auto& p : t.partitions) {
              if (t.name == topic && p.partition_index == partition) offset = p.committed_offset;
            }
          }
        }
      }
      connection->Close();
    }
    work.reset();
    io.stop();
    thread.join();
    return offset;
  }
};

TEST_F(TransactionsTest, CommittedRecordsAreVisibleToReadCommittedAndAbortedOnesAreNot) {
  CreateTopic("ledger", 2);
  auto producer = MakeTransactional("transfer-1");
  ASSERT_NE(producer, nullptr);

  ASSERT_TRUE(producer->begin_transaction().ok());
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < 10; ++i) {
    sent.push_back(producer->send(
        ProducerRecord{.topic = "ledger", .partition = i % 2, .value = "c" + std::to_string(i)}));
  }
  Status s = producer->commit_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (auto& f : sent) {
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready) << "commit left a record unsent";
    EXPECT_GE(f.get().offset, 0);
  }

  // Sent, then aborted: in the log, invisible to read_committed.
  ASSERT_TRUE(producer->begin_transaction().ok());
  sent.clear();
  for (int i = 0; i < 4; ++i) {
    sent.push_back(producer->send(
        ProducerRecord{.topic = "ledger", .partition = i % 2, .value = "a" + std::to_string(i)}));
  }
  producer->flush();
  for (auto& f : sent) EXPECT_NO_THROW(f.get());
  s = producer->abort_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();

  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send(ProducerRecord{.topic = "ledger", .partition = 0, .value = "c10"});
  ASSERT_TRUE(producer->commit_transaction().ok());

  EXPECT_EQ(Committed("ledger", 0),
            (std::vector<std::string>{"c0", "c2", "c4", "c6", "c8", "c10"}));
  EXPECT_EQ(Committed("ledger", 1), (std::vector<std::string>{"c1", "c3", "c5", "c7", "c9"}));
  EXPECT_EQ(Uncommitted("ledger", 0),
            (std::vector<std::string>{"c0", "c2", "c4", "c6", "c8", "a0", "a2", "c10"}));
  for (const Stored& r :
       ReadPartition(broker(), "ledger", 0, storage::IsolationLevel::kReadUncommitted)) {
    EXPECT_TRUE(r.batch.is_transactional());
    EXPECT_TRUE(r.batch.has_producer_id());
  }
  // The log's last batch is the commit marker: nothing is left open.
  auto log = broker().logs().Partition("ledger", 0);
  EXPECT_EQ(log->last_stable_offset(), log->high_watermark());
}

TEST_F(TransactionsTest, AbortFailsUnsentRecordsWithAnAbortableError) {
  CreateTopic("slow", 1);
  auto producer = MakeTransactional("slow-1", {{"linger.ms", "60000"}});
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->begin_transaction().ok());
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < 3; ++i) {
    sent.push_back(producer->send(ProducerRecord{.topic = "slow", .value = "x"}));
  }
  Status s = producer->abort_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (auto& f : sent) {
    ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
    try {
      f.get();
      ADD_FAILURE() << "an aborted record was acknowledged";
    } catch (const ClientError& e) {
      EXPECT_EQ(e.error_code(), ErrorCode::kTransactionAbortable) << e.what();
      EXPECT_FALSE(e.fatal());
    }
  }
  // The producer goes on.
  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send(ProducerRecord{.topic = "slow", .value = "y"});
  ASSERT_TRUE(producer->commit_transaction().ok());
  EXPECT_EQ(Committed("slow", 0), std::vector<std::string>{"y"});
}

TEST_F(TransactionsTest, SendOffsetsCommitsTheGroupsOffsetsOnlyWithTheTransaction) {
  CreateTopic("in", 1);
  CreateTopic("out", 1);
  auto producer = MakeTransactional("ctp-1");
  ASSERT_NE(producer, nullptr);
  ConsumerGroupMetadata group{.group_id = "readers"};

  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send(ProducerRecord{.topic = "out", .value = "t0"});
  Status s =
      producer->send_offsets_to_transaction({{TopicPartition{"in", 0}, {.offset = 42}}}, group);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(CommittedOffset("readers", "in", 0), -1);  // pending until the commit
  ASSERT_TRUE(producer->abort_transaction().ok());
  EXPECT_EQ(CommittedOffset("readers", "in", 0), -1);

  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send(ProducerRecord{.topic = "out", .value = "t1"});
  s = producer->send_offsets_to_transaction(
      {{TopicPartition{"in", 0}, {.offset = 43, .metadata = "m"}}}, group);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = producer->commit_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(CommittedOffset("readers", "in", 0), 43);
  EXPECT_EQ(Committed("out", 0), std::vector<std::string>{"t1"});

  // Offsets alone make a transaction too.
  ASSERT_TRUE(producer->begin_transaction().ok());
  s = producer->send_offsets_to_transaction({{TopicPartition{"in", 0}, {.offset = 50}}}, group);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(producer->commit_transaction().ok());
  EXPECT_EQ(CommittedOffset("readers", "in", 0), 50);
}

TEST_F(TransactionsTest, ASecondProducerWithTheSameIdFencesTheFirst) {
  CreateTopic("fence", 1);
  auto first = MakeTransactional("same-id");
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->begin_transaction().ok());
  first->send(ProducerRecord{.topic = "fence", .value = "zombie"});
  first->flush();

  auto second = MakeTransactional("same-id");  // fences `first`, aborts its transaction
  ASSERT_NE(second, nullptr);

  Status s = first->commit_transaction();
  EXPECT_EQ(KindOf(s), Kind::kFatal) << s.ToString();
  EXPECT_TRUE(s.code() == ErrorCode::kProducerFenced ||
              s.code() == ErrorCode::kInvalidProducerEpoch)
      << s.ToString();
  // Everything after a fatal error fails with it.
  EXPECT_EQ(KindOf(first->abort_transaction()), Kind::kFatal);
  EXPECT_EQ(KindOf(first->begin_transaction()), Kind::kFatal);
  try {
    first->send(ProducerRecord{.topic = "fence", .value = "late"}).get();
    ADD_FAILURE() << "a fenced producer sent";
  } catch (const ClientError& e) {
    EXPECT_TRUE(e.fatal()) << e.what();
  }

  ASSERT_TRUE(second->begin_transaction().ok());
  second->send(ProducerRecord{.topic = "fence", .value = "live"});
  s = second->commit_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Committed("fence", 0), std::vector<std::string>{"live"});
}

TEST_F(TransactionsTest, AFailedSendMakesTheTransactionAbortableAndAbortRecovers) {
  CreateTopic("small", 1, {{"max.message.bytes", "1000"}});
  auto producer = MakeTransactional("small-1");
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->begin_transaction().ok());
  auto ok = producer->send(ProducerRecord{.topic = "small", .value = "fits"});
  auto big = producer->send(ProducerRecord{.topic = "small", .value = std::string(5000, 'x')});
  try {
    big.get();
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kMessageTooLarge) << e.what();
  }
  Status s = producer->commit_transaction();
  EXPECT_EQ(KindOf(s), Kind::kAbortable) << s.ToString();
  EXPECT_EQ(s.code(), ErrorCode::kTransactionAbortable);
  EXPECT_NE(s.ToString().find("MESSAGE_TOO_LARGE"), std::string::npos) << s.ToString();
  EXPECT_EQ(KindOf(producer->send_offsets_to_transaction({}, {.group_id = "g"})), Kind::kAbortable);
  s = producer->abort_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();

  // A new epoch closed the gap the failed batch left in the sequence numbers.
  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send(ProducerRecord{.topic = "small", .value = "after"});
  s = producer->commit_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Committed("small", 0), std::vector<std::string>{"after"});
}

TEST_F(TransactionsTest, CallsOutOfOrderAreIllegalState) {
  CreateTopic("order", 1);
  auto plain = MakeProducer({});
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(KindOf(plain->init_transactions()), Kind::kIllegalState);

  auto producer = MakeProducer({{"transactional.id", "order-1"}});
  ASSERT_NE(producer, nullptr);
  EXPECT_EQ(KindOf(producer->begin_transaction()), Kind::kIllegalState);
  try {
    producer->send(ProducerRecord{.topic = "order", .value = "x"}).get();
    ADD_FAILURE() << "sent before init_transactions";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), ClientErrc::kIllegalState);
  }
  ASSERT_TRUE(producer->init_transactions().ok());
  EXPECT_EQ(KindOf(producer->init_transactions()), Kind::kIllegalState);
  EXPECT_EQ(KindOf(producer->commit_transaction()), Kind::kIllegalState);
  EXPECT_EQ(KindOf(producer->abort_transaction()), Kind::kIllegalState);
  try {
    producer->send(ProducerRecord{.topic = "order", .value = "x"}).get();
    ADD_FAILURE() << "sent outside a transaction";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), ClientErrc::kIllegalState);
  }
  ASSERT_TRUE(producer->begin_transaction().ok());
  EXPECT_EQ(KindOf(producer->begin_transaction()), Kind::kIllegalState);
  // An empty transaction commits without asking the coordinator.
  ASSERT_TRUE(producer->commit_transaction().ok());

  auto bad = Producer::Create({{"bootstrap.servers", broker().bootstrap()},
                               {"transactional.id", "x"},
                               {"enable.idempotence", "false"}});
  EXPECT_FALSE(bad.ok());
}

class TransactionTimeoutTest : public TransactionsTest {
 protected:
  void SetUp() override {
    StartBroker([](broker::BrokerConfig& c) { c.transaction_abort_timed_out_interval_ms = 100; });
  }
};

TEST_F(TransactionTimeoutTest, CommitAfterTheCoordinatorAbortedIsFatal) {
  CreateTopic("tmo", 1);
  auto stalled = MakeTransactional("stalls", {{"transaction.timeout.ms", "500"}});
  ASSERT_NE(stalled, nullptr);
  ASSERT_TRUE(stalled->begin_transaction().ok());
  stalled->send(ProducerRecord{.topic = "tmo", .value = "s0"});
  stalled->flush();
  auto log = broker().logs().Partition("tmo", 0);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (log->last_stable_offset() < log->high_watermark() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(log->last_stable_offset(), log->high_watermark()) << "the coordinator did not abort";
  Status s = stalled->commit_transaction();
  EXPECT_EQ(KindOf(s), Kind::kFatal) << s.ToString();
  EXPECT_TRUE(Committed("tmo", 0).empty());
}

TEST_F(TransactionTimeoutTest, SendAfterTheTimeoutIsAbortableThenAbortIsFenced) {
  CreateTopic("tmo2", 1);
  auto stalled = MakeTransactional("stalls-2", {{"transaction.timeout.ms", "500"}});
  ASSERT_NE(stalled, nullptr);
  ASSERT_TRUE(stalled->begin_transaction().ok());
  stalled->send(ProducerRecord{.topic = "tmo2", .value = "s0"});
  stalled->flush();
  auto log = broker().logs().Partition("tmo2", 0);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (log->last_stable_offset() < log->high_watermark() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  // As the Java producer (KIP-588): the Produce's INVALID_PRODUCER_EPOCH fails
  // the transaction, not the producer; the coordinator then says it is fenced.
  auto late = stalled->send(ProducerRecord{.topic = "tmo2", .value = "s1"});
  try {
    late.get();
    ADD_FAILURE() << "a record of a timed-out transaction was written";
  } catch (const ClientError& e) {
    EXPECT_FALSE(e.fatal()) << e.what();
  }
  Status s = stalled->commit_transaction();
  EXPECT_EQ(KindOf(s), Kind::kAbortable) << s.ToString();
  s = stalled->abort_transaction();
  EXPECT_EQ(KindOf(s), Kind::kFatal) << s.ToString();
  EXPECT_TRUE(Committed("tmo2", 0).empty());
}

}  // namespace
}  // namespace brook::client
