// tests/broker/delete_topics_test.cc
//
// DeleteTopics v1-6: by name, by id (v6), unknown topics and malformed entries.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using DeleteTopicsTest = ConnectedBrokerFixture;

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
    EXPECT_FALSE(broker().logs().Topic("gone").has_value());
  }
}

TEST_F(DeleteTopicsTest, ByNameOrIdAtV6) {
  CreateTopic("by-name", 1);
  CreateTopic("by-id", 1);
  Uuid id = broker().logs().Topic("by-id")->topic_id;
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
  EXPECT_TRUE(broker().logs().Topics().empty());
}

TEST_F(DeleteTopicsTest, DuplicateNamesAreInvalidRequest) {
  CreateTopic("twice", 1);
  DeleteTopicsRequest req;
  req.topic_names = {"twice", "twice"};
  Result<DeleteTopicsResponse> resp = Call(client_, req, 5);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->responses.size(), 1u);
  EXPECT_EQ(resp->responses[0].error_code, ErrorCode::kInvalidRequest);
  EXPECT_TRUE(broker().logs().Topic("twice").has_value());
}

}  // namespace
}  // namespace brook::broker
