// tests/protocol/messages/describe_cluster_test.cc
#include "protocol/messages/describe_cluster.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;
using testing::ToHex;

TEST(DescribeClusterRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeClusterRequest::kVersions.min;
       v <= DescribeClusterRequest::kVersions.max; ++v) {
    DescribeClusterRequest in{.include_cluster_authorized_operations = true};
    if (v >= 1) in.endpoint_type = 2;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DescribeClusterResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeClusterResponse::kVersions.min;
       v <= DescribeClusterResponse::kVersions.max; ++v) {
    DescribeClusterResponse in{
        .throttle_time_ms = 8,
        .error_code = ErrorCode::kClusterAuthorizationFailed,
        .error_message = "denied",
        .cluster_id = "MkU3OEVBNTcwNTJENDM2Qg",
        .controller_id = 2,
        .brokers = {{.broker_id = 1, .host = "b1.local", .port = 9092, .rack = "r1"},
                    {.broker_id = 2, .host = "b2.local", .port = 9093, .rack = std::nullopt}},
        .cluster_authorized_operations = 0x0f00,
    };
    if (v >= 1) in.endpoint_type = 2;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// Flexible from v0: BOOLEAN include_cluster_authorized_operations, tags.
TEST(DescribeClusterRequestTest, V0MatchesSpecBytes) {
  ExpectSpecBytes(DescribeClusterRequest{.include_cluster_authorized_operations = true}, 0,
                  "01 | 00");
}

// v1 adds INT8 endpoint_type.
TEST(DescribeClusterRequestTest, V1MatchesSpecBytes) {
  ExpectSpecBytes(DescribeClusterRequest{.endpoint_type = 2}, 1, "00 | 02 | 00");
}

// v0: INT32 throttle_time_ms, INT16 error_code, COMPACT_NULLABLE_STRING error_message,
// COMPACT_STRING cluster_id, INT32 controller_id, COMPACT_ARRAY brokers of {INT32 broker_id,
// COMPACT_STRING host, INT32 port, COMPACT_NULLABLE_STRING rack, tags},
// INT32 cluster_authorized_operations, tags.
TEST(DescribeClusterResponseTest, V0MatchesSpecBytes) {
  DescribeClusterResponse in{
      .cluster_id = "c",
      .controller_id = 1,
      .brokers = {{.broker_id = 1, .host = "h", .port = 9092}},
  };
  ExpectSpecBytes(in, 0,
                  "00000000 | 0000 | 00 | 02 63 | 00000001"
                  "| 02 00000001 02 68 00002384 00 00 | 80000000 | 00");
}

TEST(DescribeClusterResponseTest, V1MatchesSpecBytes) {
  DescribeClusterResponse in{
      .endpoint_type = 2,
      .cluster_id = "c",
      .controller_id = 3,
      .brokers = {{.broker_id = 3, .host = "h", .port = 9093, .rack = "r"}},
      .cluster_authorized_operations = 8,
  };
  ExpectSpecBytes(in, 1,
                  "00000000 | 0000 | 00 | 02 | 02 63 | 00000003"
                  "| 02 00000003 02 68 00002385 02 72 00 | 00000008 | 00");
}

TEST(DescribeClusterResponseTest, UnknownTagIsSkipped) {
  std::string bytes =
      FromHex("00000000 | 0000 | 00 | 02 63 | 00000001 | 01 | 80000000 | 01 | 05 02 beef");
  Result<DescribeClusterResponse> out = wire::Decode<DescribeClusterResponse>(bytes, 0);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, (DescribeClusterResponse{.cluster_id = "c", .controller_id = 1}));
}

}  // namespace
}  // namespace brook
