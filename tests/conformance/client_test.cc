// tests/conformance/client_test.cc
//
// Client-level conformance: Brook's producer, consumer and transactions
// against the broker under test, embedded Brook or (with
// BROOK_BOOTSTRAP=host:port) any Kafka-compatible broker; see
// protocol_test.cc for how to run the suite against Apache Kafka.
//
// Timeouts are generous: a Kafka broker delays a new group's first
// rebalance (group.initial.rebalance.delay.ms, 3 s by default) and writes
// transaction markers after EndTxn has been answered.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "client/client_error.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "tests/conformance/conformance_testing.h"

namespace brook::conformance {
namespace {

using client::Consumer;
using client::ConsumerRecord;
using client::OffsetAndMetadata;
using client::Producer;
using client::RecordMetadata;
using client::TopicPartition;

class ClientConformanceTest : public ConformanceTest {
 protected:
  std::unique_ptr<Producer> MakeProducer(std::map<std::string, std::string> props = {}) {
    props.emplace("bootstrap.servers", bootstrap());
    props.emplace("acks", "all");
    props.emplace("max.block.ms", "30000");
    Result<std::unique_ptr<Producer>> p = Producer::Create(props);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(*p) : nullptr;
  }

  std::unique_ptr<Consumer> MakeConsumer(std::map<std::string, std::string> props = {}) {
    props.emplace("bootstrap.servers", bootstrap());
    props.emplace("auto.offset.reset", "earliest");
    props.emplace("enable.auto.commit", "false");
    Result<std::unique_ptr<Consumer>> c = Consumer::Create(props);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Polls until `count` records came or `timeout` passed.
  static std::vector<ConsumerRecord> PollFor(Consumer& consumer, size_t count,
                                             std::chrono::milliseconds timeout = 30s) {
    std::vector<ConsumerRecord> out;
    Clock::time_point deadline = Clock::now() + timeout;
    while (out.size() < count && Clock::now() < deadline) {
      for (ConsumerRecord& r : consumer.poll(100ms)) out.push_back(std::move(r));
    }
    return out;
  }

  static std::vector<std::string> RecordValues(const std::vector<ConsumerRecord>& records) {
    std::vector<std::string> out;
    for (const ConsumerRecord& r : records) out.push_back(r.value.value_or("<null>"));
    return out;
  }

  static std::vector<TopicPartition> AllPartitions(const std::string& topic, int32_t count) {
    std::vector<TopicPartition> out;
    for (int32_t p = 0; p < count; ++p) out.push_back({topic, p});
    return out;
  }
};

TEST_F(ClientConformanceTest, ProducedRecordsAreConsumedWithTheirKeysPartitionsAndOffsets) {
  std::string topic = Name("client-roundtrip");
  CreateTopic(topic, 3);
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < 30; ++i) {
    sent.push_back(producer->send({.topic = topic,
                                   .key = "key-" + std::to_string(i % 7),
                                   .value = "value-" + std::to_string(i)}));
  }
  producer->flush();
  std::map<std::string, RecordMetadata> where;  // by value
  std::map<std::string, int32_t> key_partition;
  for (int i = 0; i < 30; ++i) {
    RecordMetadata md;
    ASSERT_NO_THROW(md = sent[i].get()) << "record " << i;
    EXPECT_EQ(md.topic, topic);
    EXPECT_GE(md.offset, 0);
    where["value-" + std::to_string(i)] = md;
    // One key, one partition.
    auto [it, fresh] = key_partition.emplace("key-" + std::to_string(i % 7), md.partition);
    if (!fresh) {
      EXPECT_EQ(it->second, md.partition);
    }
  }

  auto consumer = MakeConsumer();
  ASSERT_NE(consumer, nullptr);
  consumer->assign(AllPartitions(topic, 3));
  std::vector<ConsumerRecord> records = PollFor(*consumer, 30);
  ASSERT_EQ(records.size(), 30u);
  std::map<int32_t, int64_t> last_offset;
  for (const ConsumerRecord& r : records) {
    ASSERT_TRUE(r.value.has_value());
    auto it = where.find(*r.value);
    ASSERT_NE(it, where.end()) << *r.value;
    EXPECT_EQ(r.partition, it->second.partition) << *r.value;
    EXPECT_EQ(r.offset, it->second.offset) << *r.value;
    EXPECT_EQ(r.key, "key-" + std::to_string(std::stoi(r.value->substr(6)) % 7));
    // In offset order within each partition.
    auto [pos, fresh] = last_offset.emplace(r.partition, r.offset);
    if (!fresh) {
      EXPECT_GT(r.offset, pos->second);
      pos->second = r.offset;
    }
  }
  EXPECT_TRUE(consumer->poll(300ms).empty());
}

TEST_F(ClientConformanceTest, ReadCommittedSeesCommittedTransactionsAndNotTheAbortedOne) {
  std::string topic = Name("client-txn");
  CreateTopic(topic, 1);
  auto producer = MakeProducer({{"transactional.id", Name("client-txn-id")}});
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->init_transactions().ok());

