// tests/storage/topic_config_test.cc
#include "storage/topic_config.h"

#include <gtest/gtest.h>

#include "storage/errors.h"

namespace brook::storage {
namespace {

TEST(TopicConfigTest, TopicNamesFollowKafkasRules) {
  EXPECT_TRUE(ValidateTopicName("orders.v1_eu-west").ok());
  EXPECT_TRUE(ValidateTopicName(std::string(249, 'a')).ok());
  EXPECT_FALSE(ValidateTopicName(std::string(250, 'a')).ok());
  EXPECT_FALSE(ValidateTopicName("").ok());
  EXPECT_FALSE(ValidateTopicName(".").ok());
  EXPECT_FALSE(ValidateTopicName("..").ok());
  EXPECT_FALSE(ValidateTopicName("a b").ok());
  EXPECT_FALSE(ValidateTopicName("a/b").ok());
  EXPECT_FALSE(ValidateTopicName("caf\xc3\xa9").ok());
}

TEST(TopicConfigTest, OverridesApplyOnTopOfDefaults) {
  LogConfig defaults;
  Result<LogConfig> c = ApplyTopicConfigs(defaults, {{"cleanup.policy", "compact"},
                                                     {"retention.ms", "-1"},
                                                     {"segment.bytes", "1048576"},
                                                     {"message.timestamp.type", "LogAppendTime"},
                                                     {"min.insync.replicas", "2"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->cleanup_policy, CleanupPolicy::kCompact);
  EXPECT_EQ(c->retention_ms, -1);
  EXPECT_EQ(c->segment_bytes, 1048576);
  EXPECT_EQ(c->timestamp_type, TimestampSource::kLogAppendTime);
  EXPECT_EQ(c->retention_bytes, defaults.retention_bytes);
  EXPECT_EQ(*TopicConfigValue(*c, "cleanup.policy"), "compact");
  EXPECT_EQ(*TopicConfigValue(*c, "retention.ms"), "-1");
}

TEST(TopicConfigTest, CompactDeleteInEitherOrder) {
  for (const char* v : {"compact,delete", "delete,compact", "compact, delete"}) {
    Result<LogConfig> c = ApplyTopicConfigs({}, {{"cleanup.policy", v}});
    ASSERT_TRUE(c.ok()) << v;
    EXPECT_EQ(c->cleanup_policy, CleanupPolicy::kCompactDelete);
  }
}

TEST(TopicConfigTest, FlushSettingsChooseThePolicy) {
  EXPECT_EQ(ApplyTopicConfigs({}, {{"flush.messages", "1"}})->flush_policy,
            FlushPolicy::kEveryAppend);
  EXPECT_EQ(ApplyTopicConfigs({}, {{"flush.ms", "1000"}})->flush_policy, FlushPolicy::kInterval);
  EXPECT_EQ(ApplyTopicConfigs({}, {{"flush.messages", "1000"}})->flush_policy, FlushPolicy::kOs);
}

TEST(TopicConfigTest, CompactionSettingsReachTheLogConfig) {
  Result<LogConfig> c = ApplyTopicConfigs({}, {{"delete.retention.ms", "1000"},
                                               {"min.cleanable.dirty.ratio", "0.25"},
                                               {"min.compaction.lag.ms", "5"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->delete_retention_ms, 1000);
  EXPECT_DOUBLE_EQ(c->min_cleanable_dirty_ratio, 0.25);
  EXPECT_EQ(c->min_compaction_lag_ms, 5);
  EXPECT_EQ(*TopicConfigValue(*c, "min.cleanable.dirty.ratio"), "0.25");
  EXPECT_FALSE(ApplyTopicConfigs({}, {{"min.cleanable.dirty.ratio", "1.5"}}).ok());
  EXPECT_FALSE(ApplyTopicConfigs({}, {{"min.cleanable.dirty.ratio", "x"}}).ok());
}

TEST(TopicConfigTest, TimestampBoundsAreKip937sWithTheDeprecatedDifferenceAsFallback) {
  const LogConfig defaults;
  EXPECT_EQ(*TopicConfigValue(defaults, "message.timestamp.before.max.ms"), "9223372036854775807");
  EXPECT_EQ(*TopicConfigValue(defaults, "message.timestamp.after.max.ms"), "3600000");

  Result<LogConfig> c = ApplyTopicConfigs(
      {}, {{"message.timestamp.before.max.ms", "10"}, {"message.timestamp.after.max.ms", "20"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timestamp_before_max_ms, 10);
  EXPECT_EQ(c->timestamp_after_max_ms, 20);

  c = ApplyTopicConfigs({}, {{"message.timestamp.difference.max.ms", "30"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timestamp_before_max_ms, 30);
  EXPECT_EQ(c->timestamp_after_max_ms, 30);
  c = ApplyTopicConfigs(
      {}, {{"message.timestamp.difference.max.ms", "30"}, {"message.timestamp.after.max.ms", "5"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timestamp_before_max_ms, 30);
  EXPECT_EQ(c->timestamp_after_max_ms, 5);

  EXPECT_FALSE(ApplyTopicConfigs({}, {{"message.timestamp.before.max.ms", "-1"}}).ok());
  EXPECT_FALSE(ApplyTopicConfigs({}, {{"message.timestamp.after.max.ms", "soon"}}).ok());
  EXPECT_FALSE(ApplyTopicConfigs({}, {{"message.timestamp.difference.max.ms", "-5"}}).ok());
}

TEST(TopicConfigTest, MaxCompactionLagBoundsTheMinimumAndTheRollOfCompactedTopics) {
  Result<LogConfig> c = ApplyTopicConfigs(
      {},
      {{"cleanup.policy", "compact"}, {"segment.ms", "60000"}, {"max.compaction.lag.ms", "500"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_compaction_lag_ms, 500);
  EXPECT_EQ(*TopicConfigValue(*c, "max.compaction.lag.ms"), "500");
  EXPECT_EQ(c->effective_segment_ms(), 500);
  c->cleanup_policy = CleanupPolicy::kDelete;  // only compacted topics roll by it
  EXPECT_EQ(c->effective_segment_ms(), 60000);
  EXPECT_EQ(*TopicConfigValue(LogConfig{}, "max.compaction.lag.ms"), "9223372036854775807");

  EXPECT_FALSE(ApplyTopicConfigs({}, {{"max.compaction.lag.ms", "0"}}).ok());
  Result<LogConfig> conflict =
      ApplyTopicConfigs({}, {{"min.compaction.lag.ms", "10"}, {"max.compaction.lag.ms", "5"}});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), Errc::kInvalidArgument);
  EXPECT_NE(conflict.status().ToString().find("max.compaction.lag.ms"), std::string::npos);
}

TEST(TopicConfigTest, BadNamesAndValuesAreInvalidConfig) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"retention.msec", "1"},
                                                        {"retention.ms", "-2"},
                                                        {"retention.ms", "soon"},
                                                        {"segment.bytes", "13"},
                                                        {"cleanup.policy", "forever"},
                                                        {"message.timestamp.type", "Now"},
                                                        {"max.message.bytes", "3000000000"}}) {
    Result<LogConfig> c = ApplyTopicConfigs({}, {{name, value}});
    EXPECT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_EQ(c.status().code(), Errc::kInvalidArgument);
    EXPECT_NE(c.status().ToString().find(name), std::string::npos) << c.status().ToString();
  }
}

TEST(TopicConfigTest, KnownNamesAreSortedAndIncludeTheCoreOnes) {
  const std::vector<std::string>& names = KnownTopicConfigNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* n : {"cleanup.policy", "retention.ms", "segment.bytes", "max.message.bytes"}) {
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), n)) << n;
  }
}

}  // namespace
}  // namespace brook::storage
