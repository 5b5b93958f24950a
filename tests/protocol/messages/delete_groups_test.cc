// tests/protocol/messages/delete_groups_test.cc
#include "protocol/messages/delete_groups.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(DeleteGroupsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteGroupsRequest::kVersions.min; v <= DeleteGroupsRequest::kVersions.max;
       ++v) {
    DeleteGroupsRequest in{.groups_names = {"group-1", "group-2", ""}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DeleteGroupsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteGroupsResponse::kVersions.min; v <= DeleteGroupsResponse::kVersions.max;
       ++v) {
    DeleteGroupsResponse in{
        .throttle_time_ms = 12,
        .results = {{.group_id = "group-1"},
                    {.group_id = "group-2", .error_code = ErrorCode::kNonEmptyGroup}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: [STRING groups_names].
TEST(DeleteGroupsRequestTest, V0MatchesSpecBytes) {
  DeleteGroupsRequest in{.groups_names = {"g", "h"}};
  ExpectSpecBytes(in, 0, "00000002 | 0001 67 | 0001 68");
}

// v2, the first flexible and the highest version.
TEST(DeleteGroupsRequestTest, V2MatchesSpecBytes) {
  DeleteGroupsRequest in{.groups_names = {"g"}};
  ExpectSpecBytes(in, 2, "02 02 67 | 00");
}

// v0: INT32 throttle_time_ms, [results: STRING group_id, INT16 error].
TEST(DeleteGroupsResponseTest, V0MatchesSpecBytes) {
  DeleteGroupsResponse in{
      .results = {{.group_id = "g"}, {.group_id = "h", .error_code = ErrorCode::kNonEmptyGroup}}};
  ExpectSpecBytes(in, 0,
                  "00000000 | 00000002 |"
                  "  0001 67 | 0000 |"
                  "  0001 68 | 0044");
}

TEST(DeleteGroupsResponseTest, V2MatchesSpecBytes) {
  DeleteGroupsResponse in{
      .throttle_time_ms = 1,
      .results = {{.group_id = "g", .error_code = ErrorCode::kGroupIdNotFound}}};
  ExpectSpecBytes(in, 2,
                  "00000001 | 02 |"
                  "  02 67 | 0045 | 00 |"
                  "00");
}

}  // namespace
}  // namespace brook
