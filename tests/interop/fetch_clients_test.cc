// tests/interop/fetch_clients_test.cc
//
// Real consumers read what an embedded broker's logs hold: a topic created and
// filled through broker.logs() (plain batches, an aborted and a committed
// transaction), then Debian's kcat (librdkafka) and a python3
// confluent_kafka Consumer (assign, read_committed) run as child processes
// against the broker's port and must print exactly the expected key:value
// lines. Every child is bounded by timeout(1).
//
// Each runs on a memory broker and on a disk broker, whose larger reads leave
// the segment files by sendfile(2).
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/handler_table.h"
#include "protocol/messages/metadata.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_env.h"

namespace brook::broker {
namespace {

constexpr char kTopic[] = "interop";

struct Output {
  int exit_code = -1;
  std::string out;
};

// Runs `command` through sh; stdout is returned, stderr goes to `err_file`.
Output RunCommand(const std::string& command, const std::string& err_file) {
  Output result;
  FILE* pipe = ::popen((command + " 2>" + err_file).c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.out.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Batch(const std::vector<std::pair<std::string, std::string>>& kvs,
                  int64_t producer_id = kNoProducerId, bool transactional = false) {
  RecordBatchHeader h;
  h.base_timestamp = Broker::NowMs();
  if (producer_id != kNoProducerId) {
    h.producer_id = producer_id;
    h.producer_epoch = 0;
    h.base_sequence = 0;
  }
  if (transactional) h.attributes |= kTransactionalAttribute;
  std::vector<Record> records;
  for (size_t i = 0; i < kvs.size(); ++i) {
    records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = kvs[i].first,
                             .value = kvs[i].second});
  }
  Result<std::string> batch = BuildRecordBatch(h, Compression::kNone, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

constexpr char kConsumerScript[] = R"PY(
import sys, time
from confluent_kafka import Consumer, KafkaError, TopicPartition
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "fetch-interop",
              "enable.auto.commit": False, "isolation.level": "read_committed",
              "enable.partition.eof": True, "fetch.wait.max.ms": 200})
c.assign([TopicPartition(sys.argv[2], 0, 0)])
out = []
deadline = time.time() + 20
while time.time() < deadline:
    m = c.poll(0.5)
    if m is None:
        continue
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            break
        sys.exit("consumer error: %s" % m.error())
    out.append("%s:%s" % (m.key().decode(), m.value().decode()))
else:
    sys.exit("no end of partition within 20 s")
c.close()
print("\n".join(out))
)PY";

enum class Backend { kMemory, kDisk };

// Enough records after the transactions that fetches of them pass the
// splice threshold: on disk they leave the segment by sendfile(2).
constexpr int kBulkBatches = 40;
constexpr int kBulkRecordsPerBatch = 8;

std::string BulkKey(int batch, int record) {
  return "b" + std::to_string(batch) + "-" + std::to_string(record);
}
std::string BulkValue(int batch, int record) {
  return std::string(200, static_cast<char>('a' + (batch + record) % 26));
}
std::string BulkLines() {
  std::string lines;
  for (int b = 0; b < kBulkBatches; ++b) {
    for (int r = 0; r < kBulkRecordsPerBatch; ++r) {
      lines += BulkKey(b, r) + ":" + BulkValue(b, r) + "\n";
    }
  }
  return lines;
}

class FetchClientsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.listener_port = 0;
    config.memory = GetParam() == Backend::kMemory;
    config.log_dirs = dir_.path() + "/data";
    config.io_threads = brook::testing::TestIoThreads();
    config.cluster_id = "fetch-interop";
    broker_ = std::make_unique<Broker>(config);
    Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    Result<storage::TopicInfo> topic = broker_->logs().CreateTopic(kTopic, 1, {});
    ASSERT_TRUE(topic.ok()) << topic.status().ToString();
    std::shared_ptr<storage::PartitionLog> log = broker_->logs().Partition(kTopic, 0);
    ASSERT_NE(log, nullptr);
    auto append = [&](std::string batch) {
      Result<storage::AppendResult> r = log->Append(std::move(batch), 0);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    };
    append(Batch({{"k0", "v0"}, {"k1", "v1"}, {"k2", "v2"}}));
    append(Batch({{"ab0", "a0"}, {"ab1", "a1"}}, /*producer_id=*/7, /*transactional=*/true));
    ASSERT_TRUE(log->AppendMarker(7, 0, ControlRecordType::kAbort, 0, 0).ok());
    append(Batch({{"t0", "c0"}}, /*producer_id=*/8, /*transactional=*/true));
    ASSERT_TRUE(log->AppendMarker(8, 0, ControlRecordType::kCommit, 0, 0).ok());
    append(Batch({{"k3", "v3"}, {"k4", "v4"}}));
    for (int b = 0; b < kBulkBatches; ++b) {
      std::vector<std::pair<std::string, std::string>> kvs;
      for (int r = 0; r < kBulkRecordsPerBatch; ++r)
        kvs.emplace_back(BulkKey(b, r), BulkValue(b, r));
      append(Batch(kvs));
    }
  }

  testing::TempDir dir_;  // before broker_: a disk broker closes its logs first
  std::unique_ptr<Broker> broker_;
};

const std::string kCommitted = "k0:v0\nk1:v1\nk2:v2\nt0:c0\nk3:v3\nk4:v4\n" + BulkLines();
const std::string kEverything =
    "k0:v0\nk1:v1\nk2:v2\nab0:a0\nab1:a1\nt0:c0\nk3:v3\nk4:v4\n" + BulkLines();

TEST_P(FetchClientsTest, KcatReadsTheRecordsBack) {
  const std::string err = dir_.path() + "/kcat.err";
  const std::string base = "timeout 30 kcat -b " + broker_->bootstrap() + " -C -t " + kTopic +
                           " -p 0 -o 0 -e -f '%k:%s\\n'";
  // librdkafka reads committed data by default.
  Output committed = RunCommand(base, err);
  EXPECT_EQ(committed.exit_code, 0) << ReadFile(err);
  EXPECT_EQ(committed.out, kCommitted) << ReadFile(err);
  Output everything = RunCommand(base + " -X isolation.level=read_uncommitted", err);
  EXPECT_EQ(everything.exit_code, 0) << ReadFile(err);
  EXPECT_EQ(everything.out, kEverything) << ReadFile(err);
}

TEST_P(FetchClientsTest, ConfluentKafkaConsumerReadsCommittedRecords) {
  const std::string script = dir_.path() + "/consume.py";
  std::ofstream(script) << kConsumerScript;
  const std::string err = dir_.path() + "/python.err";
  Output run = RunCommand(
      "timeout 40 /usr/bin/python3 " + script + " " + broker_->bootstrap() + " " + kTopic, err);
  EXPECT_EQ(run.exit_code, 0) << ReadFile(err);
  EXPECT_EQ(run.out, kCommitted) << ReadFile(err);
}

INSTANTIATE_TEST_SUITE_P(Backends, FetchClientsTest,
                         ::testing::Values(Backend::kMemory, Backend::kDisk),
                         [](const ::testing::TestParamInfo<Backend>& param) {
                           return param.param == Backend::kMemory ? "Memory" : "Disk";
                         });

}  // namespace
}  // namespace brook::broker
