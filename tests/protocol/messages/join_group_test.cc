// tests/protocol/messages/join_group_test.cc
#include "protocol/messages/join_group.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(JoinGroupRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = JoinGroupRequest::kVersions.min; v <= JoinGroupRequest::kVersions.max; ++v) {
    JoinGroupRequest in{.group_id = "group-1",
                        .session_timeout_ms = 45'000,
                        .member_id = "member-1",
                        .protocol_type = "consumer",
                        .protocols = {{.name = "range", .metadata = std::string("\x00\x01", 2)},
                                      {.name = "cooperative-sticky", .metadata = "abc"}}};
    if (v >= 1) in.rebalance_timeout_ms = 300'000;
    if (v >= 5) in.group_instance_id = "static-1";
    if (v >= 8) in.reason = "rejoining";
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(JoinGroupResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = JoinGroupResponse::kVersions.min; v <= JoinGroupResponse::kVersions.max; ++v) {
    JoinGroupResponse in{.error_code = ErrorCode::kMemberIdRequired,
                         .generation_id = 4,
                         .protocol_name = "range",
                         .leader = "member-1",
                         .member_id = "member-2",
                         .members = {{.member_id = "member-1", .metadata = "m1"},
                                     {.member_id = "member-2", .metadata = ""}}};
    if (v >= 2) in.throttle_time_ms = 12;
    if (v >= 5) in.members[0].group_instance_id = "static-1";
    if (v >= 7) in.protocol_type = "consumer";
    if (v >= 9) in.skip_assignment = true;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(JoinGroupResponseTest, NullProtocolNameRoundTripsFromV7) {
  for (int16_t v = 7; v <= JoinGroupResponse::kVersions.max; ++v) {
    JoinGroupResponse in{.error_code = ErrorCode::kUnknownMemberId, .protocol_name = std::nullopt};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
  }
}

// Before v7 protocol_name cannot be null: a null goes out as the empty string.
TEST(JoinGroupResponseTest, NullProtocolNameIsEmptyBeforeV7) {
  JoinGroupResponse in{.protocol_name = std::nullopt};
  EXPECT_EQ(wire::Encode(in, 0), FromHex("0000 | ffffffff | 0000 | 0000 | 0000 | 00000000"));
  Result<JoinGroupResponse> decoded = wire::Decode<JoinGroupResponse>(wire::Encode(in, 0), 0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->protocol_name, std::optional<std::string>(""));
}

// v0: STRING group_id, INT32 session_timeout_ms, STRING member_id, STRING protocol_type,
// [protocols: STRING name, BYTES metadata].
TEST(JoinGroupRequestTest, V0MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .member_id = "",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}}};
  ExpectSpecBytes(in, 0,
                  "0001 67 | 00007530 | 0000 | 0001 63 | 00000001 |"
                  "  0001 72 | 00000002 0102");
}

// v6 is flexible; rebalance_timeout_ms (v1+) and group_instance_id (v5+) are there.
TEST(JoinGroupRequestTest, V6MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .rebalance_timeout_ms = 60'000,
                      .member_id = "",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}}};
  ExpectSpecBytes(in, 6,
                  "02 67 | 00007530 | 0000ea60 | 01 | 00 | 02 63 | 02 |"
                  "  02 72 | 03 0102 | 00 |"
                  "00");
}

// v9: as v6 plus COMPACT_NULLABLE_STRING reason (v8+) after the protocols.
TEST(JoinGroupRequestTest, V9MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .rebalance_timeout_ms = 60'000,
                      .member_id = "m",
                      .group_instance_id = "i",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}},
                      .reason = "r"};
  ExpectSpecBytes(in, 9,
                  "02 67 | 00007530 | 0000ea60 | 02 6d | 02 69 | 02 63 | 02 |"
                  "  02 72 | 03 0102 | 00 |"
                  "02 72 | 00");
}

