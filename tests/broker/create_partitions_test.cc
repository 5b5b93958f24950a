// tests/broker/create_partitions_test.cc
//
// CreatePartitions v0-3: growing a topic, assignments on this node only, and Kafka's errors.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using CreatePartitionsTest = ConnectedBrokerFixture;

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
    EXPECT_EQ(broker().logs().Topic("grow")->partitions, count);
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
  EXPECT_EQ(broker().logs().Topic("three")->partitions, 3);
  EXPECT_EQ(broker().logs().Topic("assigned")->partitions, 1);
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
  EXPECT_EQ(broker().logs().Topic("t")->partitions, 1);
  req.validate_only = false;
  resp = Call(client_, req, 2);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->results[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(broker().logs().Topic("t")->partitions, 3);
}

}  // namespace
}  // namespace brook::broker
