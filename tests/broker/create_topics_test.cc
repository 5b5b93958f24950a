// tests/broker/create_topics_test.cc
//
// CreateTopics v2-7: defaults, configs, validate_only, assignments, duplicates and the errors Kafka
// answers.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using CreateTopicsTest = ConnectedBrokerFixture;

CreateTopicsRequest::CreatableTopic Topic(std::string name, int32_t partitions = -1,
                                          int16_t factor = -1) {
  CreateTopicsRequest::CreatableTopic t;
  t.name = std::move(name);
  t.num_partitions = partitions;
  t.replication_factor = factor;
  return t;
}

TEST_F(CreateTopicsTest, CreatesAtEveryVersionWithDefaults) {
  for (int16_t v = CreateTopicsRequest::kVersions.min; v <= CreateTopicsRequest::kVersions.max;
       ++v) {
    std::string name = "t" + std::to_string(v);
    CreateTopicsRequest req;
    req.topics.push_back(Topic(name, v >= 4 ? -1 : 2, v >= 4 ? -1 : 1));
    Result<CreateTopicsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->topics.size(), 1u);
    const auto& r = resp->topics[0];
    EXPECT_EQ(r.error_code, ErrorCode::kNone) << "v" << v << " " << r.error_message.value_or("");
    std::optional<storage::TopicInfo> info = broker().logs().Topic(name);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->partitions, v >= 4 ? 1 : 2);
    if (v >= 5) {
      EXPECT_EQ(r.num_partitions, info->partitions);
      EXPECT_EQ(r.replication_factor, 1);
      ASSERT_TRUE(r.configs.has_value());
      EXPECT_FALSE(r.configs->empty());
    }
    if (v >= 7) {
      EXPECT_EQ(r.topic_id, info->topic_id);
    }
  }
}

TEST_F(CreateTopicsTest, ConfigsAreStoredAndReported) {
  CreateTopicsRequest req;
  auto t = Topic("configured", 3);
  t.configs.push_back({.name = "cleanup.policy", .value = "compact"});
  t.configs.push_back({.name = "retention.ms", .value = "1000"});
  req.topics.push_back(t);
  Result<CreateTopicsResponse> resp = Call(client_, req, 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  const auto& r = resp->topics[0];
  ASSERT_EQ(r.error_code, ErrorCode::kNone) << r.error_message.value_or("");
  bool saw_policy = false;
  for (const auto& c : *r.configs) {
    if (c.name == "cleanup.policy") {
      saw_policy = true;
      EXPECT_EQ(c.value, "compact");
      EXPECT_EQ(c.config_source, 1);  // DYNAMIC_TOPIC_CONFIG
    }
    if (c.name == "segment.bytes") {
      EXPECT_EQ(c.config_source, 5);  // DEFAULT_CONFIG
    }
  }
  EXPECT_TRUE(saw_policy);
  EXPECT_EQ(broker().logs().Topic("configured")->overrides.at("retention.ms"), "1000");
}

TEST_F(CreateTopicsTest, ValidateOnlyCreatesNothing) {
  CreateTopicsRequest req;
  req.validate_only = true;
  req.topics.push_back(Topic("dry", 2));
  Result<CreateTopicsResponse> resp = Call(client_, req, 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->topics[0].num_partitions, 2);
  EXPECT_TRUE(resp->topics[0].topic_id.is_zero());
  EXPECT_FALSE(broker().logs().Topic("dry").has_value());
}

TEST_F(CreateTopicsTest, ErrorsPerTopic) {
  CreateTopic("exists", 1);
  CreateTopicsRequest req;
  req.topics.push_back(Topic("exists"));
  req.topics.push_back(Topic("bad/name"));
  auto bad_config = Topic("bad-config");
  bad_config.configs.push_back({.name = "retention.ms", .value = "soon"});
  req.topics.push_back(bad_config);
  auto unknown_config = Topic("unknown-config");
  unknown_config.configs.push_back({.name = "no.such.config", .value = "1"});
  req.topics.push_back(unknown_config);
  req.topics.push_back(Topic("zero-partitions", 0));
  req.topics.push_back(Topic("zero-factor", 1, 0));
  auto assigned_elsewhere = Topic("elsewhere");
  assigned_elsewhere.assignments.push_back({.partition_index = 0, .broker_ids = {1, 2}});
  req.topics.push_back(assigned_elsewhere);
  auto both = Topic("both", 1, 1);
  both.assignments.push_back({.partition_index = 0, .broker_ids = {1}});
  req.topics.push_back(both);
  req.topics.push_back(Topic("dup"));
  req.topics.push_back(Topic("dup"));
  req.topics.push_back(Topic("fine", 1, 3));  // accepted: one node serves it
  Result<CreateTopicsResponse> resp = Call(client_, req, 5);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  std::map<std::string, ErrorCode> got;
  for (const auto& r : resp->topics) got[r.name] = r.error_code;
  EXPECT_EQ(resp->topics.size(), 10u);
  EXPECT_EQ(got["exists"], ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(got["bad/name"], ErrorCode::kInvalidTopicException);
  EXPECT_EQ(got["bad-config"], ErrorCode::kInvalidConfig);
  EXPECT_EQ(got["unknown-config"], ErrorCode::kInvalidConfig);
  EXPECT_EQ(got["zero-partitions"], ErrorCode::kInvalidPartitions);
  EXPECT_EQ(got["zero-factor"], ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(got["elsewhere"], ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(got["both"], ErrorCode::kInvalidRequest);
  EXPECT_EQ(got["dup"], ErrorCode::kInvalidRequest);
  EXPECT_EQ(got["fine"], ErrorCode::kNone);
  EXPECT_FALSE(broker().logs().Topic("dup").has_value());
}

TEST_F(CreateTopicsTest, ManualAssignmentOnThisNode) {
  CreateTopicsRequest req;
  auto t = Topic("manual");
  t.assignments.push_back({.partition_index = 0, .broker_ids = {1}});
  t.assignments.push_back({.partition_index = 1, .broker_ids = {1}});
  req.topics.push_back(t);
  Result<CreateTopicsResponse> resp = Call(client_, req, 2);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(broker().logs().Topic("manual")->partitions, 2);
}

class StrictReplicationTest : public CreateTopicsTest {
 protected:
  void Configure(BrokerConfig& config) override {
    CreateTopicsTest::Configure(config);
    config.strict_replication_factor = true;
  }
};

TEST_F(StrictReplicationTest, FactorAboveOneIsRejected) {
  CreateTopicsRequest req;
  req.topics.push_back(Topic("three", 1, 3));
  Result<CreateTopicsResponse> resp = Call(client_, req, 7);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kInvalidReplicationFactor);
  EXPECT_NE(resp->topics[0].error_message.value_or("").find("only 1 broker"), std::string::npos);
}

}  // namespace
}  // namespace brook::broker
