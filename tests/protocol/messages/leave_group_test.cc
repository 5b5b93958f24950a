// tests/protocol/messages/leave_group_test.cc
#include "protocol/messages/leave_group.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(LeaveGroupRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = LeaveGroupRequest::kVersions.min; v <= LeaveGroupRequest::kVersions.max; ++v) {
    LeaveGroupRequest in{.group_id = "group-1"};
    if (v <= 2) in.member_id = "member-1";
    if (v >= 3) {
      in.members = {{.member_id = "member-1", .group_instance_id = "static-1"},
                    {.member_id = "member-2"}};
    }
    if (v >= 5) in.members[0].reason = "shutting down";
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(LeaveGroupResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = LeaveGroupResponse::kVersions.min; v <= LeaveGroupResponse::kVersions.max; ++v) {
    LeaveGroupResponse in{.error_code = ErrorCode::kUnknownMemberId};
    if (v >= 1) in.throttle_time_ms = 12;
    if (v >= 3) {
      in.members = {{.member_id = "member-1", .group_instance_id = "static-1"},
                    {.member_id = "member-2", .error_code = ErrorCode::kFencedInstanceId}};
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING group_id, STRING member_id.
TEST(LeaveGroupRequestTest, V0MatchesSpecBytes) {
  LeaveGroupRequest in{.group_id = "g", .member_id = "m"};
  ExpectSpecBytes(in, 0, "0001 67 | 0001 6d");
}

// v4 is flexible: COMPACT_STRING group_id, [members: member_id, nullable group_instance_id].
TEST(LeaveGroupRequestTest, V4MatchesSpecBytes) {
  LeaveGroupRequest in{
      .group_id = "g",
      .members = {{.member_id = "m"}, {.member_id = "", .group_instance_id = "i"}}};
  ExpectSpecBytes(in, 4,
                  "02 67 | 03 |"
                  "  02 6d | 00 | 00 |"
                  "  01 | 02 69 | 00 |"
                  "00");
}

// v5: members add COMPACT_NULLABLE_STRING reason.
TEST(LeaveGroupRequestTest, V5MatchesSpecBytes) {
  LeaveGroupRequest in{.group_id = "g",
                       .members = {{.member_id = "m", .group_instance_id = "i", .reason = "r"}}};
  ExpectSpecBytes(in, 5,
                  "02 67 | 02 |"
                  "  02 6d | 02 69 | 02 72 | 00 |"
                  "00");
}

// v0: INT16 error only.
TEST(LeaveGroupResponseTest, V0MatchesSpecBytes) {
  LeaveGroupResponse in{.error_code = ErrorCode::kUnknownMemberId};
  ExpectSpecBytes(in, 0, "0019");
}

// v4: INT32 throttle_time_ms, INT16 error, [members: member_id, group_instance_id, error].
TEST(LeaveGroupResponseTest, V4MatchesSpecBytes) {
  LeaveGroupResponse in{
      .throttle_time_ms = 1,
      .members = {
          {.member_id = "m"},
          {.member_id = "", .group_instance_id = "i", .error_code = ErrorCode::kUnknownMemberId}}};
  ExpectSpecBytes(in, 4,
                  "00000001 | 0000 | 03 |"
                  "  02 6d | 00 | 0000 | 00 |"
                  "  01 | 02 69 | 0019 | 00 |"
                  "00");
}

TEST(LeaveGroupResponseTest, V5MatchesSpecBytes) {
  LeaveGroupResponse in{.members = {{.member_id = "m", .group_instance_id = "i"}}};
  ExpectSpecBytes(in, 5,
                  "00000000 | 0000 | 02 |"
                  "  02 6d | 02 69 | 0000 | 00 |"
                  "00");
}

// v3 replaces member_id with [members: STRING member_id, NULLABLE_STRING group_instance_id].
TEST(LeaveGroupRequestTest, V3MatchesSpecBytes) {
  LeaveGroupRequest in{.group_id = "g", .members = {{.member_id = "m", .group_instance_id = "i"}}};
  ExpectSpecBytes(in, 3, "0001 67 | 00000001 | 0001 6d | 0001 69");
}

// v1 adds INT32 throttle_time_ms first.
TEST(LeaveGroupResponseTest, V1MatchesSpecBytes) {
  LeaveGroupResponse in{.throttle_time_ms = 1};
  ExpectSpecBytes(in, 1, "00000001 | 0000");
}

// v3 adds [members: STRING member_id, NULLABLE_STRING group_instance_id, INT16 error].
TEST(LeaveGroupResponseTest, V3MatchesSpecBytes) {
  LeaveGroupResponse in{.members = {{.member_id = "m", .error_code = ErrorCode::kUnknownMemberId}}};
  ExpectSpecBytes(in, 3, "00000000 | 0000 | 00000001 | 0001 6d | ffff | 0019");
}

}  // namespace
}  // namespace brook
