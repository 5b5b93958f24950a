// tests/client/consumer_test.cc
//
// The consumer against an embedded in-memory broker: records written by
// Brook's producer or straight into the broker's logs are read back with
// assign/seek/position/pause/resume, auto.offset.reset and OFFSET_OUT_OF_RANGE
// resets, compressed batches, and read_committed over transactions written
// into the log (aborted ones and control batches never show) and by a
// python3 confluent_kafka transactional producer.
#include "client/consumer.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "broker/broker.h"
#include "client/admin.h"
#include "client/client_error.h"
#include "client/fetcher.h"
#include "client/network/cluster.h"
#include "client/producer.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/client/client_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Recent enough that retention (7 days) keeps the records.
const int64_t kT0 = broker::Broker::NowMs() - 60000;

struct BatchSpec {
  std::vector<std::string> values;
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
  int32_t sequence = kNoSequence;
  bool transactional = false;
  Compression compression = Compression::kNone;
};

std::string Batch(const BatchSpec& spec) {
  RecordBatchHeader h;
  h.base_timestamp = kT0;
  h.producer_id = spec.producer_id;
  h.producer_epoch = spec.epoch;
  h.base_sequence = spec.sequence;
  if (spec.transactional) h.attributes |= kTransactionalAttribute;
  std::vector<Record> records;
  for (size_t i = 0; i < spec.values.size(); ++i) {
    records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = "k" + std::to_string(i),
                             .value = spec.values[i]});
  }
  Result<std::string> batch = BuildRecordBatch(h, spec.compression, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

std::vector<std::string> Values(const std::vector<ConsumerRecord>& records) {
  std::vector<std::string> out;
  for (const ConsumerRecord& r : records) out.push_back(r.value.value_or("<null>"));
  return out;
}

class ConsumerTest : public ClientTest {
 protected:
  storage::PartitionLog& Log(const std::string& topic, int32_t partition = 0) {
    return *broker().logs().Partition(topic, partition);
  }

  void Append(const std::string& topic, int32_t partition, const BatchSpec& spec) {
    Result<storage::AppendResult> r = Log(topic, partition).Append(Batch(spec), 0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::unique_ptr<Consumer> MakeConsumer(std::map<std::string, std::string> props = {}) {
    props.emplace("bootstrap.servers", broker().bootstrap());
    props.emplace("auto.offset.reset", "earliest");
    Result<std::unique_ptr<Consumer>> c = Consumer::Create(props);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Polls until `count` records came or `timeout` passed.
  static std::vector<ConsumerRecord> PollFor(Consumer& consumer, size_t count,
                                             std::chrono::milliseconds timeout = 10s) {
    std::vector<ConsumerRecord> out;
    Clock::time_point deadline = Clock::now() + timeout;
    while (out.size() < count && Clock::now() < deadline) {
      for (ConsumerRecord& r : consumer.poll(100ms)) out.push_back(std::move(r));
    }
    return out;
  }
};

TEST_F(ConsumerTest, ReadsBackWhatTheProducerWroteInOffsetOrderPerPartition) {
  CreateTopic("orders", 3);
  auto producer = Producer::Create({{"bootstrap.servers", broker().bootstrap()}});
  ASSERT_TRUE(producer.ok());
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    (*producer)->send(ProducerRecord{.topic = "orders",
                                     .key = "key-" + std::to_string(i % 10),
                                     .value = "value-" + std::to_string(i),
                                     .headers = {RecordHeader{.key = "h", .value = "x"}},
                                     .timestamp = kT0 + i});
  }
  (*producer)->flush();

  auto consumer = MakeConsumer({{"max.poll.records", "50"}});
  consumer->assign({{"orders", 0}, {"orders", 1}, {"orders", 2}});
  std::vector<ConsumerRecord> records = PollFor(*consumer, kCount);
  ASSERT_EQ(records.size(), static_cast<size_t>(kCount));
  std::map<int32_t, int64_t> next;
  std::map<std::string, int32_t> partition_of_key;
  for (const ConsumerRecord& r : records) {
    EXPECT_EQ(r.topic, "orders");
    EXPECT_EQ(r.offset, next[r.partition]) << "partition " << r.partition;
    next[r.partition] = r.offset + 1;
    int i = std::stoi(r.value->substr(6));
    EXPECT_EQ(r.key, "key-" + std::to_string(i % 10));
    EXPECT_EQ(r.timestamp, kT0 + i);
    EXPECT_EQ(r.headers, (std::vector<RecordHeader>{{.key = "h", .value = "x"}}));
    auto [it, fresh] = partition_of_key.emplace(*r.key, r.partition);
    EXPECT_EQ(it->second, r.partition) << "a key moved partitions";
  }
  for (int32_t p = 0; p < 3; ++p) {
    Result<int64_t> position = consumer->position({"orders", p});
    ASSERT_TRUE(position.ok());
    EXPECT_EQ(*position, Log("orders", p).high_watermark());
  }
  EXPECT_TRUE(consumer->poll(50ms).empty());
}

TEST_F(ConsumerTest, CompressedBatchesDecodeWithEveryCodec) {
  CreateTopic("c", 1);
  for (Compression codec : {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                            Compression::kLz4, Compression::kZstd}) {
    std::string name(CompressionName(codec));
    Append("c", 0, {.values = {name + "-a", name + "-b"}, .compression = codec});
  }
  auto consumer = MakeConsumer();
  consumer->assign({{"c", 0}});
  std::vector<ConsumerRecord> records = PollFor(*consumer, 10);
  EXPECT_EQ(Values(records),
            (std::vector<std::string>{"none-a", "none-b", "gzip-a", "gzip-b", "snappy-a",
                                      "snappy-b", "lz4-a", "lz4-b", "zstd-a", "zstd-b"}));
}

TEST_F(ConsumerTest, SeekPositionPauseAndResume) {
  CreateTopic("t", 2);
  for (int i = 0; i < 10; ++i) Append("t", 0, {.values = {"a" + std::to_string(i)}});
  for (int i = 0; i < 10; ++i) Append("t", 1, {.values = {"b" + std::to_string(i)}});
  auto consumer = MakeConsumer({{"auto.offset.reset", "latest"}});
  consumer->assign({{"t", 0}, {"t", 1}});
  Result<int64_t> latest = consumer->position({"t", 0});
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(*latest, 10);  // latest: the high watermark
  EXPECT_TRUE(consumer->poll(100ms).empty());

  ASSERT_TRUE(consumer->seek({"t", 0}, 7).ok());
  ASSERT_TRUE(consumer->seek_to_beginning({{"t", 1}}).ok());
  consumer->pause({{"t", 1}});
  EXPECT_EQ(consumer->paused(), (std::vector<TopicPartition>{{"t", 1}}));
  std::vector<ConsumerRecord> records = PollFor(*consumer, 3);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"a7", "a8", "a9"}));
  EXPECT_TRUE(consumer->poll(200ms).empty());  // t-1 is paused
  Result<int64_t> paused_position = consumer->position({"t", 1});
  ASSERT_TRUE(paused_position.ok());
  EXPECT_EQ(*paused_position, 0);

  consumer->resume({{"t", 1}});
  records = PollFor(*consumer, 10);
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records.front().value, "b0");
  EXPECT_EQ(records.back().value, "b9");

  ASSERT_TRUE(consumer->seek_to_end({{"t", 0}}).ok());
  Result<int64_t> end = consumer->position({"t", 0});
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 10);

  EXPECT_FALSE(consumer->seek({"other", 0}, 1).ok());
  EXPECT_FALSE(consumer->position({"other", 0}).ok());

  // A record appended after the consumer caught up arrives through a parked fetch.
  Append("t", 0, {.values = {"late"}});
  records = PollFor(*consumer, 1);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"late"}));
}

