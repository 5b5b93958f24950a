// tests/broker/configs_test.cc
//
// DescribeConfigs v1-4, AlterConfigs v0-2 and IncrementalAlterConfigs v0-1 on topics and this
// broker.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using ConfigsTest = ConnectedBrokerFixture;

const DescribeConfigsResponse::DescribeConfigsResourceResult* Find(
    const DescribeConfigsResponse::DescribeConfigsResult& r, const std::string& name) {
  for (const auto& c : r.configs) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

class ConfigsWithBrokerDefaultTest : public ConfigsTest {
 protected:
  void Configure(BrokerConfig& config) override {
    ConfigsTest::Configure(config);
    ASSERT_TRUE(config.Set("log.retention.ms", "5000").ok());
  }
};

TEST_F(ConfigsWithBrokerDefaultTest, DescribeTopicAtEveryVersion) {
  CreateTopic("t", 1, {{"cleanup.policy", "compact"}});
  for (int16_t v = DescribeConfigsRequest::kVersions.min;
       v <= DescribeConfigsRequest::kVersions.max; ++v) {
    DescribeConfigsRequest req;
    req.resources.push_back(
        {.resource_type = 2, .resource_name = "t", .configuration_keys = std::nullopt});
    req.include_synonyms = true;
    Result<DescribeConfigsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->results.size(), 1u);
    const auto& r = resp->results[0];
    EXPECT_EQ(r.error_code, ErrorCode::kNone);
    const auto* policy = Find(r, "cleanup.policy");
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->value, "compact");
    EXPECT_EQ(policy->config_source, 1);  // DYNAMIC_TOPIC_CONFIG
    ASSERT_GE(policy->synonyms.size(), 2u);
    EXPECT_EQ(policy->synonyms[1].name, "log.cleanup.policy");
    const auto* retention = Find(r, "retention.ms");
    ASSERT_NE(retention, nullptr);
    EXPECT_EQ(retention->value, "5000");
    EXPECT_EQ(retention->config_source, 4);  // STATIC_BROKER_CONFIG
    const auto* segment = Find(r, "segment.bytes");
    ASSERT_NE(segment, nullptr);
    EXPECT_EQ(segment->config_source, 5);  // DEFAULT_CONFIG
    const auto* inert = Find(r, "min.insync.replicas");
    ASSERT_NE(inert, nullptr);
    EXPECT_EQ(inert->value, "1");
    if (v >= 3) {
      EXPECT_EQ(policy->config_type, 7);  // LIST
      EXPECT_EQ(policy->documentation, std::nullopt);
    }
  }
}

TEST_F(ConfigsTest, DescribeFiltersKeysAndAnswersErrors) {
  CreateTopic("t", 1);
  DescribeConfigsRequest req;
  req.resources.push_back({.resource_type = 2,
                           .resource_name = "t",
                           .configuration_keys = std::vector<std::string>{"retention.ms"}});
  req.resources.push_back(
      {.resource_type = 2, .resource_name = "missing", .configuration_keys = std::nullopt});
  req.resources.push_back(
      {.resource_type = 4, .resource_name = "1", .configuration_keys = std::nullopt});
  req.resources.push_back(
      {.resource_type = 4, .resource_name = "7", .configuration_keys = std::nullopt});
  req.resources.push_back(
      {.resource_type = 99, .resource_name = "x", .configuration_keys = std::nullopt});
  Result<DescribeConfigsResponse> resp = Call(client_, req, 4);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->results.size(), 5u);
  ASSERT_EQ(resp->results[0].configs.size(), 1u);
  EXPECT_EQ(resp->results[0].configs[0].name, "retention.ms");
  EXPECT_EQ(resp->results[1].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->results[2].error_code, ErrorCode::kNone);
  const auto* partitions = Find(resp->results[2], "num.partitions");
  ASSERT_NE(partitions, nullptr);
  EXPECT_EQ(partitions->value, "1");
  EXPECT_TRUE(partitions->read_only);
  EXPECT_NE(Find(resp->results[2], "log.retention.ms"), nullptr);
  EXPECT_EQ(resp->results[3].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(resp->results[4].error_code, ErrorCode::kInvalidRequest);
}

TEST_F(ConfigsTest, AlterConfigsReplacesOverrides) {
  CreateTopic("t", 1, {{"cleanup.policy", "compact"}});
  for (int16_t v = AlterConfigsRequest::kVersions.min; v <= AlterConfigsRequest::kVersions.max;
       ++v) {
    AlterConfigsRequest req;
    req.resources.push_back(
        {.resource_type = 2,
         .resource_name = "t",
         .configs = {{.name = "retention.ms", .value = std::to_string(1000 + v)}}});
    Result<AlterConfigsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->responses.size(), 1u);
    EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kNone);
    std::map<std::string, std::string> want = {{"retention.ms", std::to_string(1000 + v)}};
    EXPECT_EQ(broker().logs().Topic("t")->overrides, want);
  }
}