// v0: INT16 error, INT32 generation_id, STRING protocol_name, STRING leader, STRING member_id,
// [members: STRING member_id, BYTES metadata].
TEST(JoinGroupResponseTest, V0MatchesSpecBytes) {
  JoinGroupResponse in{.generation_id = 1,
                       .protocol_name = "r",
                       .leader = "m",
                       .member_id = "m",
                       .members = {{.member_id = "m", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 0,
                  "0000 | 00000001 | 0001 72 | 0001 6d | 0001 6d | 00000001 |"
                  "  0001 6d | 00000001 01");
}

// v6: INT32 throttle_time_ms first; members carry group_instance_id (v5+); compact forms.
TEST(JoinGroupResponseTest, V6MatchesSpecBytes) {
  JoinGroupResponse in{.generation_id = 1,
                       .protocol_name = "r",
                       .leader = "m",
                       .member_id = "m",
                       .members = {{.member_id = "m", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 6,
                  "00000000 | 0000 | 00000001 | 02 72 | 02 6d | 02 6d | 02 |"
                  "  02 6d | 00 | 02 01 | 00 |"
                  "00");
}

// v9: protocol_type (v7+) before the now nullable protocol_name; BOOL skip_assignment
// between leader and member_id.
TEST(JoinGroupResponseTest, V9MatchesSpecBytes) {
  JoinGroupResponse in{
      .generation_id = 2,
      .protocol_type = "c",
      .protocol_name = std::nullopt,
      .leader = "m",
      .skip_assignment = true,
      .member_id = "",
      .members = {{.member_id = "m", .group_instance_id = "i", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 9,
                  "00000000 | 0000 | 00000002 | 02 63 | 00 | 02 6d | 01 | 01 | 02 |"
                  "  02 6d | 02 69 | 02 01 | 00 |"
                  "00");
}

// v1 adds INT32 rebalance_timeout_ms after session_timeout_ms.
TEST(JoinGroupRequestTest, V1MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .rebalance_timeout_ms = 60'000,
                      .member_id = "",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}}};
  ExpectSpecBytes(in, 1,
                  "0001 67 | 00007530 | 0000ea60 | 0000 | 0001 63 | 00000001 |"
                  "  0001 72 | 00000002 0102");
}

// v5 adds NULLABLE_STRING group_instance_id after member_id.
TEST(JoinGroupRequestTest, V5MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .rebalance_timeout_ms = 60'000,
                      .member_id = "",
                      .group_instance_id = "i",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}}};
  ExpectSpecBytes(in, 5,
                  "0001 67 | 00007530 | 0000ea60 | 0000 | 0001 69 | 0001 63 | 00000001 |"
                  "  0001 72 | 00000002 0102");
}

// v2 adds INT32 throttle_time_ms first.
TEST(JoinGroupResponseTest, V2MatchesSpecBytes) {
  JoinGroupResponse in{.generation_id = 1,
                       .protocol_name = "r",
                       .leader = "m",
                       .member_id = "m",
                       .members = {{.member_id = "m", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 2,
                  "00000000 | 0000 | 00000001 | 0001 72 | 0001 6d | 0001 6d | 00000001 |"
                  "  0001 6d | 00000001 01");
}

// v5: members carry NULLABLE_STRING group_instance_id between member_id and metadata.
TEST(JoinGroupResponseTest, V5MatchesSpecBytes) {
  JoinGroupResponse in{
      .generation_id = 1,
      .protocol_name = "r",
      .leader = "m",
      .member_id = "m",
      .members = {{.member_id = "m", .group_instance_id = "i", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 5,
                  "00000000 | 0000 | 00000001 | 0001 72 | 0001 6d | 0001 6d | 00000001 |"
                  "  0001 6d | 0001 69 | 00000001 01");
}

// v7 adds COMPACT_NULLABLE_STRING protocol_type before protocol_name.
TEST(JoinGroupResponseTest, V7MatchesSpecBytes) {
  JoinGroupResponse in{.generation_id = 1,
                       .protocol_type = "c",
                       .protocol_name = "r",
                       .leader = "m",
                       .member_id = "m",
                       .members = {{.member_id = "m", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 7,
                  "00000000 | 0000 | 00000001 | 02 63 | 02 72 | 02 6d | 02 6d | 02 |"
                  "  02 6d | 00 | 02 01 | 00 |"
                  "00");
}

// v8 adds COMPACT_NULLABLE_STRING reason after the protocols.
TEST(JoinGroupRequestTest, V8MatchesSpecBytes) {
  JoinGroupRequest in{.group_id = "g",
                      .session_timeout_ms = 30'000,
                      .rebalance_timeout_ms = 60'000,
                      .member_id = "m",
                      .protocol_type = "c",
                      .protocols = {{.name = "r", .metadata = "\x01\x02"}},
                      .reason = "r"};
  ExpectSpecBytes(in, 8,
                  "02 67 | 00007530 | 0000ea60 | 02 6d | 00 | 02 63 | 02 |"
                  "  02 72 | 03 0102 | 00 |"
                  "02 72 | 00");
}

// v8 has the v7 layout: skip_assignment comes only in v9.
TEST(JoinGroupResponseTest, V8MatchesSpecBytes) {
  JoinGroupResponse in{.generation_id = 1,
                       .protocol_type = "c",
                       .protocol_name = "r",
                       .leader = "m",
                       .member_id = "m",
                       .members = {{.member_id = "m", .metadata = "\x01"}}};
  ExpectSpecBytes(in, 8,
                  "00000000 | 0000 | 00000001 | 02 63 | 02 72 | 02 6d | 02 6d | 02 |"
                  "  02 6d | 00 | 02 01 | 00 |"
                  "00");
}

}  // namespace
}  // namespace brook
