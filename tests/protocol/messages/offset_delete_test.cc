// tests/protocol/messages/offset_delete_test.cc
#include "protocol/messages/offset_delete.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(OffsetDeleteRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetDeleteRequest::kVersions.min; v <= OffsetDeleteRequest::kVersions.max;
       ++v) {
    OffsetDeleteRequest in{
        .group_id = "group-1",
        .topics = {
            {.name = "orders", .partitions = {{.partition_index = 0}, {.partition_index = 4}}},
            {.name = "payments", .partitions = {{.partition_index = 2}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(OffsetDeleteResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetDeleteResponse::kVersions.min; v <= OffsetDeleteResponse::kVersions.max;
       ++v) {
    OffsetDeleteResponse in{
        .error_code = ErrorCode::kGroupIdNotFound,
        .throttle_time_ms = 12,
        .topics = {{.name = "orders",
                    .partitions = {{.partition_index = 0},
                                   {.partition_index = 4,
                                    .error_code = ErrorCode::kGroupSubscribedToTopic}}},
                   {.name = "payments",
                    .partitions = {{.partition_index = 2,
                                    .error_code = ErrorCode::kUnknownTopicOrPartition}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING group_id, [topics: STRING name, [partitions: INT32 partition_index]].
TEST(OffsetDeleteRequestTest, V0MatchesSpecBytes) {
  OffsetDeleteRequest in{
      .group_id = "g",
      .topics = {{.name = "t", .partitions = {{.partition_index = 0}, {.partition_index = 1}}}}};
  ExpectSpecBytes(in, 0,
                  "0001 67 | 00000001 |"
                  "  0001 74 | 00000002 | 00000000 | 00000001");
}

// v0: INT16 error first, then INT32 throttle_time_ms,
// [topics: STRING name, [partitions: INT32 partition_index, INT16 error]].
TEST(OffsetDeleteResponseTest, V0MatchesSpecBytes) {
  OffsetDeleteResponse in{
      .error_code = ErrorCode::kNone,
      .throttle_time_ms = 1,
      .topics = {{.name = "t",
                  .partitions = {
                      {.partition_index = 0},
                      {.partition_index = 1, .error_code = ErrorCode::kGroupSubscribedToTopic}}}}};
  ExpectSpecBytes(in, 0,
                  "0000 | 00000001 | 00000001 |"
                  "  0001 74 | 00000002 |"
                  "    00000000 0000 |"
                  "    00000001 0056");
}

}  // namespace
}  // namespace brook
