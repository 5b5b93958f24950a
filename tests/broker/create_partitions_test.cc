// tests/broker/create_partitions_test.cc
//
// CreatePartitions v0-3: growing a topic, assignments on this node only, and Kafka's errors.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "broker/broker.h"
#include "storage/log_manager.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/test_env.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

class CreatePartitionsTest : public ::testing::Test {
 protected:
  virtual void Configure(BrokerConfig&) {}

  void SetUp() override {
    BrokerConfig config;
    config.listener_port = 0;
    config.cluster_id = "brook-test-cluster";
    config.memory = true;
    config.io_threads = brook::testing::TestIoThreads();
    Configure(config);
    broker_ = std::make_unique<Broker>(config);
    Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    Status c = client_.Connect("127.0.0.1", broker_->port());
    ASSERT_TRUE(c.ok()) << c.ToString();
  }

  void CreateTopic(const std::string& name, int32_t partitions,
                   std::map<std::string, std::string> configs = {}) {
    Result<storage::TopicInfo> t = broker_->logs().CreateTopic(name, partitions, configs);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
  }

  std::unique_ptr<Broker> broker_;
  RawClient client_;
};

TEST_F(CreatePartitionsTest, GrowsAtEveryVersion) {
  CreateTopic("grow", 1);
  int32_t count = 1;
  for (int16_t v = CreatePartitionsRequest::kVersions.min;
       v <= CreatePartitionsRequest::kVersions.max; ++v) {
    CreatePartitionsRequest req;
    req.topics.push_back({.name = "grow", .count = ++count, .assignments = std::nullopt});
    Result<CreatePartitionsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->results.size(), 1u);
    EXPECT_EQ(resp->results[0].error_code, ErrorCode::kNone)
        << resp->results[0].error_message.value_or("");
    EXPECT_EQ(broker_->logs().Topic("grow")->partitions, count);
  }
}

TEST_F(CreatePartitionsTest, Errors) {
  CreateTopic("three", 3);
  CreateTopic("assigned", 1);
  CreatePartitionsRequest req;
  req.topics.push_back({.name = "missing", .count = 2, .assignments = std::nullopt});
  req.topics.push_back({.name = "three", .count = 2, .assignments = std::nullopt});
  req.topics.push_back({.name = "assigned", .count = 3, .assignments = {{{.broker_ids = {2}}}}});
  Result<CreatePartitionsResponse> resp = Call(client_, req, 3);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->results.size(), 3u);
  EXPECT_EQ(resp->results[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(resp->results[1].error_code, ErrorCode::kInvalidPartitions);
  EXPECT_EQ(resp->results[2].error_code, ErrorCode::kInvalidReplicaAssignment);
  EXPECT_EQ(broker_->logs().Topic("three")->partitions, 3);
  EXPECT_EQ(broker_->logs().Topic("assigned")->partitions, 1);
}

TEST_F(CreatePartitionsTest, AssignmentsOnThisNodeAndValidateOnly) {
  CreateTopic("t", 1);
  CreatePartitionsRequest req;
  req.validate_only = true;
  req.topics.push_back(
      {.name = "t", .count = 3, .assignments = {{{.broker_ids = {1}}, {.broker_ids = {1}}}}});
  Result<CreatePartitionsResponse> resp = Call(client_, req, 2);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->results[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(broker_->logs().Topic("t")->partitions, 1);
  req.validate_only = false;
  resp = Call(client_, req, 2);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->results[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(broker_->logs().Topic("t")->partitions, 3);
}

}  // namespace
}  // namespace brook::broker
