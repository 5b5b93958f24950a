// tests/broker/broker_config_test.cc
#include "broker/broker_config.h"

#include <gtest/gtest.h>

namespace brook::broker {
namespace {

TEST(BrokerConfigTest, AppliesKafkaPropertyNames) {
  BrokerConfig config;
  Status s = config.ApplyProperties(
      "# comment\n"
      "listeners=PLAINTEXT://0.0.0.0:19092\n"
      "advertised.listeners = PLAINTEXT://kafka.local:29092\n"
      "node.id=3\n"
      "log.dirs=/tmp/brook-a,/tmp/brook-b\n"
      "\n"
      "socket.request.max.bytes: 2048\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.listener_host, "0.0.0.0");
  EXPECT_EQ(config.listener_port, 19092);
  EXPECT_EQ(config.advertised_host, "kafka.local");
  EXPECT_EQ(config.advertised_port, 29092);
  EXPECT_EQ(config.node_id, 3);
  EXPECT_EQ(config.log_dirs, "/tmp/brook-a");
  EXPECT_EQ(config.socket_request_max_bytes, 2048);
}

// Broker-wide defaults of topic configs, under Kafka's log.* names.
TEST(BrokerConfigTest, LogDefaultsUseKafkaBrokerNames) {
  BrokerConfig config;
  EXPECT_EQ(config.log_defaults.timestamp_after_max_ms, 3600000);  // Kafka 4.0's default
  Status s = config.ApplyProperties(
      "log.segment.bytes=1048576\n"
      "log.message.timestamp.before.max.ms=60000\n"
      "log.message.timestamp.after.max.ms=5000\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.log_defaults.segment_bytes, 1048576);
  EXPECT_EQ(config.log_defaults.timestamp_before_max_ms, 60000);
  EXPECT_EQ(config.log_defaults.timestamp_after_max_ms, 5000);

  BrokerConfig difference;
  ASSERT_TRUE(difference.Set("log.message.timestamp.difference.max.ms", "7000").ok());
  EXPECT_EQ(difference.log_defaults.timestamp_before_max_ms, 7000);
  EXPECT_EQ(difference.log_defaults.timestamp_after_max_ms, 7000);

  Status bad = config.Set("log.message.timestamp.after.max.ms", "-5");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.ToString().find("log.message.timestamp.after.max.ms"), std::string::npos);
}

TEST(BrokerConfigTest, UnknownPropertyIsAnError) {
  BrokerConfig config;
  Status s = config.Set("listners", "PLAINTEXT://127.0.0.1:1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("listners"), std::string::npos);
}

TEST(BrokerConfigTest, BadNumbersAreErrors) {
  BrokerConfig config;
  EXPECT_FALSE(config.Set("node.id", "x").ok());
  EXPECT_FALSE(config.Set("node.id", "-1").ok());
  EXPECT_FALSE(config.Set("listeners", "PLAINTEXT://127.0.0.1:70000").ok());
  EXPECT_FALSE(config.Set("listeners", "PLAINTEXT://127.0.0.1").ok());
  Status s = config.ApplyProperties("node.id=1\nnonsense\n");
  EXPECT_NE(s.ToString().find("line 2"), std::string::npos) << s.ToString();
}

TEST(BrokerConfigTest, IPv6ListenerIsUnbracketed) {
  BrokerConfig config;
  ASSERT_TRUE(config.Set("listeners", "PLAINTEXT://[::1]:9093").ok());
  EXPECT_EQ(config.listener_host, "::1");
  EXPECT_EQ(config.listener_port, 9093);
}

TEST(BrokerConfigTest, GroupSettingsUseKafkaNamesAndBounds) {
  BrokerConfig config;
  EXPECT_EQ(config.group_max_size, INT32_MAX);
  EXPECT_EQ(config.offsets_retention_ms, 10080 * 60000LL);
  EXPECT_EQ(config.offsets_retention_check_interval_ms, 600000);
  Status s = config.ApplyProperties(
      "group.max.size=3\n"
      "offsets.retention.minutes=2\n"
      "offsets.retention.check.interval.ms=1000\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.group_max_size, 3);
  EXPECT_EQ(config.offsets_retention_ms, 120000);
  EXPECT_EQ(config.offsets_retention_check_interval_ms, 1000);
  // Kafka's lower bounds: at least one member, one minute, one millisecond.
  EXPECT_FALSE(config.Set("group.max.size", "0").ok());
  EXPECT_FALSE(config.Set("offsets.retention.minutes", "0").ok());
  EXPECT_FALSE(config.Set("offsets.retention.check.interval.ms", "0").ok());
}

}  // namespace
}  // namespace brook::broker