TEST_F(ConsumerTest, OffsetOutOfRangeResetsOrFailsWithNone) {
  CreateTopic("t", 1);
  for (int i = 0; i < 5; ++i) Append("t", 0, {.values = {"v" + std::to_string(i)}});
  {
    auto consumer = MakeConsumer();
    consumer->assign({{"t", 0}});
    ASSERT_TRUE(consumer->seek({"t", 0}, 1000).ok());
    std::vector<ConsumerRecord> records = PollFor(*consumer, 5);
    EXPECT_EQ(Values(records), (std::vector<std::string>{"v0", "v1", "v2", "v3", "v4"}));
  }
  {
    auto consumer = MakeConsumer({{"auto.offset.reset", "latest"}});
    consumer->assign({{"t", 0}});
    ASSERT_TRUE(consumer->seek({"t", 0}, 1000).ok());
    Clock::time_point deadline = Clock::now() + 5s;
    Result<int64_t> position = consumer->position({"t", 0});
    while (Clock::now() < deadline && (!position.ok() || *position != 5)) {
      EXPECT_TRUE(consumer->poll(50ms).empty());
      position = consumer->position({"t", 0});
    }
    ASSERT_TRUE(position.ok());
    EXPECT_EQ(*position, 5);
  }
  {
    auto consumer = MakeConsumer({{"auto.offset.reset", "none"}});
    consumer->assign({{"t", 0}});
    ASSERT_TRUE(consumer->seek({"t", 0}, 1000).ok());
    bool thrown = false;
    Clock::time_point deadline = Clock::now() + 5s;
    while (!thrown && Clock::now() < deadline) {
      try {
        consumer->poll(100ms);
      } catch (const ClientError& e) {
        thrown = true;
        EXPECT_EQ(e.error_code(), ErrorCode::kOffsetOutOfRange) << e.what();
      }
    }
    EXPECT_TRUE(thrown);
  }
}

TEST_F(ConsumerTest, ReadCommittedSkipsAbortedTransactionsAndStopsAtTheLastStableOffset) {
  CreateTopic("t", 1);
  Append("t", 0, {.values = {"plain0", "plain1"}});  // 0-1
  Append("t", 0,
         {.values = {"aborted0", "aborted1"},  // 2-3
          .producer_id = 5,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});
  Append("t", 0,
         {.values = {"committed0"},  // 4
          .producer_id = 6,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});
  ASSERT_TRUE(Log("t").AppendMarker(5, 0, ControlRecordType::kAbort, 0, 0).ok());   // 5
  ASSERT_TRUE(Log("t").AppendMarker(6, 0, ControlRecordType::kCommit, 0, 0).ok());  // 6
  Append("t", 0, {.values = {"plain2"}});                                           // 7
  Append("t", 0,
         {.values = {"open"},  // 8, still open: the LSO
          .producer_id = 7,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});
  Append("t", 0, {.values = {"after-open"}});  // 9

  auto committed = MakeConsumer({{"isolation.level", "read_committed"}});
  committed->assign({{"t", 0}});
  std::vector<ConsumerRecord> records = PollFor(*committed, 4);
  EXPECT_EQ(Values(records),
            (std::vector<std::string>{"plain0", "plain1", "committed0", "plain2"}));
  EXPECT_TRUE(committed->poll(300ms).empty());
  Result<int64_t> position = committed->position({"t", 0});
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, 8);  // past the markers, stopped at the open transaction

  auto uncommitted = MakeConsumer();
  uncommitted->assign({{"t", 0}});
  records = PollFor(*uncommitted, 8);
  EXPECT_EQ(Values(records),
            (std::vector<std::string>{"plain0", "plain1", "aborted0", "aborted1", "committed0",
                                      "plain2", "open", "after-open"}));

  // The transaction commits: the rest becomes readable, the marker never shows.
  ASSERT_TRUE(Log("t").AppendMarker(7, 0, ControlRecordType::kCommit, 0, 0).ok());  // 10
  records = PollFor(*committed, 2);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"open", "after-open"}));
  Clock::time_point deadline = Clock::now() + 5s;
  auto position_of = [&] {
    Result<int64_t> p = committed->position({"t", 0});
    return p.ok() ? *p : -1;
  };
  while (Clock::now() < deadline && position_of() != 11) committed->poll(50ms);
  EXPECT_EQ(position_of(), 11);  // past the last marker
}

