// tests/client/transactions_interop_test.cc
//
// Transactions across clients, each child a python3 confluent_kafka
// (librdkafka) process bounded by timeout(1):
//  - Brook's transactional producer commits and aborts; a librdkafka
//    read_committed consumer sees exactly the committed records;
//  - librdkafka's transactional producer commits and aborts; a read_committed
//    read of Brook's storage (the aborted list applied) sees exactly the
//    committed records. (The same check with Brook's consumer waits for it.)
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <sstream>

#include "broker/broker.h"
#include "client/producer.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/client/client_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::client {
namespace {

// Runs a python script with arguments; returns its exit status and stdout.
std::pair<int, std::string> RunPython(const std::string& dir, const std::string& code,
                                      const std::string& args) {
  std::string script = dir + "/script.py";
  {
    std::ofstream out(script);
    out << code;
  }
  std::string command = "timeout 60 /usr/bin/python3 " + script + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  int status = ReadAndClose(pipe, output);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The values a read_committed reader gets from one partition of Brook's
// storage: up to the LSO, aborted transactions and control batches dropped.
std::vector<std::string> ReadCommitted(broker::Broker& broker, const std::string& topic,
                                       int32_t partition) {
  std::vector<std::string> out;
  auto log = broker.logs().Partition(topic, partition);
  if (!log) return out;
  int64_t offset = log->log_start_offset();
  while (offset < log->last_stable_offset()) {
    Result<storage::ReadResult> read =
        log->Read(offset, 1 << 20, storage::IsolationLevel::kReadCommitted);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->records.empty()) break;
    RecordBatchReader reader(read->records);
    int64_t before = offset;
    for (;;) {
      Result<std::optional<RecordBatchView>> batch = reader.Next();
      if (!batch.ok() || !batch->has_value()) break;
      const RecordBatchHeader& h = (*batch)->header();
      if (h.next_offset() > read->last_stable_offset) break;
      offset = h.next_offset();
      if (h.is_control()) continue;
      bool aborted = false;
      for (const auto& a : read->aborted) {
        aborted |= h.is_transactional() && a.producer_id == h.producer_id &&
                   a.first_offset <= h.base_offset && h.base_offset <= a.last_offset;
      }
      if (aborted) continue;
      Result<std::vector<Record>> records = (*batch)->DecodeRecords(64 << 20);
      if (!records.ok()) break;
      for (Record& r : *records) out.push_back(r.value.value_or(""));
    }
    if (offset == before) break;
  }
  return out;
}

class TransactionsInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveConfluentKafka())
      GTEST_FAIL() << "python3 confluent_kafka is not installed (tools/deps.sh interop)";
    broker::BrokerConfig config;
    config.listener_port = 0;
    config.memory = true;
    broker_ = std::make_unique<broker::Broker>(config);
    ASSERT_TRUE(broker_->Start().ok());
  }

  std::unique_ptr<broker::Broker> broker_;
  brook::testing::TempDir dir_;
};

TEST_F(TransactionsInteropTest, LibrdkafkaReadCommittedConsumerSeesOnlyBrooksCommittedRecords) {
  ASSERT_TRUE(broker_->logs().CreateTopic("xfer", 2, {}).ok());
  auto producer = Producer::Create({{"bootstrap.servers", broker_->bootstrap()},
                                    {"transactional.id", "brook-interop"},
                                    {"max.block.ms", "15000"}});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  Producer& p = **producer;
  ASSERT_TRUE(p.init_transactions().ok());
  ASSERT_TRUE(p.begin_transaction().ok());
  for (int i = 0; i < 6; ++i) {
    p.send(ProducerRecord{.topic = "xfer", .partition = i % 2, .value = "c" + std::to_string(i)});
  }
  ASSERT_TRUE(p.commit_transaction().ok());
  ASSERT_TRUE(p.begin_transaction().ok());
  for (int i = 0; i < 4; ++i) {
    p.send(ProducerRecord{.topic = "xfer", .partition = i % 2, .value = "a" + std::to_string(i)});
  }
  p.flush();  // in the log, then aborted
  ASSERT_TRUE(p.abort_transaction().ok());
  ASSERT_TRUE(p.begin_transaction().ok());
  p.send(ProducerRecord{.topic = "xfer", .partition = 1, .value = "c6"});
  ASSERT_TRUE(p.commit_transaction().ok());

  auto [status, output] = RunPython(dir_.path(), R"(
import sys, time
from confluent_kafka import Consumer, KafkaError, TopicPartition
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'interop-rc',
              'isolation.level': 'read_committed', 'enable.auto.commit': False,
              'enable.partition.eof': True})
c.assign([TopicPartition(sys.argv[2], p, 0) for p in range(2)])
eof, deadline = set(), time.time() + 30
while len(eof) < 2 and time.time() < deadline:
    m = c.poll(0.5)
    if m is None: continue
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            eof.add(m.partition()); continue
        raise SystemExit(str(m.error()))
    print(m.partition(), m.value().decode())
c.close()
if len(eof) < 2: raise SystemExit('no EOF on every partition')
)",
                                    broker_->bootstrap() + " xfer");
  ASSERT_EQ(status, 0) << output;
  std::map<int, std::vector<std::string>> got;
  std::istringstream lines(output);
  int partition;
  std::string value;
  while (lines >> partition >> value) got[partition].push_back(value);
  EXPECT_EQ(got[0], (std::vector<std::string>{"c0", "c2", "c4"})) << output;
  EXPECT_EQ(got[1], (std::vector<std::string>{"c1", "c3", "c5", "c6"})) << output;
}

TEST_F(TransactionsInteropTest, LibrdkafkaTransactionsReadCommittedThroughBrooksStorage) {
  ASSERT_TRUE(broker_->logs().CreateTopic("rdk", 1, {}).ok());
  auto [status, output] = RunPython(dir_.path(), R"(
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'rdk-1'})
p.init_transactions(15)
p.begin_transaction()
for v in ['c0', 'c1', 'c2']: p.produce('rdk', value=v.encode(), partition=0)
p.commit_transaction(15)
p.begin_transaction()
for v in ['a0', 'a1']: p.produce('rdk', value=v.encode(), partition=0)
if p.flush(15) != 0: raise SystemExit('unflushed')
p.abort_transaction(15)
p.begin_transaction()
p.produce('rdk', value=b'c3', partition=0)
p.commit_transaction(15)
print('done')
)",
                                    broker_->bootstrap());
  ASSERT_EQ(status, 0) << output;
  EXPECT_EQ(ReadCommitted(*broker_, "rdk", 0), (std::vector<std::string>{"c0", "c1", "c2", "c3"}));
}

}  // namespace
}  // namespace brook::client