TEST_F(ConfigsTest, AlterConfigsErrors) {
  CreateTopic("t", 1);
  AlterConfigsRequest req;
  req.resources.push_back({.resource_type = 2,
                           .resource_name = "t",
                           .configs = {{.name = "retention.ms", .value = "never"}}});
  req.resources.push_back({.resource_type = 2, .resource_name = "missing", .configs = {}});
  req.resources.push_back({.resource_type = 4,
                           .resource_name = "1",
                           .configs = {{.name = "log.retention.ms", .value = "1"}}});
  req.resources.push_back({.resource_type = 2,
                           .resource_name = "t",
                           .configs = {{.name = "segment.ms", .value = std::nullopt}}});
  Result<AlterConfigsResponse> resp = Call(client_, req, 2);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 4u);
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(resp->responses[1].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->responses[2].error_code, ErrorCode::kInvalidRequest);
  EXPECT_NE(resp->responses[2].error_message.value_or("").find("dynamic"), std::string::npos);
  EXPECT_EQ(resp->responses[3].error_code, ErrorCode::kInvalidRequest);
}

TEST_F(ConfigsTest, IncrementalAlterConfigsOperations) {
  CreateTopic("t", 1, {{"retention.ms", "1000"}, {"segment.ms", "5000"}});
  using Alterable = IncrementalAlterConfigsRequest::AlterableConfig;
  for (int16_t v = 0; v <= 1; ++v) {
    IncrementalAlterConfigsRequest req;
    req.resources.push_back(
        {.resource_type = 2,
         .resource_name = "t",
         .configs = {
             Alterable{.name = "retention.ms", .config_operation = 0, .value = "2000"},
             Alterable{.name = "segment.ms", .config_operation = 1, .value = std::nullopt},
             Alterable{.name = "cleanup.policy", .config_operation = 2, .value = "compact"}}});
    Result<IncrementalAlterConfigsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kNone)
        << resp->responses[0].error_message.value_or("");
    std::map<std::string, std::string> want = {{"cleanup.policy", "delete,compact"},
                                               {"retention.ms", "2000"}};
    EXPECT_EQ(broker().logs().Topic("t")->overrides, want);
  }
  IncrementalAlterConfigsRequest subtract;
  subtract.resources.push_back(
      {.resource_type = 2,
       .resource_name = "t",
       .configs = {Alterable{.name = "cleanup.policy", .config_operation = 3, .value = "delete"}}});
  Result<IncrementalAlterConfigsResponse> resp = Call(client_, subtract, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(broker().logs().Topic("t")->overrides.at("cleanup.policy"), "compact");
}

TEST_F(ConfigsTest, IncrementalAlterConfigsErrors) {
  CreateTopic("t", 1);
  using Alterable = IncrementalAlterConfigsRequest::AlterableConfig;
  IncrementalAlterConfigsRequest req;
  req.resources.push_back(
      {.resource_type = 2,
       .resource_name = "t",
       .configs = {Alterable{.name = "segment.ms", .config_operation = 2, .value = "1"}}});
  req.resources.push_back(
      {.resource_type = 2,
       .resource_name = "t",
       .configs = {Alterable{.name = "nope", .config_operation = 0, .value = "1"}}});
  req.resources.push_back(
      {.resource_type = 2,
       .resource_name = "t",
       .configs = {Alterable{.name = "segment.ms", .config_operation = 9, .value = "1"}}});
  req.resources.push_back(
      {.resource_type = 2,
       .resource_name = "gone",
       .configs = {Alterable{.name = "segment.ms", .config_operation = 0, .value = "1"}}});
  req.resources.push_back(
      {.resource_type = 2,
       .resource_name = "t",
       .configs = {Alterable{.name = "segment.ms", .config_operation = 0, .value = "1"},
                   Alterable{.name = "segment.ms", .config_operation = 1, .value = std::nullopt}}});
  req.resources.push_back(
      {.resource_type = 4,
       .resource_name = "1",
       .configs = {Alterable{.name = "num.partitions", .config_operation = 0, .value = "3"}}});
  Result<IncrementalAlterConfigsResponse> resp = Call(client_, req, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 6u);
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(resp->responses[1].error_code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(resp->responses[2].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(resp->responses[3].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->responses[4].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(resp->responses[5].error_code, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(broker().logs().Topic("t")->overrides.empty());
}

}  // namespace
}  // namespace brook::broker