TEST_F(ConsumerTest, CommitSyncAndCommittedAndTheNextConsumerStartsThere) {
  CreateTopic("t", 2);
  for (int i = 0; i < 10; ++i) Append("t", 0, {.values = {"v" + std::to_string(i)}});
  {
    auto consumer = MakeConsumer(
        {{"group.id", "g"}, {"enable.auto.commit", "false"}, {"max.poll.records", "4"}});
    consumer->assign({{"t", 0}, {"t", 1}});
    std::vector<ConsumerRecord> records = PollFor(*consumer, 4);
    ASSERT_EQ(Values(records), (std::vector<std::string>{"v0", "v1", "v2", "v3"}));
    Status s = consumer->commit_sync();
    ASSERT_TRUE(s.ok()) << s.ToString();
    Result<std::map<TopicPartition, OffsetAndMetadata>> committed =
        consumer->committed({{"t", 0}, {"t", 1}});
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    ASSERT_EQ(committed->count({"t", 0}), 1u);
    EXPECT_EQ(committed->at({"t", 0}).offset, 4);
    EXPECT_EQ(committed->at({"t", 1}).offset, 0);  // positioned by the reset, committed too

    // Explicit offsets with metadata, and commit_async's callback.
    std::promise<Status> done;
    consumer->commit_async({{{"t", 0}, OffsetAndMetadata{.offset = 6, .metadata = "m"}}},
                           [&](const auto&, const Status& st) { done.set_value(st); });
    Status async = done.get_future().get();
    ASSERT_TRUE(async.ok()) << async.ToString();
    committed = consumer->committed({{"t", 0}});
    ASSERT_TRUE(committed.ok());
    EXPECT_EQ(committed->at({"t", 0}), (OffsetAndMetadata{.offset = 6, .metadata = "m"}));
    EXPECT_EQ(consumer->group_metadata().group_id, "g");
    EXPECT_EQ(consumer->group_metadata().generation_id, -1);
  }
  // A new member of the group starts at the committed offset.
  auto next = MakeConsumer({{"group.id", "g"}, {"enable.auto.commit", "false"}});
  next->assign({{"t", 0}});
  std::vector<ConsumerRecord> records = PollFor(*next, 4);
  EXPECT_EQ(Values(records), (std::vector<std::string>{"v6", "v7", "v8", "v9"}));

  // Without group.id there is nothing to commit to.
  auto groupless = MakeConsumer();
  groupless->assign({{"t", 0}});
  Status s = groupless->commit_sync();
  EXPECT_EQ(s.code(), make_error_code(ErrorCode::kInvalidGroupId)) << s.ToString();
  EXPECT_FALSE(groupless->committed({{"t", 0}}).ok());
}

TEST_F(ConsumerTest, AutoCommitCommitsConsumedPositionsOnItsIntervalAndOnClose) {
  CreateTopic("t", 1);
  for (int i = 0; i < 10; ++i) Append("t", 0, {.values = {"v" + std::to_string(i)}});
  auto consumer = MakeConsumer({{"group.id", "auto"}, {"auto.commit.interval.ms", "100"}});
  consumer->assign({{"t", 0}});
  ASSERT_EQ(PollFor(*consumer, 10).size(), 10u);
  Clock::time_point deadline = Clock::now() + 5s;
  int64_t committed = -1;
  while (Clock::now() < deadline && committed != 10) {
    consumer->poll(20ms);
    Result<std::map<TopicPartition, OffsetAndMetadata>> c = consumer->committed({{"t", 0}});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    if (c->count({"t", 0})) committed = c->at({"t", 0}).offset;
  }
  EXPECT_EQ(committed, 10);

  // On close, without waiting for the interval.
  auto slow = MakeConsumer({{"group.id", "on-close"}, {"auto.commit.interval.ms", "600000"}});
  slow->assign({{"t", 0}});
  ASSERT_EQ(PollFor(*slow, 10).size(), 10u);
  slow->close();
  auto reader = MakeConsumer({{"group.id", "on-close"}});
  Result<std::map<TopicPartition, OffsetAndMetadata>> c = reader->committed({{"t", 0}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->count({"t", 0}), 1u);
  EXPECT_EQ(c->at({"t", 0}).offset, 10);
}

// Group members for subscribe() tests: fast heartbeats, the broker's
// minimum session timeout.
std::map<std::string, std::string> GroupProps(const std::string& group) {
  return {{"group.id", group},
          {"heartbeat.interval.ms", "100"},
          {"session.timeout.ms", "6000"},
          {"max.poll.interval.ms", "10000"},
          {"auto.commit.interval.ms", "100"}};
}

std::set<int32_t> Partitions(const std::vector<TopicPartition>& tps) {
  std::set<int32_t> out;
  for (const TopicPartition& tp : tps) out.insert(tp.partition);
  return out;
}

TEST_F(ConsumerTest, TwoSubscribersSplitSixPartitionsAndTheOneLeftTakesAll) {
  CreateTopic("six", 6);
  for (int p = 0; p < 6; ++p) {
    for (int i = 0; i < 5; ++i) {
      Append("six", p, {.values = {std::to_string(p) + "-" + std::to_string(i)}});
    }
  }
  auto a = MakeConsumer(GroupProps("split"));
  auto b = MakeConsumer(GroupProps("split"));
  std::vector<std::string> events;
  RebalanceListener listen_a{
      .on_partitions_revoked =
          [&](const auto& tps) { events.push_back("a-revoked-" + std::to_string(tps.size())); },
      .on_partitions_assigned =
          [&](const auto& tps) { events.push_back("a-assigned-" + std::to_string(tps.size())); }};
  ASSERT_TRUE(a->subscribe({"six"}, listen_a).ok());
  ASSERT_TRUE(b->subscribe({"six"}).ok());
  EXPECT_EQ(a->subscription(), std::vector<std::string>{"six"});

  std::multiset<std::string> seen;
  auto poll_both = [&] {
    for (Consumer* c : {a.get(), b.get()}) {
      for (const ConsumerRecord& r : c->poll(50ms)) seen.insert(*r.value);
    }
  };
  Clock::time_point deadline = Clock::now() + 30s;
  while (Clock::now() < deadline &&
         !(a->assignment().size() == 3 && b->assignment().size() == 3 && seen.size() >= 30)) {
    poll_both();
  }
  ASSERT_EQ(a->assignment().size(), 3u);
  ASSERT_EQ(b->assignment().size(), 3u);
  std::set<int32_t> all = Partitions(a->assignment());
  for (int32_t p : Partitions(b->assignment())) EXPECT_TRUE(all.insert(p).second) << "shared " << p;
  EXPECT_EQ(all.size(), 6u);
  // Every record once: the first member's early reads were committed before it gave partitions up.
  EXPECT_EQ(seen.size(), 30u);
  for (const std::string& v : seen) EXPECT_EQ(seen.count(v), 1u) << v;
  ConsumerGroupMetadata ma = a->group_metadata();
  ConsumerGroupMetadata mb = b->group_metadata();
  EXPECT_EQ(ma.group_id, "split");
  EXPECT_GT(ma.generation_id, 0);
  EXPECT_EQ(ma.generation_id, mb.generation_id);
  EXPECT_FALSE(ma.member_id.empty());
  EXPECT_NE(ma.member_id, mb.member_id);

  // b leaves; a takes every partition and continues where b committed.
  b->close();
  for (int p = 0; p < 6; ++p) Append("six", p, {.values = {"after-" + std::to_string(p)}});
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && !(a->assignment().size() == 6 && seen.size() >= 36)) {
    for (const ConsumerRecord& r : a->poll(50ms)) seen.insert(*r.value);
  }
  EXPECT_EQ(a->assignment().size(), 6u);
  EXPECT_EQ(seen.size(), 36u);
  for (const std::string& v : seen) EXPECT_EQ(seen.count(v), 1u) << v;
  EXPECT_GT(a->group_metadata().generation_id, ma.generation_id);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "a-assigned-6");
}

