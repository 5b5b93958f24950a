// tests/broker/describe_cluster_test.cc
//
// DescribeCluster v0-1: this broker as the cluster and its controller.
#include <gtest/gtest.h>

#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using DescribeClusterTest = ConnectedBrokerFixture;

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
    EXPECT_EQ(resp->brokers[0].port, broker().port());
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
