// tests/protocol/messages/list_offsets_test.cc
#include "protocol/messages/list_offsets.h"

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

TEST(ListOffsetsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = ListOffsetsRequest::kVersions.min; v <= ListOffsetsRequest::kVersions.max; ++v) {
    ListOffsetsRequest in{.replica_id = -1};
    if (v >= 2) in.isolation_level = 1;
    if (v >= 10) in.timeout_ms = 2000;
    ListOffsetsRequest::ListOffsetsPartition p0{.partition_index = 0, .timestamp = -1};
    ListOffsetsRequest::ListOffsetsPartition p1{.partition_index = 6, .timestamp = 1700000000000};
    if (v >= 4) {
      p0.current_leader_epoch = 3;
      p1.current_leader_epoch = 8;
    }
    in.topics = {{.name = "alpha", .partitions = {p0, p1}}, {.name = "beta", .partitions = {p1}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(ListOffsetsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = ListOffsetsResponse::kVersions.min; v <= ListOffsetsResponse::kVersions.max;
       ++v) {
    ListOffsetsResponse out;
    if (v >= 2) out.throttle_time_ms = 15;
    ListOffsetsResponse::ListOffsetsPartitionResponse p0{
        .partition_index = 0, .timestamp = 5, .offset = 42};
    ListOffsetsResponse::ListOffsetsPartitionResponse p1{
        .partition_index = 2, .error_code = ErrorCode::kOffsetNotAvailable, .offset = 0};
    if (v >= 4) {
      p0.leader_epoch = 4;
      p1.leader_epoch = 1;
    }
    out.topics = {{.name = "alpha", .partitions = {p0, p1}}, {.name = "beta", .partitions = {p0}}};
    EXPECT_EQ(RoundTrip(out, v), out) << "version " << v;
    testing::ExpectEveryTruncationFails(out, v);
  }
}

// v1: INT32 replica_id, ARRAY topics { STRING name, ARRAY partitions { INT32 partition_index,
// INT64 timestamp } }.
TEST(ListOffsetsRequestTest, V1MatchesSpecBytes) {
  ListOffsetsRequest in{.replica_id = -1};
  in.topics = {{.name = "t", .partitions = {{.partition_index = 0, .timestamp = -2}}}};
  ExpectSpecBytes(in, 1, "ffffffff | 00000001 | 0001 74 | 00000001 | 00000000 | fffffffffffffffe");
}

// v6: INT8 isolation_level (v2), INT32 current_leader_epoch (v4), compact forms and tags.
TEST(ListOffsetsRequestTest, V6MatchesSpecBytes) {
  ListOffsetsRequest in{.replica_id = -1, .isolation_level = 1};
  in.topics = {
      {.name = "t",
       .partitions = {{.partition_index = 0, .current_leader_epoch = 3, .timestamp = -1}}}};
  ExpectSpecBytes(
      in, 6,
      "ffffffff | 01 | 02 | 02 74 | 02 | 00000000 | 00000003 | ffffffffffffffff | 00 | 00 | 00");
}

// v10: INT32 timeout_ms after the topics.
TEST(ListOffsetsRequestTest, V10MatchesSpecBytes) {
  ListOffsetsRequest in{.replica_id = -1, .timeout_ms = 1000};
  in.topics = {{.name = "t", .partitions = {{.partition_index = 0, .timestamp = -2}}}};
  ExpectSpecBytes(in, 10,
                  "ffffffff | 00 | 02 | 02 74 | 02 | 00000000 | ffffffff | fffffffffffffffe | 00"
                  "| 00 | 000003e8 | 00");
}

// v1: ARRAY topics { STRING name, ARRAY partitions { INT32 partition_index, INT16 error_code,
// INT64 timestamp, INT64 offset } }; no throttle_time_ms yet.
TEST(ListOffsetsResponseTest, V1MatchesSpecBytes) {
  ListOffsetsResponse out;
  out.topics = {{.name = "t", .partitions = {{.partition_index = 0, .offset = 42}}}};
  ExpectSpecBytes(out, 1,
                  "00000001 | 0001 74 | 00000001 | 00000000 | 0000 | ffffffffffffffff"
                  "| 000000000000002a");
}

TEST(ListOffsetsResponseTest, V6MatchesSpecBytes) {
  ListOffsetsResponse out;
  out.topics = {
      {.name = "t",
       .partitions = {{.partition_index = 0, .timestamp = 16, .offset = 42, .leader_epoch = 2}}}};
  ExpectSpecBytes(out, 6,
                  "00000000 | 02 | 02 74 | 02 | 00000000 | 0000 | 0000000000000010"
                  "| 000000000000002a | 00000002 | 00 | 00 | 00");
}

TEST(ListOffsetsResponseTest, V10MatchesSpecBytes) {
  ListOffsetsResponse out{.throttle_time_ms = 3};
  out.topics = {
      {.name = "t",
       .partitions = {{.partition_index = 1, .error_code = ErrorCode::kNotLeaderOrFollower}}}};
  ExpectSpecBytes(out, 10,
                  "00000003 | 02 | 02 74 | 02 | 00000001 | 0006 | ffffffffffffffff"
                  "| ffffffffffffffff | ffffffff | 00 | 00 | 00");
}

}  // namespace
}  // namespace brook