TEST_F(ConsumerTest, CloseDuringAParkedJoinLeavesAtOnce) {
  CreateTopic("six", 6);
  auto a = MakeConsumer(GroupProps("parked"));
  ASSERT_TRUE(a->subscribe({"six"}).ok());
  Clock::time_point deadline = Clock::now() + 10s;
  while (Clock::now() < deadline && a->assignment().size() != 6) a->poll(50ms);
  ASSERT_EQ(a->assignment().size(), 6u);

  // b's JoinGroup waits for a, which does not poll meanwhile.
  auto b = MakeConsumer(GroupProps("parked"));
  ASSERT_TRUE(b->subscribe({"six"}).ok());
  EXPECT_TRUE(b->poll(300ms).empty());
  EXPECT_TRUE(b->assignment().empty());
  Clock::time_point start = Clock::now();
  b->close();
  EXPECT_LT(Clock::now() - start, 3s);

  // a rejoins alone and keeps everything.
  deadline = Clock::now() + 15s;
  int64_t generation = a->group_metadata().generation_id;
  while (Clock::now() < deadline &&
         (a->group_metadata().generation_id == generation || a->assignment().size() != 6)) {
    a->poll(50ms);
  }
  EXPECT_EQ(a->assignment().size(), 6u);
}

// A librdkafka member (python3 confluent_kafka, range) and a Brook member
// share one group's partitions.
TEST_F(ConsumerTest, MixedGroupWithLibrdkafkaSharesThePartitions) {
  if (!HaveConfluentKafka()) {
    GTEST_FAIL() << "python3 confluent_kafka is not installed (tools/deps.sh interop)";
  }
  CreateTopic("mixed", 6);
  brook::testing::TempDir dir;
  std::string script = dir.path() + "/member.py";
  std::string assigned_file = dir.path() + "/assigned";
  std::string stop_file = dir.path() + "/stop";
  {
    std::ofstream out(script);
    out << "import os, sys, time\n"
           "from confluent_kafka import Consumer\n"
           "bootstrap, assigned, stop = sys.argv[1:4]\n"
           "c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'mixed',\n"
           "              'partition.assignment.strategy': 'range',\n"
           "              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100,\n"
           "              'auto.offset.reset': 'earliest'})\n"
           "def on_assign(consumer, partitions):\n"
           "    with open(assigned + '.tmp', 'w') as f:\n"
           "        f.write(' '.join(str(p.partition) for p in partitions))\n"
           "    os.rename(assigned + '.tmp', assigned)\n"
           "c.subscribe(['mixed'], on_assign=on_assign)\n"
           "deadline = time.time() + 60\n"
           "while time.time() < deadline and not os.path.exists(stop):\n"
           "    c.poll(0.1)\n"
           "c.close()\n";
  }
  std::string command = "timeout 90 /usr/bin/python3 " + script + " " + broker().bootstrap() + " " +
                        assigned_file + " " + stop_file + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  auto read_assigned = [&] {
    std::ifstream in(assigned_file);
    std::set<int32_t> out;
    int32_t p;
    while (in >> p) out.insert(p);
    return out;
  };

  auto consumer = MakeConsumer(GroupProps("mixed"));
  ASSERT_TRUE(consumer->subscribe({"mixed"}).ok());
  Clock::time_point deadline = Clock::now() + 45s;
  std::set<int32_t> theirs;
  while (Clock::now() < deadline) {
    consumer->poll(50ms);
    theirs = read_assigned();
    if (consumer->assignment().size() == 3 && theirs.size() == 3) break;
  }
  std::set<int32_t> ours = Partitions(consumer->assignment());
  { std::ofstream(stop_file) << "stop"; }
  std::string output;
  int status = ReadAndClose(pipe, output);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;

  ASSERT_EQ(ours.size(), 3u) << output;
  ASSERT_EQ(theirs.size(), 3u) << output;
  std::set<int32_t> all = ours;
  all.insert(theirs.begin(), theirs.end());
  EXPECT_EQ(all, (std::set<int32_t>{0, 1, 2, 3, 4, 5})) << output;

  // Once the librdkafka member has left, the Brook member holds everything.
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && consumer->assignment().size() != 6) consumer->poll(50ms);
  EXPECT_EQ(consumer->assignment().size(), 6u);
}

