// tests/protocol/messages/describe_groups_test.cc
#include "protocol/messages/describe_groups.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(DescribeGroupsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeGroupsRequest::kVersions.min; v <= DescribeGroupsRequest::kVersions.max;
       ++v) {
    DescribeGroupsRequest in{.groups = {"group-1", "group-2"}};
    if (v >= 3) in.include_authorized_operations = true;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DescribeGroupsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeGroupsResponse::kVersions.min;
       v <= DescribeGroupsResponse::kVersions.max; ++v) {
    DescribeGroupsResponse in{
        .groups = {
            {.group_id = "group-1",
             .group_state = "Stable",
             .protocol_type = "consumer",
             .protocol_data = "range",
             .members = {{.member_id = "member-1",
                          .client_id = "client-1",
                          .client_host = "/10.0.0.1",
                          .member_metadata = "md1",
                          .member_assignment = "as1"},
                         {.member_id = "member-2",
                          .client_id = "client-2",
                          .client_host = "/10.0.0.2",
                          .member_metadata = std::string("\x00\x01", 2),
                          .member_assignment = ""}}},
            {.error_code = ErrorCode::kGroupAuthorizationFailed, .group_id = "group-2"},
        }};
    if (v >= 1) in.throttle_time_ms = 12;
    if (v >= 3) {
      in.groups[0].authorized_operations = 0x0ff8;
      in.groups[1].authorized_operations = 0;
    }
    if (v >= 4) in.groups[0].members[0].group_instance_id = "static-1";
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: [STRING groups].
TEST(DescribeGroupsRequestTest, V0MatchesSpecBytes) {
  DescribeGroupsRequest in{.groups = {"g", "h"}};
  ExpectSpecBytes(in, 0, "00000002 | 0001 67 | 0001 68");
}

// v3 adds BOOL include_authorized_operations.
TEST(DescribeGroupsRequestTest, V3MatchesSpecBytes) {
  DescribeGroupsRequest in{.groups = {"g"}, .include_authorized_operations = true};
  ExpectSpecBytes(in, 3, "00000001 | 0001 67 | 01");
}

// v5, the first flexible and the highest version.
TEST(DescribeGroupsRequestTest, V5MatchesSpecBytes) {
  DescribeGroupsRequest in{.groups = {"g"}, .include_authorized_operations = true};
  ExpectSpecBytes(in, 5, "02 02 67 | 01 | 00");
}

// v0: [groups: INT16 error, STRING group_id, group_state, protocol_type, protocol_data,
// [members: STRING member_id, client_id, client_host, BYTES metadata, BYTES assignment]].
TEST(DescribeGroupsResponseTest, V0MatchesSpecBytes) {
  DescribeGroupsResponse in{.groups = {{.group_id = "g",
                                        .group_state = "S",
                                        .protocol_type = "c",
                                        .protocol_data = "r",
                                        .members = {{.member_id = "m",
                                                     .client_id = "c",
                                                     .client_host = "h",
                                                     .member_metadata = "\x01",
                                                     .member_assignment = "\x02"}}}}};
  ExpectSpecBytes(in, 0,
                  "00000001 |"
                  "  0000 | 0001 67 | 0001 53 | 0001 63 | 0001 72 | 00000001 |"
                  "    0001 6d | 0001 63 | 0001 68 | 00000001 01 | 00000001 02");
}

// v5: throttle_time_ms (v1+), members carry group_instance_id (v4+), groups end with
// INT32 authorized_operations (v3+); compact forms and tag sections.
TEST(DescribeGroupsResponseTest, V5MatchesSpecBytes) {
  DescribeGroupsResponse in{.groups = {{.group_id = "g",
                                        .group_state = "S",
                                        .protocol_type = "c",
                                        .protocol_data = "r",
                                        .members = {{.member_id = "m",
                                                     .group_instance_id = "i",
                                                     .client_id = "c",
                                                     .client_host = "h",
                                                     .member_metadata = "\x01",
                                                     .member_assignment = ""}},
                                        .authorized_operations = 8}}};
  ExpectSpecBytes(in, 5,
                  "00000000 | 02 |"
                  "  0000 | 02 67 | 02 53 | 02 63 | 02 72 | 02 |"
                  "    02 6d | 02 69 | 02 63 | 02 68 | 02 01 | 01 | 00 |"
                  "  00000008 | 00 |"
                  "00");
}

// v3: groups end with INT32 authorized_operations, INT32_MIN unless asked for; members
// have no group_instance_id yet.
TEST(DescribeGroupsResponseTest, V3MatchesSpecBytes) {
  DescribeGroupsResponse in{
      .groups = {{.error_code = ErrorCode::kGroupAuthorizationFailed,
                  .group_id = "g",
                  .members = {{.member_id = "m", .client_id = "c", .client_host = "h"}}}}};
  ExpectSpecBytes(in, 3,
                  "00000000 | 00000001 |"
                  "  001e | 0001 67 | 0000 | 0000 | 0000 | 00000001 |"
                  "    0001 6d | 0001 63 | 0001 68 | 00000000 | 00000000 |"
                  "  80000000");
}

// v4: members carry NULLABLE_STRING group_instance_id after member_id.
TEST(DescribeGroupsResponseTest, V4MatchesSpecBytes) {
  DescribeGroupsResponse in{
      .groups = {{.group_id = "g",
                  .group_state = "S",
                  .protocol_type = "c",
                  .protocol_data = "r",
                  .members = {{.member_id = "m", .client_id = "c", .client_host = "h"}}}}};
  ExpectSpecBytes(in, 4,
                  "00000000 | 00000001 |"
                  "  0000 | 0001 67 | 0001 53 | 0001 63 | 0001 72 | 00000001 |"
                  "    0001 6d | ffff | 0001 63 | 0001 68 | 00000000 | 00000000 |"
                  "  80000000");
}

}  // namespace
}  // namespace brook
