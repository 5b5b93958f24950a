// tests/protocol/messages/heartbeat_test.cc
#include "protocol/messages/heartbeat.h"

#include <gtest/gtest.h>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::RoundTrip;

TEST(HeartbeatRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = HeartbeatRequest::kVersions.min; v <= HeartbeatRequest::kVersions.max; ++v) {
    HeartbeatRequest in{.group_id = "g", .generation_id = 7, .member_id = "m"};
    if (v >= 3) in.group_instance_id = "static-1";
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(HeartbeatResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = HeartbeatResponse::kVersions.min; v <= HeartbeatResponse::kVersions.max; ++v) {
    HeartbeatResponse in{.error_code = ErrorCode::kRebalanceInProgress};
    if (v >= 1) in.throttle_time_ms = 12;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
  }
}

// Written from the spec: v0 is STRING group_id, INT32 generation_id, STRING member_id.
TEST(HeartbeatRequestTest, V0MatchesSpecBytes) {
  HeartbeatRequest in{.group_id = "grp", .generation_id = 5, .member_id = "m1"};
  EXPECT_EQ(wire::Encode(in, 0), FromHex("0003 677270 | 00000005 | 0002 6d31"));
}

// v4 is flexible: compact strings (length + 1 as unsigned varint) and an empty tag section.
TEST(HeartbeatRequestTest, V4MatchesSpecBytes) {
  HeartbeatRequest in{.group_id = "grp", .generation_id = 5, .member_id = "m1"};
  EXPECT_EQ(wire::Encode(in, 4), FromHex("04 677270 | 00000005 | 03 6d31 | 00 | 00"));
}

TEST(HeartbeatResponseTest, V4MatchesSpecBytes) {
  HeartbeatResponse in{.throttle_time_ms = 1, .error_code = ErrorCode::kIllegalGeneration};
  EXPECT_EQ(wire::Encode(in, 4), FromHex("00000001 | 0016 | 00"));
}

}  // namespace
}  // namespace brook