TEST(DecodeFetchedRecordsTest, AbortedTransactionsAreDroppedUpToTheirMarker) {
  // Producer 5 aborts a transaction, then writes a committed one: only the
  // batches between its first offset and its abort marker are dropped.
  std::string bytes;
  auto add = [&](std::string batch, int64_t base_offset) {
    SetBaseOffset(std::span<char>(batch.data(), batch.size()), base_offset);
    bytes += batch;
  };
  add(Batch({.values = {"x0", "x1"},
             .producer_id = 5,
             .epoch = 0,
             .sequence = 0,
             .transactional = true}),
      10);
  add(BuildEndTransactionBatch({.producer_id = 5, .producer_epoch = 0},
                               {.type = ControlRecordType::kAbort}),
      12);
  add(Batch({.values = {"y0"}, .producer_id = 5, .epoch = 0, .sequence = 2, .transactional = true}),
      13);
  add(BuildEndTransactionBatch({.producer_id = 5, .producer_epoch = 0},
                               {.type = ControlRecordType::kCommit}),
      14);
  std::vector<FetchResponse::AbortedTransaction> aborted = {{.producer_id = 5, .first_offset = 10}};

  DecodedFetch committed =
      DecodeFetchedRecords("t", 0, 11, bytes, IsolationLevel::kReadCommitted, 15, aborted);
  ASSERT_TRUE(committed.error.ok()) << committed.error.ToString();
  EXPECT_EQ(Values(committed.records), (std::vector<std::string>{"y0"}));
  EXPECT_EQ(committed.next_offset, 15);

  DecodedFetch uncommitted =
      DecodeFetchedRecords("t", 0, 11, bytes, IsolationLevel::kReadUncommitted, -1, aborted);
  EXPECT_EQ(Values(uncommitted.records), (std::vector<std::string>{"x1", "y0"}));
  EXPECT_EQ(uncommitted.records.front().offset, 11);  // x0 lies before the fetch offset

  // Under read_committed nothing at or past the LSO comes back.
  DecodedFetch stopped =
      DecodeFetchedRecords("t", 0, 10, bytes, IsolationLevel::kReadCommitted, 13, aborted);
  EXPECT_TRUE(stopped.records.empty());
  EXPECT_EQ(stopped.next_offset, 13);
}

// librdkafka's transactional producer commits and aborts; Brook's consumer
// under read_committed sees only the committed records.
TEST_F(ConsumerTest, ReadCommittedAgainstLibrdkafkaTransactions) {
  if (!HaveConfluentKafka()) {
    GTEST_FAIL() << "python3 confluent_kafka is not installed (tools/deps.sh interop)";
  }
  CreateTopic("tx", 2);
  brook::testing::TempDir dir;
  std::string script = dir.path() + "/txn.py";
  {
    std::ofstream out(script);
    out << "import sys\n"
           "from confluent_kafka import Producer\n"
           "p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'brook-cc',\n"
           "              'linger.ms': 0})\n"
           "p.init_transactions(30)\n"
           "for t in range(4):\n"
           "    p.begin_transaction()\n"
           "    for i in range(5):\n"
           "        p.produce('tx', key=b'k%d' % i, value=b'txn%d-%d' % (t, i), partition=i % 2)\n"
           "    p.flush(30)\n"
           "    if t % 2: p.abort_transaction(30)\n"
           "    else: p.commit_transaction(30)\n"
           "p.begin_transaction()\n"
           "p.produce('tx', value=b'plain', partition=0)\n"
           "p.commit_transaction(30)\n";
  }
  std::string command =
      "timeout 90 /usr/bin/python3 " + script + " " + broker().bootstrap() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  int status = ReadAndClose(pipe, output);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;

  auto consumer = MakeConsumer({{"isolation.level", "read_committed"}});
  consumer->assign({{"tx", 0}, {"tx", 1}});
  std::vector<ConsumerRecord> records = PollFor(*consumer, 11);
  EXPECT_TRUE(consumer->poll(300ms).empty());
  std::multiset<std::string> got;
  for (const ConsumerRecord& r : records) got.insert(r.value.value_or("<null>"));
  std::multiset<std::string> want = {"plain"};
  for (int t : {0, 2}) {
    for (int i = 0; i < 5; ++i) want.insert("txn" + std::to_string(t) + "-" + std::to_string(i));
  }
  EXPECT_EQ(got, want);
  for (int32_t p = 0; p < 2; ++p) {
    Result<int64_t> position = consumer->position({"tx", p});
    ASSERT_TRUE(position.ok());
    EXPECT_EQ(*position, Log("tx", p).high_watermark()) << "partition " << p;
  }
}

