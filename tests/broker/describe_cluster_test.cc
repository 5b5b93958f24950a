// tests/broker/describe_cluster_test.cc
//
// DescribeCluster v0-1: this broker as the cluster and its controller.
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

class DescribeClusterTest : public ::testing::Test {
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

TEST_F(DescribeClusterTest, ThisBrokerAtEveryVersion) {
  for (int16_t v = 0; v <= 1; ++v) {
    DescribeClusterRequest req;
    Result<DescribeClusterResponse> resp = Call(client_, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone);
    EXPECT_EQ(resp->cluster_id, "brook-test-cluster");
    EXPECT_EQ(resp->controller_id, 1);
    ASSERT_EQ(resp->brokers.size(), 1u);
    EXPECT_EQ(resp->brokers[0].broker_id, 1);
    EXPECT_EQ(resp->brokers[0].port, broker_->port());
    EXPECT_EQ(resp->cluster_authorized_operations, std::numeric_limits<int32_t>::min());
  }
}

TEST_F(DescribeClusterTest, AuthorizedOperationsAndControllerEndpoints) {
  DescribeClusterRequest req;
  req.include_cluster_authorized_operations = true;
  Result<DescribeClusterResponse> resp = Call(client_, req, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_NE(resp->cluster_authorized_operations, std::numeric_limits<int32_t>::min());
  req.endpoint_type = 2;
  resp = Call(client_, req, 1);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->error_code, ErrorCode::kUnsupportedEndpointType);
}

}  // namespace
}  // namespace brook::broker
