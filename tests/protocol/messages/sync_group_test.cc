// tests/protocol/messages/sync_group_test.cc
#include "protocol/messages/sync_group.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(SyncGroupRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = SyncGroupRequest::kVersions.min; v <= SyncGroupRequest::kVersions.max; ++v) {
    SyncGroupRequest in{
        .group_id = "group-1",
        .generation_id = 7,
        .member_id = "member-1",
        .assignments = {{.member_id = "member-1", .assignment = "a1"},
                        {.member_id = "member-2", .assignment = std::string("\x00\xff", 2)}}};
    if (v >= 3) in.group_instance_id = "static-1";
    if (v >= 5) {
      in.protocol_type = "consumer";
      in.protocol_name = "range";
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(SyncGroupResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = SyncGroupResponse::kVersions.min; v <= SyncGroupResponse::kVersions.max; ++v) {
    SyncGroupResponse in{.error_code = ErrorCode::kRebalanceInProgress, .assignment = "a1"};
    if (v >= 1) in.throttle_time_ms = 12;
    if (v >= 5) {
      in.protocol_type = "consumer";
      in.protocol_name = "range";
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING group_id, INT32 generation_id, STRING member_id,
// [assignments: STRING member_id, BYTES assignment].
TEST(SyncGroupRequestTest, V0MatchesSpecBytes) {
  SyncGroupRequest in{
      .group_id = "g",
      .generation_id = 1,
      .member_id = "m",
      .assignments = {{.member_id = "m", .assignment = std::string("\x00\x01", 2)}}};
  ExpectSpecBytes(in, 0,
                  "0001 67 | 00000001 | 0001 6d | 00000001 |"
                  "  0001 6d | 00000002 0001");
}

// v4 is flexible; group_instance_id (v3+) follows member_id.
TEST(SyncGroupRequestTest, V4MatchesSpecBytes) {
  SyncGroupRequest in{.group_id = "g", .generation_id = 1, .member_id = "m"};
  ExpectSpecBytes(in, 4, "02 67 | 00000001 | 02 6d | 00 | 01 | 00");
}

// v5: COMPACT_NULLABLE_STRING protocol_type and protocol_name before the assignments.
TEST(SyncGroupRequestTest, V5MatchesSpecBytes) {
  SyncGroupRequest in{.group_id = "g",
                      .generation_id = 1,
                      .member_id = "m",
                      .group_instance_id = "i",
                      .protocol_type = "c",
                      .protocol_name = "r",
                      .assignments = {{.member_id = "m", .assignment = "\x01"}}};
  ExpectSpecBytes(in, 5,
                  "02 67 | 00000001 | 02 6d | 02 69 | 02 63 | 02 72 | 02 |"
                  "  02 6d | 02 01 | 00 |"
                  "00");
}

// v0: INT16 error, BYTES assignment.
TEST(SyncGroupResponseTest, V0MatchesSpecBytes) {
  SyncGroupResponse in{.error_code = ErrorCode::kRebalanceInProgress, .assignment = "\x01\x02"};
  ExpectSpecBytes(in, 0, "001b | 00000002 0102");
}

TEST(SyncGroupResponseTest, V4MatchesSpecBytes) {
  SyncGroupResponse in{.throttle_time_ms = 2};
  ExpectSpecBytes(in, 4, "00000002 | 0000 | 01 | 00");
}

TEST(SyncGroupResponseTest, V5MatchesSpecBytes) {
  SyncGroupResponse in{.protocol_type = "c", .assignment = "\x01"};
  ExpectSpecBytes(in, 5, "00000000 | 0000 | 02 63 | 00 | 02 01 | 00");
}

// v3 adds NULLABLE_STRING group_instance_id after member_id.
TEST(SyncGroupRequestTest, V3MatchesSpecBytes) {
  SyncGroupRequest in{
      .group_id = "g", .generation_id = 1, .member_id = "m", .group_instance_id = "i"};
  ExpectSpecBytes(in, 3, "0001 67 | 00000001 | 0001 6d | 0001 69 | 00000000");
}

// v1 adds INT32 throttle_time_ms first.
TEST(SyncGroupResponseTest, V1MatchesSpecBytes) {
  SyncGroupResponse in{.throttle_time_ms = 1};
  ExpectSpecBytes(in, 1, "00000001 | 0000 | 00000000");
}

}  // namespace
}  // namespace brook