TEST(ConsumerConfigTest, ConsumerPropertiesHaveTheJavaDefaults) {
  Result<ClientConfig> c = ClientConfig::FromProperties({{"bootstrap.servers", "h:1"}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->group_id.has_value());
  EXPECT_EQ(c->isolation_level, IsolationLevel::kReadUncommitted);
  EXPECT_TRUE(c->enable_auto_commit);
  EXPECT_EQ(c->auto_commit_interval, 5000ms);
  EXPECT_EQ(c->auto_offset_reset, OffsetResetStrategy::kLatest);
  EXPECT_EQ(c->session_timeout, 45000ms);
  EXPECT_EQ(c->heartbeat_interval, 3000ms);
  EXPECT_EQ(c->max_poll_interval, 300000ms);
  EXPECT_EQ(c->max_poll_records, 500);
  EXPECT_EQ(c->fetch_min_bytes, 1);
  EXPECT_EQ(c->fetch_max_wait, 500ms);
  EXPECT_EQ(c->fetch_max_bytes, 52428800);
  EXPECT_EQ(c->max_partition_fetch_bytes, 1048576);
  EXPECT_EQ(c->assignment_strategies,
            (std::vector<AssignorKind>{AssignorKind::kRange, AssignorKind::kCooperativeSticky}));

  c = ClientConfig::FromProperties(
      {{"bootstrap.servers", "h:1"},
       {"isolation.level", "read_committed"},
       {"partition.assignment.strategy",
        "roundrobin, org.apache.kafka.clients.consumer.RangeAssignor"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->isolation_level, IsolationLevel::kReadCommitted);
  EXPECT_EQ(c->assignment_strategies,
            (std::vector<AssignorKind>{AssignorKind::kRoundRobin, AssignorKind::kRange}));

  EXPECT_FALSE(
      ClientConfig::FromProperties({{"bootstrap.servers", "h:1"}, {"isolation.level", "x"}}).ok());
  EXPECT_FALSE(ClientConfig::FromProperties(
                   {{"bootstrap.servers", "h:1"}, {"auto.offset.reset", "smallest"}})
                   .ok());
  EXPECT_FALSE(ClientConfig::FromProperties(
                   {{"bootstrap.servers", "h:1"}, {"heartbeat.interval.ms", "50000"}})
                   .ok());
  EXPECT_FALSE(ClientConfig::FromProperties(
                   {{"bootstrap.servers", "h:1"}, {"partition.assignment.strategy", "sticky"}})
                   .ok());
}

// What a subscriber's rebalance listener heard, in order.
struct RebalanceLog {
  std::vector<std::string> events;  // "revoked 3", "assigned 0", "lost 6"
  std::set<TopicPartition> revoked, assigned, lost;

  RebalanceListener Listener() {
    auto note = [this](const char* what, std::set<TopicPartition>* into) {
      return [this, what, into](const std::vector<TopicPartition>& tps) {
        events.push_back(std::string(what) + " " + std::to_string(tps.size()));
        into->insert(tps.begin(), tps.end());
      };
    };
    return RebalanceListener{.on_partitions_revoked = note("revoked", &revoked),
                             .on_partitions_assigned = note("assigned", &assigned),
                             .on_partitions_lost = note("lost", &lost)};
  }
};

std::map<std::string, std::string> CooperativeProps(const std::string& group) {
  std::map<std::string, std::string> props = GroupProps(group);
  props["partition.assignment.strategy"] = "cooperative-sticky";
  // Only rebalances commit: a kept partition re-read from its committed
  // offset would show up twice.
  props["auto.commit.interval.ms"] = "600000";
  return props;
}

std::string GroupProtocol(const std::string& bootstrap, const std::string& group) {
  auto admin = Admin::Create({{"bootstrap.servers", bootstrap}});
  if (!admin.ok()) return "admin: " + admin.status().ToString();
  auto described = (*admin)->describe_groups({group});
  if (!described.ok() || described->count(group) == 0) return "describe failed";
  return described->at(group).protocol;
}

// KIP-429 between two Brook members: the first keeps half its partitions,
// their positions and buffered records through the second's join, and the
// revocation callback names only what moved; the second leaving hands its
// partitions back in one rebalance.
TEST_F(ConsumerTest, CooperativeStickyMovesOnlyWhatBalanceNeeds) {
  CreateTopic("coop", 6);
  auto append_round = [&](const std::string& round) {
    for (int p = 0; p < 6; ++p) {
      for (int i = 0; i < 5; ++i) {
        Append("coop", p, {.values = {round + "-" + std::to_string(p) + "-" + std::to_string(i)}});
      }
    }
  };
  append_round("r1");
  RebalanceLog log_a, log_b;
  auto a = MakeConsumer(CooperativeProps("coop"));
  ASSERT_TRUE(a->subscribe({"coop"}, log_a.Listener()).ok());
  std::multiset<std::string> seen;
  auto poll = [&](Consumer& c) {
    for (const ConsumerRecord& r : c.poll(20ms)) seen.insert(*r.value);
  };
  Clock::time_point deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && !(a->assignment().size() == 6 && seen.size() == 30)) poll(*a);
  ASSERT_EQ(a->assignment().size(), 6u);
  ASSERT_EQ(seen.size(), 30u);
  EXPECT_EQ(log_a.events, std::vector<std::string>{"assigned 6"});
  int32_t first_generation = a->group_metadata().generation_id;

  // b joins; a keeps polling (and fetching) throughout.
  auto b = MakeConsumer(CooperativeProps("coop"));
  ASSERT_TRUE(b->subscribe({"coop"}, log_b.Listener()).ok());
  append_round("r2");
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline &&
         !(a->assignment().size() == 3 && b->assignment().size() == 3 && seen.size() == 60)) {
    poll(*a);
    poll(*b);
  }
  ASSERT_EQ(a->assignment().size(), 3u);
  ASSERT_EQ(b->assignment().size(), 3u);
  std::vector<TopicPartition> kept_list = a->assignment();
  std::vector<TopicPartition> moved_list = b->assignment();
  std::set<TopicPartition> kept(kept_list.begin(), kept_list.end());
  std::set<TopicPartition> moved(moved_list.begin(), moved_list.end());
  for (const TopicPartition& tp : kept) EXPECT_EQ(moved.count(tp), 0u) << tp.partition;
  // Every record once: kept partitions went on from their positions, moved
  // ones were committed before b took them.
  EXPECT_EQ(seen.size(), 60u);
  for (const std::string& v : seen) EXPECT_EQ(seen.count(v), 1u) << v;
  EXPECT_EQ(log_a.revoked, moved);
  EXPECT_EQ(log_a.events.at(1), "revoked 3");
  EXPECT_TRUE(log_a.lost.empty());
  for (size_t i = 1; i < log_a.events.size(); ++i) {
    EXPECT_TRUE(log_a.events[i] == "revoked 3" || log_a.events[i] == "assigned 0")
        << log_a.events[i];
  }
  EXPECT_EQ(log_b.assigned, moved);
  EXPECT_TRUE(log_b.revoked.empty());
  // Two rebalances: one that revokes, one that hands over.
  EXPECT_GE(a->group_metadata().generation_id, first_generation + 2);
  EXPECT_EQ(a->group_metadata().generation_id, b->group_metadata().generation_id);
  EXPECT_EQ(GroupProtocol(broker().bootstrap(), "coop"), "cooperative-sticky");

  // b leaves (committing what it read); a gets b's partitions in one
  // rebalance and revokes nothing.
  size_t a_events = log_a.events.size();
  b->close();
  EXPECT_EQ(log_b.revoked, moved);
  append_round("r3");
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && !(a->assignment().size() == 6 && seen.size() == 90)) poll(*a);
  EXPECT_EQ(a->assignment().size(), 6u);
  EXPECT_EQ(seen.size(), 90u);
  for (const std::string& v : seen) EXPECT_EQ(seen.count(v), 1u) << v;
  ASSERT_GT(log_a.events.size(), a_events);
  EXPECT_EQ(log_a.events.back(), "assigned 3");
  EXPECT_EQ(log_a.revoked, moved);  // nothing more revoked
}

