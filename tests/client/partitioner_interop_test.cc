// tests/client/partitioner_interop_test.cc
//
// The same key lands on the same partition from Brook's producer and from a
// python3 confluent_kafka (librdkafka) producer with partitioner=murmur2_random,
// the Java-compatible choice. The child process is bounded by timeout(1).
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <sstream>

#include "broker/broker.h"
#include "client/partitioner.h"
#include "client/producer.h"
#include "storage/log_manager.h"
#include "tests/client/client_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::client {
namespace {

constexpr int kPartitions = 7;
constexpr int kKeys = 200;

std::string Key(int i) { return "user-" + std::to_string(i * 7919) + (i % 3 ? "" : "\xc3\xa9"); }

TEST(PartitionerInteropTest, SameKeySamePartitionAsLibrdkafkaMurmur2Random) {
  if (!HaveConfluentKafka()) {
    GTEST_FAIL() << "python3 confluent_kafka is not installed (tools/deps.sh interop)";
  }
  broker::BrokerConfig config;
  config.listener_port = 0;
  config.memory = true;
  broker::Broker broker(config);
  ASSERT_TRUE(broker.Start().ok());
  ASSERT_TRUE(broker.logs().CreateTopic("py", kPartitions, {}).ok());
  ASSERT_TRUE(broker.logs().CreateTopic("cc", kPartitions, {}).ok());

  brook::testing::TempDir dir;
  std::string script = dir.path() + "/produce.py";
  {
    std::ofstream out(script);
    out << "import sys\n"
           "from confluent_kafka import Producer\n"
           "p = Producer({'bootstrap.servers': sys.argv[1], 'partitioner': 'murmur2_random'})\n"
           "def report(err, msg):\n"
           "    if err: raise SystemExit(str(err))\n"
           "    print(msg.key().hex(), msg.partition())\n"
           "for i in range("
        << kKeys
        << "):\n"
           "    k = ('user-%d' % (i * 7919) + ('' if i % 3 else '\\u00e9')).encode()\n"
           "    p.produce('py', key=k, value=b'x', on_delivery=report)\n"
           "    p.poll(0)\n"
           "if p.flush(20) != 0: raise SystemExit('unflushed')\n";
  }
  std::string command = "timeout 60 /usr/bin/python3 " + script + " " + broker.bootstrap();
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  int status = ReadAndClose(pipe, output);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;

  std::map<std::string, int32_t> librdkafka;  // hex key -> partition
  std::istringstream lines(output);
  std::string hex;
  int32_t partition;
  while (lines >> hex >> partition) librdkafka[hex] = partition;
  ASSERT_EQ(librdkafka.size(), static_cast<size_t>(kKeys));

  auto producer = Producer::Create({{"bootstrap.servers", broker.bootstrap()}});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  int checked = 0;
  for (int i = 0; i < kKeys; ++i) {
    std::string key = Key(i);
    std::ostringstream h;
    for (unsigned char c : key) h << std::hex << (c >> 4) << (c & 15);
    auto it = librdkafka.find(h.str());
    ASSERT_NE(it, librdkafka.end()) << key;
    RecordMetadata md =
        (*producer)->send(ProducerRecord{.topic = "cc", .key = key, .value = "x"}).get();
    EXPECT_EQ(md.partition, it->second) << key;
    EXPECT_EQ(KeyPartition(key, kPartitions), it->second) << key;
    ++checked;
  }
  EXPECT_EQ(checked, kKeys);
}

}  // namespace
}  // namespace brook::client
