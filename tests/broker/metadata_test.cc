// tests/broker/metadata_test.cc
//
// Metadata: every topic, named topics, auto-creation, topic ids, internal topics and authorized
// operations across v0-13.
#include <gtest/gtest.h>

#include <string>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using MetadataTest = ConnectedBrokerFixture;

TEST_F(MetadataTest, AllTopicsAtEveryVersion) {
  CreateTopic("alpha", 3);
  CreateTopic("__consumer_offsets", 2);
  for (int16_t v = MetadataRequest::kVersions.min; v <= MetadataRequest::kVersions.max; ++v) {
    MetadataRequest req;
    req.topics = std::nullopt;  // v0 encodes this as the empty list
    Result<MetadataResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->topics.size(), 2u) << "v" << v;
    const auto& offsets = resp->topics[0];
    const auto& alpha = resp->topics[1];
    EXPECT_EQ(offsets.name, "__consumer_offsets");
    EXPECT_EQ(alpha.name, "alpha");
    EXPECT_EQ(alpha.error_code, ErrorCode::kNone);
    ASSERT_EQ(alpha.partitions.size(), 3u);
    for (int32_t p = 0; p < 3; ++p) {
      const auto& part = alpha.partitions[p];
      EXPECT_EQ(part.partition_index, p);
      EXPECT_EQ(part.leader_id, 1);
      EXPECT_EQ(part.replica_nodes, std::vector<int32_t>{1});
      EXPECT_EQ(part.isr_nodes, std::vector<int32_t>{1});
      if (v >= 5) {
        EXPECT_TRUE(part.offline_replicas.empty());
      }
      if (v >= 7) {
        EXPECT_EQ(part.leader_epoch, 0);
      }
    }
    if (v >= 1) {
      EXPECT_TRUE(offsets.is_internal);
      EXPECT_FALSE(alpha.is_internal);
    }
    if (v >= 10) {
      EXPECT_EQ(alpha.topic_id, broker().logs().Topic("alpha")->topic_id);
    }
    if (v >= 8) {
      EXPECT_EQ(alpha.topic_authorized_operations, MetadataResponse::kAuthorizedOperationsUnknown);
    }
  }
}

TEST_F(MetadataTest, EmptyListAtV1AsksForNoTopics) {
  CreateTopic("alpha", 1);
  MetadataRequest req;
  req.topics.emplace();
  Result<MetadataResponse> resp = Call(client_, req, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_TRUE(resp->topics.empty());
}

TEST_F(MetadataTest, UnknownTopicIsAutoCreatedWithNumPartitions) {
  for (int16_t v : {0, 4, 9, 13}) {
    std::string name = "auto-" + std::to_string(v);
    MetadataRequest req;
    req.topics.emplace().push_back({.topic_id = {}, .name = name});
    Result<MetadataResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->topics.size(), 1u);
    EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(resp->topics[0].name, name);
    EXPECT_EQ(resp->topics[0].partitions.size(), 1u);
    ASSERT_TRUE(broker().logs().Topic(name).has_value()) << "v" << v;
  }
}

TEST_F(MetadataTest, NoAutoCreationWhenTheRequestForbidsIt) {
  MetadataRequest req;
  req.topics.emplace().push_back({.topic_id = {}, .name = "missing"});
  req.allow_auto_topic_creation = false;
  for (int16_t v : {4, 9, 12}) {
    Result<MetadataResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    ASSERT_EQ(resp->topics.size(), 1u);
    EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kUnknownTopicOrPartition) << "v" << v;
  }
  EXPECT_FALSE(broker().logs().Topic("missing").has_value());
}

TEST_F(MetadataTest, InvalidNameIsInvalidTopicException) {
  MetadataRequest req;
  req.topics.emplace().push_back({.topic_id = {}, .name = "bad name!"});
  Result<MetadataResponse> resp = Call(client_, req, 9);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->topics.size(), 1u);
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kInvalidTopicException);
}

TEST_F(MetadataTest, TopicsByIdAndUnknownId) {
  CreateTopic("by-id", 2);
  Uuid id = broker().logs().Topic("by-id")->topic_id;
  Uuid unknown = Uuid::Random();
  MetadataRequest req;
  req.topics.emplace().push_back({.topic_id = id, .name = std::nullopt});
  req.topics->push_back({.topic_id = unknown, .name = std::nullopt});
  Result<MetadataResponse> resp = Call(client_, req, 12);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->topics.size(), 2u);
  EXPECT_EQ(resp->topics[0].name, "by-id");
  EXPECT_EQ(resp->topics[0].partitions.size(), 2u);
  EXPECT_EQ(resp->topics[1].error_code, ErrorCode::kUnknownTopicId);
  EXPECT_EQ(resp->topics[1].name, std::nullopt);
  EXPECT_EQ(resp->topics[1].topic_id, unknown);
}

TEST_F(MetadataTest, AuthorizedOperationsWhenAsked) {
  CreateTopic("ops", 1);
  MetadataRequest req;
  req.topics = std::nullopt;
  req.include_cluster_authorized_operations = true;
  req.include_topic_authorized_operations = true;
  Result<MetadataResponse> resp = Call(client_, req, 10);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_NE(resp->cluster_authorized_operations, MetadataResponse::kAuthorizedOperationsUnknown);
  ASSERT_EQ(resp->topics.size(), 1u);
  EXPECT_EQ(resp->topics[0].topic_authorized_operations & (1 << 3), 1 << 3);  // READ
}

class MetadataNoAutoCreateTest : public MetadataTest {
 protected:
  void Configure(BrokerConfig& config) override {
    MetadataTest::Configure(config);
    config.auto_create_topics = false;
  }
};

TEST_F(MetadataNoAutoCreateTest, BrokerSettingDisablesAutoCreation) {
  MetadataRequest req;
  req.topics.emplace().push_back({.topic_id = {}, .name = "missing"});
  Result<MetadataResponse> resp = Call(client_, req, 0);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->topics.size(), 1u);
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kUnknownTopicOrPartition);
}

}  // namespace
}  // namespace brook::broker