// A member listing "range,cooperative-sticky" rebalances eagerly (Java's
// rule) whichever the group picks: with a range-only member the group uses
// range, with a cooperative-only member cooperative-sticky; either way every
// record is read once.
TEST_F(ConsumerTest, MixedAssignorListsUseTheProtocolTheGroupChose) {
  CreateTopic("mix", 6);
  auto append_round = [&](const std::string& round) {
    for (int p = 0; p < 6; ++p) Append("mix", p, {.values = {round + "-" + std::to_string(p)}});
  };
  append_round("r1");
  auto props = [](const std::string& strategy) {
    std::map<std::string, std::string> p = GroupProps("mix");
    p["partition.assignment.strategy"] = strategy;
    return p;
  };
  RebalanceLog log_a;
  auto a = MakeConsumer(props("range,cooperative-sticky"));
  auto b = MakeConsumer(props("range"));
  ASSERT_TRUE(a->subscribe({"mix"}, log_a.Listener()).ok());
  ASSERT_TRUE(b->subscribe({"mix"}).ok());
  std::multiset<std::string> seen;
  auto poll = [&](Consumer& c) {
    for (const ConsumerRecord& r : c.poll(20ms)) seen.insert(*r.value);
  };
  Clock::time_point deadline = Clock::now() + 30s;
  while (Clock::now() < deadline &&
         !(a->assignment().size() == 3 && b->assignment().size() == 3 && seen.size() == 6)) {
    poll(*a);
    poll(*b);
  }
  ASSERT_EQ(a->assignment().size(), 3u);
  ASSERT_EQ(b->assignment().size(), 3u);
  EXPECT_EQ(GroupProtocol(broker().bootstrap(), "mix"), "range");

  // b leaves, c (cooperative only) joins: the group can only pick
  // cooperative-sticky; a still revokes everything before each join.
  b->close();
  auto c = MakeConsumer(props("cooperative-sticky"));
  ASSERT_TRUE(c->subscribe({"mix"}).ok());
  append_round("r2");
  size_t a_events = log_a.events.size();
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline &&
         !(a->assignment().size() == 3 && c->assignment().size() == 3 && seen.size() == 12 &&
           GroupProtocol(broker().bootstrap(), "mix") == "cooperative-sticky")) {
    poll(*a);
    poll(*c);
  }
  EXPECT_EQ(GroupProtocol(broker().bootstrap(), "mix"), "cooperative-sticky");
  EXPECT_EQ(a->assignment().size(), 3u);
  EXPECT_EQ(c->assignment().size(), 3u);
  EXPECT_EQ(seen.size(), 12u);
  for (const std::string& v : seen) EXPECT_EQ(seen.count(v), 1u) << v;
  // Eager: every revocation a heard was of all it held, every assignment all it got.
  ASSERT_GT(log_a.events.size(), a_events);
  for (const std::string& e : log_a.events) {
    EXPECT_TRUE(e == "revoked 3" || e == "revoked 6" || e == "assigned 3" || e == "assigned 6")
        << e;
  }
}

// max.poll.interval.ms: a member that stops calling poll() leaves the group
// (its partitions go to nobody else's generation) and rejoins on the next
// poll(), hearing that it lost what it had; one that keeps polling stays.
TEST_F(ConsumerTest, MaxPollIntervalLeavesTheGroupAndTheNextPollRejoins) {
  CreateTopic("slow", 2);
  std::map<std::string, std::string> props = GroupProps("slow");
  props["max.poll.interval.ms"] = "1000";
  RebalanceLog log;
  auto a = MakeConsumer(props);
  ASSERT_TRUE(a->subscribe({"slow"}, log.Listener()).ok());
  Clock::time_point deadline = Clock::now() + 20s;
  while (Clock::now() < deadline && a->assignment().size() != 2) a->poll(50ms);
  ASSERT_EQ(a->assignment().size(), 2u);
  ConsumerGroupMetadata joined = a->group_metadata();

  // Polling within the interval for longer than it: still the same member.
  deadline = Clock::now() + 2500ms;
  while (Clock::now() < deadline) a->poll(50ms);
  EXPECT_EQ(a->group_metadata().member_id, joined.member_id);
  EXPECT_EQ(a->group_metadata().generation_id, joined.generation_id);

  // Not polling: the member leaves once the interval has passed.
  auto admin = Admin::Create({{"bootstrap.servers", broker().bootstrap()}});
  ASSERT_TRUE(admin.ok());
  auto state = [&] {
    auto described = (*admin)->describe_groups({"slow"});
    return described.ok() && described->count("slow") ? described->at("slow").state : "";
  };
  Clock::time_point stopped = Clock::now();
  EXPECT_EQ(state(), "Stable");
  deadline = Clock::now() + 10s;
  while (Clock::now() < deadline && state() != "Empty") std::this_thread::sleep_for(50ms);
  EXPECT_EQ(state(), "Empty");
  EXPECT_GE(Clock::now() - stopped, 900ms);
  EXPECT_TRUE(a->group_metadata().member_id.empty());

  // The next poll() rejoins: the old partitions were lost, the new ones assigned.
  deadline = Clock::now() + 20s;
  while (Clock::now() < deadline && a->group_metadata().member_id.empty()) a->poll(50ms);
  while (Clock::now() < deadline && a->assignment().size() != 2) a->poll(50ms);
  EXPECT_EQ(a->assignment().size(), 2u);
  EXPECT_NE(a->group_metadata().member_id, joined.member_id);
  EXPECT_EQ(log.events, (std::vector<std::string>{"assigned 2", "lost 2", "assigned 2"}));
  EXPECT_EQ(state(), "Stable");
}

