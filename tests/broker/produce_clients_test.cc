// tests/broker/produce_clients_test.cc
//
// Real producers against an embedded broker whose topic is created through
// its LogManager: kcat (librdkafka) with keys and headers, and
// confluent_kafka's idempotent Producer, run as child processes bounded by
// `timeout`. The records are read back from the partition log.
//
// Both clients need Metadata to name the partition leader, and librdkafka
// writes record batches (magic 2) only to a broker that also serves Fetch v4+
// (older formats get INVALID_RECORD, as from Kafka): until this broker does
// both, the tests skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "broker/handler_table.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

class ProduceClientsTest : public DataPlaneTest {
 protected:
  void SetUp() override {
    DataPlaneTest::SetUp();
    CreateTopic("interop", 1);
  }

  // Runs `command` through the shell; on failure the test shows its output.
  void Run(const std::string& command) {
    const std::string out = dir_.path() + "/out.txt";
    int rc = std::system((command + " >" + out + " 2>&1").c_str());
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_EQ(rc, 0) << command << "\n" << text.str();
  }

  testing::TempDir dir_;
};

TEST_F(ProduceClientsTest, KcatProducesKeyedMessagesWithHeaders) {
  const std::string input = dir_.path() + "/input.txt";
  std::ofstream(input) << "k1:v1\nk2:v2\nk3:v3\n";
  Run("timeout 30 kcat -P -b " + bootstrap() + " -t interop -p 0 -K : -H trace=abc -l " + input);
  std::vector<Record> records = ReadAll("interop", 0);
  ASSERT_EQ(records.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(records[i].key, "k" + std::to_string(i + 1));
    EXPECT_EQ(records[i].value, "v" + std::to_string(i + 1));
    ASSERT_EQ(records[i].headers.size(), 1u);
    EXPECT_EQ(records[i].headers[0].key, "trace");
    EXPECT_EQ(records[i].headers[0].value, "abc");
  }
}

TEST_F(ProduceClientsTest, IdempotentPythonProducerWritesEachRecordOnce) {
  const std::string script = dir_.path() + "/produce.py";
  std::ofstream(script) << R"(import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1], "enable.idempotence": True,
              "linger.ms": 5, "message.timeout.ms": 20000})
failed = []
def report(err, msg):
    if err is not None:
        failed.append(err)
for i in range(100):
    p.produce("interop", key=f"key-{i}", value=f"value-{i}", partition=0,
              headers=[("n", str(i).encode())], on_delivery=report)
left = p.flush(25)
assert left == 0 and not failed, (left, failed)
)";
  Run("timeout 30 /usr/bin/python3 " + script + " " + bootstrap());
  std::vector<Record> records = ReadAll("interop", 0);
  ASSERT_EQ(records.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(records[i].key, "key-" + std::to_string(i));
    EXPECT_EQ(records[i].value, "value-" + std::to_string(i));
    ASSERT_EQ(records[i].headers.size(), 1u);
    EXPECT_EQ(records[i].headers[0].value, std::to_string(i));
  }
  // Idempotent batches carry the producer id InitProducerId handed out.
  std::vector<storage::ProducerDescription> producers = Log("interop", 0)->DescribeProducers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_GE(producers[0].producer_id, 0);
  EXPECT_EQ(producers[0].last_sequence, 99);
}

}  // namespace
}  // namespace brook::broker
