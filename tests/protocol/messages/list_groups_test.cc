// tests/protocol/messages/list_groups_test.cc
#include "protocol/messages/list_groups.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(ListGroupsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = ListGroupsRequest::kVersions.min; v <= ListGroupsRequest::kVersions.max; ++v) {
    ListGroupsRequest in;
    if (v >= 4) in.states_filter = {"Stable", "Empty"};
    if (v >= 5) in.types_filter = {"classic", "consumer"};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(ListGroupsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = ListGroupsResponse::kVersions.min; v <= ListGroupsResponse::kVersions.max; ++v) {
    ListGroupsResponse in{.error_code = ErrorCode::kCoordinatorLoadInProgress,
                          .groups = {{.group_id = "group-1", .protocol_type = "consumer"},
                                     {.group_id = "group-2", .protocol_type = ""}}};
    if (v >= 1) in.throttle_time_ms = 12;
    if (v >= 4) {
      in.groups[0].group_state = "Stable";
      in.groups[1].group_state = "Empty";
    }
    if (v >= 5) {
      in.groups[0].group_type = "classic";
      in.groups[1].group_type = "consumer";
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0 has no fields at all.
TEST(ListGroupsRequestTest, V0MatchesSpecBytes) { ExpectSpecBytes(ListGroupsRequest{}, 0, ""); }

// v3 is flexible: just the (empty) tag section.
TEST(ListGroupsRequestTest, V3MatchesSpecBytes) { ExpectSpecBytes(ListGroupsRequest{}, 3, "00"); }

// v5: COMPACT_ARRAY states_filter (v4+), COMPACT_ARRAY types_filter.
TEST(ListGroupsRequestTest, V5MatchesSpecBytes) {
  ListGroupsRequest in{.states_filter = {"S"}, .types_filter = {"c"}};
  ExpectSpecBytes(in, 5, "02 02 53 | 02 02 63 | 00");
}

// v0: INT16 error, [groups: STRING group_id, STRING protocol_type].
TEST(ListGroupsResponseTest, V0MatchesSpecBytes) {
  ListGroupsResponse in{.groups = {{.group_id = "g", .protocol_type = "c"}}};
  ExpectSpecBytes(in, 0, "0000 | 00000001 | 0001 67 | 0001 63");
}

TEST(ListGroupsResponseTest, V3MatchesSpecBytes) {
  ListGroupsResponse in{.throttle_time_ms = 1, .error_code = ErrorCode::kCoordinatorLoadInProgress};
  ExpectSpecBytes(in, 3, "00000001 | 000e | 01 | 00");
}

// v5: groups carry group_state (v4+) and group_type.
TEST(ListGroupsResponseTest, V5MatchesSpecBytes) {
  ListGroupsResponse in{
      .groups = {{.group_id = "g", .protocol_type = "c", .group_state = "S", .group_type = "k"}}};
  ExpectSpecBytes(in, 5,
                  "00000000 | 0000 | 02 |"
                  "  02 67 | 02 63 | 02 53 | 02 6b | 00 |"
                  "00");
}

// v4 adds COMPACT_ARRAY states_filter.
TEST(ListGroupsRequestTest, V4MatchesSpecBytes) {
  ListGroupsRequest in{.states_filter = {"S"}};
  ExpectSpecBytes(in, 4, "02 02 53 | 00");
}

// v4: groups add COMPACT_STRING group_state.
TEST(ListGroupsResponseTest, V4MatchesSpecBytes) {
  ListGroupsResponse in{.groups = {{.group_id = "g", .protocol_type = "c", .group_state = "S"}}};
  ExpectSpecBytes(in, 4,
                  "00000000 | 0000 | 02 |"
                  "  02 67 | 02 63 | 02 53 | 00 |"
                  "00");
}

}  // namespace
}  // namespace brook