// Fetcher::in_flight() belongs to the strand; read it there.
asio::awaitable<int> FetchesInFlight(Fetcher* fetcher) { co_return fetcher->in_flight(); }

// The Fetcher on its own, its strand run by a thread here: once a response
// is buffered, the partition is fetched again from where that response ends
// before poll() has drained any of it, and records come back one at a time
// (max.poll.records 1) from the middle of batches, in order, across responses.
TEST_F(ConsumerTest, FetcherFetchesAheadWhileRecordsAreBufferedAndResumesMidBatch) {
  CreateTopic("ahead", 1);
  constexpr int kBatches = 4;
  for (int b = 0; b < kBatches; ++b) {
    Append("ahead", 0, {.values = {"v" + std::to_string(2 * b), "v" + std::to_string(2 * b + 1)}});
  }
  // One batch per response: a partition's first batch comes even when larger.
  Result<ClientConfig> config = ClientConfig::FromProperties(
      {{"bootstrap.servers", broker().bootstrap()}, {"max.partition.fetch.bytes", "1"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  Cluster cluster(io, *config);
  auto strand = asio::make_strand(io);
  Fetcher fetcher(*config, cluster, strand, [] {});
  std::thread io_thread([&] { io.run(); });
  auto send_requests = [&] {
    asio::co_spawn(strand, fetcher.SendRequests(), asio::use_future).get();
  };
  auto in_flight = [&] {
    return asio::co_spawn(strand, FetchesInFlight(&fetcher), asio::use_future).get();
  };

  Status refreshed = asio::co_spawn(strand, cluster.Refresh({"ahead"}), asio::use_future).get();
  ASSERT_TRUE(refreshed.ok()) << refreshed.ToString();
  const TopicPartition tp{"ahead", 0};
  fetcher.Assign({tp}, /*committed_first=*/false);
  ASSERT_TRUE(fetcher.Seek(tp, 0).ok());
  send_requests();
  fetcher.Wait(Clock::now() + 10s, nullptr);
  // The first response is buffered and nothing drained: the next request
  // for the partition goes out anyway, once the first response's coroutine
  // has ended, and a second response gets buffered beside the first.
  const size_t first_bytes = fetcher.buffered_bytes();
  ASSERT_GT(first_bytes, 0u);
  bool fetched_ahead = false;
  for (const Clock::time_point until = Clock::now() + 10s;
       !fetched_ahead && Clock::now() < until;) {
    send_requests();
    fetched_ahead = in_flight() == 1 || fetcher.buffered_bytes() > first_bytes;
    if (!fetched_ahead) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(fetched_ahead) << "no fetch ahead while records are buffered";
  EXPECT_EQ(fetcher.Position(tp), 0);  // fetching ahead does not move the position

  std::vector<int64_t> offsets;
  std::vector<std::string> values;
  const Clock::time_point deadline = Clock::now() + 10s;
  while (offsets.size() < 2 * kBatches && Clock::now() < deadline) {
    fetcher.Wait(deadline, nullptr);
    for (ConsumerRecord& r : fetcher.Drain(1)) {
      offsets.push_back(r.offset);
      values.push_back(r.value.value_or("<null>"));
      EXPECT_EQ(fetcher.Position(tp), r.offset + 1);
    }
    send_requests();
  }
  std::vector<int64_t> want_offsets;
  std::vector<std::string> want_values;
  for (int i = 0; i < 2 * kBatches; ++i) {
    want_offsets.push_back(i);
    want_values.push_back("v" + std::to_string(i));
  }
  EXPECT_EQ(offsets, want_offsets);
  EXPECT_EQ(values, want_values);

  cluster.Close();  // fails what is in flight at once
  const Clock::time_point stop_by = Clock::now() + 10s;
  while (in_flight() > 0 && Clock::now() < stop_by) std::this_thread::yield();
  EXPECT_EQ(in_flight(), 0);
  work.reset();
  io.stop();
  io_thread.join();
}

// A seek drops what was fetched ahead: records come from the new position.
TEST_F(ConsumerTest, SeekDiscardsRecordsFetchedAhead) {
  CreateTopic("reseek", 1);
  for (int b = 0; b < 20; ++b) {
    Append("reseek", 0, {.values = {"v" + std::to_string(2 * b), "v" + std::to_string(2 * b + 1)}});
  }
  auto consumer = MakeConsumer({{"max.poll.records", "3"}, {"max.partition.fetch.bytes", "64"}});
  ASSERT_NE(consumer, nullptr);
  const TopicPartition tp{"reseek", 0};
  consumer->assign({tp});
  std::vector<ConsumerRecord> first = PollFor(*consumer, 3);
  ASSERT_GE(first.size(), 3u);
  EXPECT_EQ(first[0].offset, 0);
  ASSERT_TRUE(consumer->seek(tp, 31).ok());
  std::vector<ConsumerRecord> after = PollFor(*consumer, 9);
  ASSERT_EQ(after.size(), 9u);
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].offset, 31 + static_cast<int64_t>(i));
    EXPECT_EQ(after[i].value, "v" + std::to_string(31 + i));
  }
}

}  // namespace
}  // namespace brook::client
