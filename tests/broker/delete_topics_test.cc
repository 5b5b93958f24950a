// tests/broker/delete_topics_test.cc
//
// DeleteTopics v1-6: by name, by id (v6), unknown topics and malformed entries.
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

class DeleteTopicsTest : public ::testing::Test {
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

TEST_F(DeleteTopicsTest, ByNameAtV1AndV5) {
  for (int16_t v : {1, 4, 5}) {
    CreateTopic("gone", 2);
    DeleteTopicsRequest req;
    req.topic_names = {"gone", "never-was"};
    Result<DeleteTopicsResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->responses.size(), 2u);
    EXPECT_EQ(resp->responses[0].name, "gone");
    EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kNone);
    EXPECT_EQ(resp->responses[1].error_code, ErrorCode::kUnknownTopicOrPartition);
    EXPECT_FALSE(broker_->logs().Topic("gone").has_value());
  }
}

TEST_F(DeleteTopicsTest, ByNameOrIdAtV6) {
  CreateTopic("by-name", 1);
  CreateTopic("by-id", 1);
  Uuid id = broker_->logs().Topic("by-id")->topic_id;
  DeleteTopicsRequest req;
  req.topics.push_back({.name = "by-name", .topic_id = Uuid::Zero()});
  req.topics.push_back({.name = std::nullopt, .topic_id = id});
  req.topics.push_back({.name = std::nullopt, .topic_id = Uuid::Random()});
  req.topics.push_back({.name = "both", .topic_id = Uuid::Random()});
  req.topics.push_back({.name = std::nullopt, .topic_id = Uuid::Zero()});
  Result<DeleteTopicsResponse> resp = Call(client_, req, 6);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 5u);
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->responses[1].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->responses[1].name, "by-id");
  EXPECT_EQ(resp->responses[1].topic_id, id);
  EXPECT_EQ(resp->responses[2].error_code, ErrorCode::kUnknownTopicId);
  EXPECT_EQ(resp->responses[3].error_code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(resp->responses[4].error_code, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(broker_->logs().Topics().empty());
}

TEST_F(DeleteTopicsTest, DuplicateNamesAreInvalidRequest) {
  CreateTopic("twice", 1);
  DeleteTopicsRequest req;
  req.topic_names = {"twice", "twice"};
  Result<DeleteTopicsResponse> resp = Call(client_, req, 5);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 1u);
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(broker_->logs().Topic("twice").has_value());
}

}  // namespace
}  // namespace brook::broker