  auto transaction = [&](const std::vector<std::string>& values, bool commit) {
    Status begun = producer->begin_transaction();
    ASSERT_TRUE(begun.ok()) << begun.ToString();
    std::vector<std::future<RecordMetadata>> sent;
    for (const std::string& v : values)
      sent.push_back(producer->send({.topic = topic, .value = v}));
    if (commit) {
      Status s = producer->commit_transaction();
      ASSERT_TRUE(s.ok()) << s.ToString();
      for (auto& f : sent) EXPECT_NO_THROW(f.get());
    } else {
      producer->flush();
      Status s = producer->abort_transaction();
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  };
  transaction({"c1", "c2"}, /*commit=*/true);
  transaction({"a1", "a2", "a3"}, /*commit=*/false);
  transaction({"c3"}, /*commit=*/true);

  auto committed = MakeConsumer({{"isolation.level", "read_committed"}});
  ASSERT_NE(committed, nullptr);
  committed->assign({{topic, 0}});
  std::vector<ConsumerRecord> records = PollFor(*committed, 3);
  for (const ConsumerRecord& r : committed->poll(500ms)) records.push_back(r);
  EXPECT_EQ(RecordValues(records), (std::vector<std::string>{"c1", "c2", "c3"}));

  // read_uncommitted sees every record, the aborted ones too.
  auto uncommitted = MakeConsumer({{"isolation.level", "read_uncommitted"}});
  ASSERT_NE(uncommitted, nullptr);
  uncommitted->assign({{topic, 0}});
  std::vector<ConsumerRecord> all = PollFor(*uncommitted, 6);
  EXPECT_EQ(RecordValues(all), (std::vector<std::string>{"c1", "c2", "a1", "a2", "a3", "c3"}));
}

TEST_F(ClientConformanceTest, OffsetsSentWithACommittedTransactionAreTheGroupsCommittedOffsets) {
  std::string topic = Name("client-eos");
  CreateTopic(topic, 1);
  std::string group = Name("client-eos-group");
  auto consumer = MakeConsumer({{"group.id", group}, {"isolation.level", "read_committed"}});
  ASSERT_NE(consumer, nullptr);
  TopicPartition tp{topic, 0};
  consumer->assign({tp});
  auto producer = MakeProducer({{"transactional.id", Name("client-eos-id")}});
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->init_transactions().ok());

  auto committed_offset = [&]() -> int64_t {
    auto committed = consumer->committed({tp}, 10s);
    EXPECT_TRUE(committed.ok()) << committed.status().ToString();
    if (!committed.ok()) return -2;
    auto it = committed->find(tp);
    return it == committed->end() ? -1 : it->second.offset;
  };

  // Committed with the transaction.
  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send({.topic = topic, .value = "out-1"});
  Status sent = producer->send_offsets_to_transaction({{tp, OffsetAndMetadata{.offset = 42}}},
                                                      consumer->group_metadata());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  Status s = producer->commit_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Eventually(committed_offset, [](int64_t o) { return o == 42; }), 42);

  // Aborted with the transaction: the group keeps 42.
  ASSERT_TRUE(producer->begin_transaction().ok());
  producer->send({.topic = topic, .value = "out-2"});
  sent = producer->send_offsets_to_transaction({{tp, OffsetAndMetadata{.offset = 99}}},
                                               consumer->group_metadata());
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  s = producer->abort_transaction();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(committed_offset(), 42);
}

TEST_F(ClientConformanceTest, TwoMembersOfAGroupSplitThePartitions) {
  std::string topic = Name("client-group");
  CreateTopic(topic, 4);
  std::string group = Name("client-group");
  std::map<std::string, std::string> props = {{"group.id", group},
                                              {"session.timeout.ms", "10000"},
                                              {"heartbeat.interval.ms", "500"},
                                              {"max.poll.interval.ms", "60000"}};
  auto a = MakeConsumer(props);
  auto b = MakeConsumer(props);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->subscribe({topic}).ok());
  ASSERT_TRUE(b->subscribe({topic}).ok());
  Clock::time_point deadline = Clock::now() + 60s;
  auto settled = [&] {
    return a->assignment().size() == 2 && b->assignment().size() == 2 &&
           a->group_metadata().generation_id == b->group_metadata().generation_id;
  };
  while (Clock::now() < deadline && !settled()) {
    a->poll(50ms);
    b->poll(50ms);
  }
  ASSERT_TRUE(settled()) << "a has " << a->assignment().size() << ", b has "
                         << b->assignment().size();
  std::set<int32_t> all;
  for (const TopicPartition& tp : a->assignment()) {
    EXPECT_EQ(tp.topic, topic);
    all.insert(tp.partition);
  }
  for (const TopicPartition& tp : b->assignment()) {
    EXPECT_EQ(tp.topic, topic);
    EXPECT_TRUE(all.insert(tp.partition).second) << "both hold partition " << tp.partition;
  }
  EXPECT_EQ(all, (std::set<int32_t>{0, 1, 2, 3}));
  EXPECT_GE(a->group_metadata().generation_id, 1);
  EXPECT_NE(a->group_metadata().member_id, b->group_metadata().member_id);
  a->close();
  b->close();
}

}  // namespace
}  // namespace brook::conformance
