// tests/client/cooperative_interop_test.cc
//
// Incremental rebalancing across clients: a Brook consumer and a librdkafka
// consumer (python3 confluent_kafka, partition.assignment.strategy
// cooperative-sticky, its rebalance callbacks left to call
// incremental_assign/incremental_unassign) share one group on an embedded
// broker, and every record is read exactly once as the librdkafka member
// joins and later leaves.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "broker/broker.h"
#include "client/consumer.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/client/client_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A minute ago: recent enough that retention keeps the records.
const int64_t kT0 = broker::Broker::NowMs() - 60000;

// The librdkafka member: writes the partitions it holds to `assigned` after
// every rebalance and each record value it reads to `consumed`, until `stop`
// exists; then closes (committing and leaving).
constexpr const char* kMember = R"(import os, sys, time
from confluent_kafka import Consumer
bootstrap, group, assigned, consumed, stop = sys.argv[1:6]
held = set()
def write_held():
    with open(assigned + '.tmp', 'w') as f:
        f.write(' '.join(str(p) for p in sorted(held)))
    os.rename(assigned + '.tmp', assigned)
def on_assign(consumer, partitions):
    held.update(p.partition for p in partitions)
    write_held()
def on_revoke(consumer, partitions):
    held.difference_update(p.partition for p in partitions)
    write_held()
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group,
              'partition.assignment.strategy': 'cooperative-sticky',
              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100,
              'auto.commit.interval.ms': 100, 'auto.offset.reset': 'earliest'})
c.subscribe(['shared'], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
out = open(consumed, 'w')
deadline = time.time() + 90
while time.time() < deadline and not os.path.exists(stop):
    m = c.poll(0.1)
    if m is None or m.error():
        continue
    out.write(m.value().decode() + '\n')
    out.flush()
c.close()
out.close()
)";

// Which member holds the partitions (and leads the group) first.
enum class First { kBrook, kLibrdkafka };

class CooperativeInteropTest : public ClientTest {
 protected:
  void AppendRound(const std::string& round) {
    for (int32_t p = 0; p < 6; ++p) {
      RecordBatchHeader h;
      h.base_timestamp = kT0;
      std::vector<Record> records;
      for (int i = 0; i < 5; ++i) {
        records.push_back(Record{
            .offset_delta = i, .value = round + "-" + std::to_string(p) + "-" + std::to_string(i)});
      }
      Result<std::string> batch = BuildRecordBatch(h, Compression::kNone, records);
      ASSERT_TRUE(batch.ok());
      auto r = broker().logs().Partition("shared", p)->Append(*batch, 0);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  void JoinAndLeave(const std::string& group, First first);
};

std::set<int32_t> ReadPartitions(const std::string& path) {
  std::ifstream in(path);
  std::set<int32_t> out;
  int32_t p;
  while (in >> p) out.insert(p);
  return out;
}

std::multiset<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::multiset<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.insert(line);
  }
  return out;
}

