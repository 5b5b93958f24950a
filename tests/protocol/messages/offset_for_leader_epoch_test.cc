// tests/protocol/messages/offset_for_leader_epoch_test.cc
#include "protocol/messages/offset_for_leader_epoch.h"

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

TEST(OffsetForLeaderEpochRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetForLeaderEpochRequest::kVersions.min;
       v <= OffsetForLeaderEpochRequest::kVersions.max; ++v) {
    OffsetForLeaderEpochRequest in;
    if (v >= 3) in.replica_id = 4;
    in.topics = {{.topic = "alpha",
                  .partitions = {{.partition = 0, .current_leader_epoch = 7, .leader_epoch = 5},
                                 {.partition = 3, .current_leader_epoch = 2, .leader_epoch = 1}}},
                 {.topic = "beta", .partitions = {{.partition = 1, .leader_epoch = 9}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(OffsetForLeaderEpochResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetForLeaderEpochResponse::kVersions.min;
       v <= OffsetForLeaderEpochResponse::kVersions.max; ++v) {
    OffsetForLeaderEpochResponse out{.throttle_time_ms = 20};
    out.topics = {
        {.topic = "alpha",
         .partitions = {{.partition = 0, .leader_epoch = 5, .end_offset = 1200},
                        {.error_code = ErrorCode::kFencedLeaderEpoch, .partition = 2}}},
        {.topic = "beta", .partitions = {{.partition = 1, .leader_epoch = 0, .end_offset = 0}}}};
    EXPECT_EQ(RoundTrip(out, v), out) << "version " << v;
    testing::ExpectEveryTruncationFails(out, v);
  }
}

// v2: ARRAY topics { STRING topic, ARRAY partitions { INT32 partition, INT32
// current_leader_epoch, INT32 leader_epoch } }.
TEST(OffsetForLeaderEpochRequestTest, V2MatchesSpecBytes) {
  OffsetForLeaderEpochRequest in;
  in.topics = {{.topic = "t",
                .partitions = {{.partition = 0, .current_leader_epoch = 5, .leader_epoch = 4}}}};
  ExpectSpecBytes(in, 2, "00000001 | 0001 74 | 00000001 | 00000000 | 00000005 | 00000004");
}

// v3 puts INT32 replica_id first.
TEST(OffsetForLeaderEpochRequestTest, V3MatchesSpecBytes) {
  OffsetForLeaderEpochRequest in{.replica_id = -1};
  ExpectSpecBytes(in, 3, "ffffffff | 00000000");
}

TEST(OffsetForLeaderEpochRequestTest, V4MatchesSpecBytes) {
  OffsetForLeaderEpochRequest in{.replica_id = 1};
  in.topics = {{.topic = "t", .partitions = {{.partition = 0, .leader_epoch = 4}}}};
  ExpectSpecBytes(in, 4,
                  "00000001 | 02 | 02 74 | 02 | 00000000 | ffffffff | 00000004 | 00 | 00 | 00");
}

// v2: INT32 throttle_time_ms, ARRAY topics { STRING topic, ARRAY partitions { INT16
// error_code, INT32 partition, INT32 leader_epoch, INT64 end_offset } }.
TEST(OffsetForLeaderEpochResponseTest, V2MatchesSpecBytes) {
  OffsetForLeaderEpochResponse out;
  out.topics = {
      {.topic = "t", .partitions = {{.partition = 0, .leader_epoch = 4, .end_offset = 100}}}};
  ExpectSpecBytes(out, 2,
                  "00000000 | 00000001 | 0001 74 | 00000001 | 0000 | 00000000 | 00000004"
                  "| 0000000000000064");
}

TEST(OffsetForLeaderEpochResponseTest, V4MatchesSpecBytes) {
  OffsetForLeaderEpochResponse out;
  out.topics = {{.topic = "t",
                 .partitions = {{.error_code = ErrorCode::kFencedLeaderEpoch, .partition = 1}}}};
  ExpectSpecBytes(out, 4,
                  "00000000 | 02 | 02 74 | 02 | 004a | 00000001 | ffffffff | ffffffffffffffff"
                  "| 00 | 00 | 00");
}

}  // namespace
}  // namespace brook