// One member holds all six partitions and reads the first round; the other
// joins and they split the second; the librdkafka member leaves and Brook's
// reads the third. Every record is read once.
void CooperativeInteropTest::JoinAndLeave(const std::string& group, First first) {
  ASSERT_TRUE(broker().logs().CreateTopic("shared", 6, {}).ok());
  AppendRound("r1");
  std::vector<std::string> revoked_events;  // outlives the consumer, which revokes on close
  auto created = Consumer::Create({{"bootstrap.servers", broker().bootstrap()},
                                   {"group.id", group},
                                   {"partition.assignment.strategy", "cooperative-sticky"},
                                   {"auto.offset.reset", "earliest"},
                                   {"heartbeat.interval.ms", "100"},
                                   {"session.timeout.ms", "6000"},
                                   {"max.poll.interval.ms", "20000"},
                                   {"auto.commit.interval.ms", "600000"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Consumer& brook = **created;
  RebalanceListener listener{.on_partitions_revoked = [&](const std::vector<TopicPartition>& tps) {
    revoked_events.push_back(std::to_string(tps.size()));
  }};
  std::multiset<std::string> ours;
  auto poll = [&] {
    for (const ConsumerRecord& r : brook.poll(20ms)) ours.insert(*r.value);
  };
  brook::testing::TempDir dir;
  std::string script = dir.path() + "/member.py";
  std::string assigned_file = dir.path() + "/assigned";
  std::string consumed_file = dir.path() + "/consumed";
  std::string stop_file = dir.path() + "/stop";
  { std::ofstream(script) << kMember; }
  std::string command = "timeout 120 /usr/bin/python3 " + script + " " + broker().bootstrap() +
                        " " + group + " " + assigned_file + " " + consumed_file + " " + stop_file +
                        " 2>&1";
  FILE* pipe = nullptr;
  std::set<int32_t> theirs;
  Clock::time_point deadline = Clock::now() + 60s;
  if (first == First::kBrook) {
    ASSERT_TRUE(brook.subscribe({"shared"}, listener).ok());
    while (Clock::now() < deadline && !(brook.assignment().size() == 6 && ours.size() == 30)) {
      poll();
    }
    ASSERT_EQ(brook.assignment().size(), 6u);
    pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
  } else {
    pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    while (Clock::now() < deadline &&
           !(theirs.size() == 6 && ReadLines(consumed_file).size() == 30)) {
      std::this_thread::sleep_for(20ms);
      theirs = ReadPartitions(assigned_file);
    }
    EXPECT_EQ(theirs.size(), 6u);
    ASSERT_TRUE(brook.subscribe({"shared"}, listener).ok());
  }
  while (Clock::now() < deadline && !(brook.assignment().size() == 3 && theirs.size() == 3)) {
    poll();
    theirs = ReadPartitions(assigned_file);
  }
  // The second round is split between the two.
  AppendRound("r2");
  while (Clock::now() < deadline && ours.size() + ReadLines(consumed_file).size() < 60) poll();
  std::set<int32_t> mine;
  for (const TopicPartition& tp : brook.assignment()) mine.insert(tp.partition);
  EXPECT_EQ(mine.size(), 3u);
  EXPECT_EQ(theirs.size(), 3u);
  for (int32_t p : theirs) EXPECT_EQ(mine.count(p), 0u) << "both hold " << p;
  // Brook revoked only what moved, once; joining second it revoked nothing.
  EXPECT_EQ(revoked_events,
            first == First::kBrook ? std::vector<std::string>{"3"} : std::vector<std::string>{});

  // librdkafka leaves; Brook takes its partitions on where they were committed.
  { std::ofstream(stop_file) << "stop"; }
  std::string output;
  int status = ReadAndClose(pipe, output);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  AppendRound("r3");
  std::multiset<std::string> theirs_read = ReadLines(consumed_file);
  deadline = Clock::now() + 30s;
  while (Clock::now() < deadline &&
         !(brook.assignment().size() == 6 && ours.size() + theirs_read.size() >= 90)) {
    poll();
  }
  EXPECT_EQ(brook.assignment().size(), 6u);

  std::multiset<std::string> all = ours;
  all.insert(theirs_read.begin(), theirs_read.end());
  EXPECT_EQ(all.size(), 90u) << output;
  for (const std::string& v : all) EXPECT_EQ(all.count(v), 1u) << v;
  // The first holder read all of round one; the other never saw it.
  const std::multiset<std::string>& second = first == First::kBrook ? theirs_read : ours;
  EXPECT_FALSE(second.empty());
  for (const std::string& v : second) EXPECT_EQ(v.rfind("r1-", 0), std::string::npos) << v;
}

// Brook's member leads the group and computes the assignments.
TEST_F(CooperativeInteropTest, LibrdkafkaJoinsABrookMemberAndEveryRecordIsReadOnce) {
  JoinAndLeave("brook-led", First::kBrook);
}

// librdkafka's member leads and assigns from Brook's subscription (owned
// partitions and generation).
TEST_F(CooperativeInteropTest, BrookJoinsALibrdkafkaMemberAndEveryRecordIsReadOnce) {
  JoinAndLeave("librdkafka-led", First::kLibrdkafka);
}

}  // namespace
}  // namespace brook::client
