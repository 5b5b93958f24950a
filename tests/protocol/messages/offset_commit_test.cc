// tests/protocol/messages/offset_commit_test.cc
#include "protocol/messages/offset_commit.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

// Every field present at `v` holds a non-default value; absent ones keep their defaults.
OffsetCommitRequest SampleRequest(int16_t v) {
  OffsetCommitRequest in{
      .group_id = "group-1", .generation_id_or_member_epoch = 7, .member_id = "member-1"};
  if (v >= 7) in.group_instance_id = "static-1";
  if (v <= 4) in.retention_time_ms = 86'400'000;
  in.topics = {
      {.name = "orders",
       .partitions = {{.partition_index = 0, .committed_offset = 100, .committed_metadata = "meta"},
                      {.partition_index = 3, .committed_offset = 42}}},
      {.name = "payments",
       .partitions = {{.partition_index = 1,
                       .committed_offset = 1'000'000'000'000,
                       .committed_metadata = ""}}},
  };
  if (v >= 6) {
    for (auto& topic : in.topics) {
      for (auto& partition : topic.partitions) partition.committed_leader_epoch = 5;
    }
  }
  return in;
}

OffsetCommitResponse SampleResponse(int16_t v) {
  OffsetCommitResponse in;
  if (v >= 3) in.throttle_time_ms = 12;
  in.topics = {
      {.name = "orders",
       .partitions = {{.partition_index = 0, .error_code = ErrorCode::kOffsetMetadataTooLarge},
                      {.partition_index = 3, .error_code = ErrorCode::kIllegalGeneration}}},
      {.name = "payments",
       .partitions = {{.partition_index = 1, .error_code = ErrorCode::kRebalanceInProgress}}},
  };
  return in;
}

TEST(OffsetCommitRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetCommitRequest::kVersions.min; v <= OffsetCommitRequest::kVersions.max;
       ++v) {
    OffsetCommitRequest in = SampleRequest(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(OffsetCommitResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetCommitResponse::kVersions.min; v <= OffsetCommitResponse::kVersions.max;
       ++v) {
    OffsetCommitResponse in = SampleResponse(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v2: STRING group_id, INT32 generation_id, STRING member_id, INT64 retention_time_ms,
// [topics: STRING name, [partitions: INT32 index, INT64 offset, NULLABLE_STRING metadata]].
TEST(OffsetCommitRequestTest, V2MatchesSpecBytes) {
  OffsetCommitRequest in{.group_id = "g",
                         .generation_id_or_member_epoch = 1,
                         .member_id = "m",
                         .retention_time_ms = 1000,
                         .topics = {{.name = "t", .partitions = {{.committed_offset = 5}}}}};
  ExpectSpecBytes(in, 2,
                  "0001 67 | 00000001 | 0001 6d | 00000000000003e8 | 00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 0000000000000005 | ffff");
}

// v8 is flexible; retention_time_ms is gone, group_instance_id (v7+) and the partition's
// committed_leader_epoch (v6+) are there, and every struct ends in an empty tag section.
TEST(OffsetCommitRequestTest, V8MatchesSpecBytes) {
  OffsetCommitRequest in{.group_id = "g",
                         .generation_id_or_member_epoch = 1,
                         .member_id = "m",
                         .topics = {{.name = "t",
                                     .partitions = {{.committed_offset = 5,
                                                     .committed_leader_epoch = 9,
                                                     .committed_metadata = "x"}}}}};
  ExpectSpecBytes(in, 8,
                  "02 67 | 00000001 | 02 6d | 00 | 02 |"
                  "  02 74 | 02 |"
                  "    00000000 | 0000000000000005 | 00000009 | 02 78 | 00 |"
                  "  00 |"
                  "00");
}

TEST(OffsetCommitRequestTest, V9MatchesSpecBytes) {
  OffsetCommitRequest in{
      .group_id = "g",
      .generation_id_or_member_epoch = 3,
      .member_id = "m",
      .group_instance_id = "i",
      .topics = {{.name = "t", .partitions = {{.partition_index = 2, .committed_offset = 5}}}}};
  ExpectSpecBytes(in, 9,
                  "02 67 | 00000003 | 02 6d | 02 69 | 02 |"
                  "  02 74 | 02 |"
                  "    00000002 | 0000000000000005 | ffffffff | 00 | 00 |"
                  "  00 |"
                  "00");
}

// v2 has no throttle_time_ms: [topics: STRING name, [partitions: INT32 index, INT16 error]].
TEST(OffsetCommitResponseTest, V2MatchesSpecBytes) {
  OffsetCommitResponse in{
      .topics = {{.name = "t",
                  .partitions = {
                      {.partition_index = 0},
                      {.partition_index = 1, .error_code = ErrorCode::kOffsetMetadataTooLarge}}}}};
  ExpectSpecBytes(in, 2,
                  "00000001 |"
                  "  0001 74 | 00000002 |"
                  "    00000000 0000 |"
                  "    00000001 000c");
}

TEST(OffsetCommitResponseTest, V8MatchesSpecBytes) {
  OffsetCommitResponse in{
      .throttle_time_ms = 3,
      .topics = {{.name = "t",
                  .partitions = {
                      {.partition_index = 2, .error_code = ErrorCode::kUnknownTopicOrPartition}}}}};
  ExpectSpecBytes(in, 8,
                  "00000003 | 02 |"
                  "  02 74 | 02 |"
                  "    00000002 0003 00 |"
                  "  00 |"
                  "00");
}

TEST(OffsetCommitResponseTest, V9MatchesSpecBytes) {
  OffsetCommitResponse in{
      .topics = {
          {.name = "t",
           .partitions = {{.partition_index = 0, .error_code = ErrorCode::kIllegalGeneration}}}}};
  ExpectSpecBytes(in, 9,
                  "00000000 | 02 |"
                  "  02 74 | 02 |"
                  "    00000000 0016 00 |"
                  "  00 |"
                  "00");
}

// v5 drops retention_time_ms; v6 adds the partition's committed_leader_epoch.
TEST(OffsetCommitRequestTest, V5MatchesSpecBytes) {
  OffsetCommitRequest in{.group_id = "g",
                         .generation_id_or_member_epoch = 1,
                         .member_id = "m",
                         .topics = {{.name = "t", .partitions = {{.committed_offset = 5}}}}};
  ExpectSpecBytes(in, 5,
                  "0001 67 | 00000001 | 0001 6d | 00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 0000000000000005 | ffff");
}

// v7 adds NULLABLE_STRING group_instance_id after member_id.
TEST(OffsetCommitRequestTest, V7MatchesSpecBytes) {
  OffsetCommitRequest in{.group_id = "g",
                         .generation_id_or_member_epoch = 1,
                         .member_id = "m",
                         .group_instance_id = "i",
                         .topics = {{.name = "t",
                                     .partitions = {{.committed_offset = 5,
                                                     .committed_leader_epoch = 9,
                                                     .committed_metadata = "x"}}}}};
  ExpectSpecBytes(in, 7,
                  "0001 67 | 00000001 | 0001 6d | 0001 69 | 00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 0000000000000005 | 00000009 | 0001 78");
}

// v3 adds INT32 throttle_time_ms first.
TEST(OffsetCommitResponseTest, V3MatchesSpecBytes) {
  OffsetCommitResponse in{.throttle_time_ms = 3,
                          .topics = {{.name = "t", .partitions = {{.partition_index = 0}}}}};
  ExpectSpecBytes(in, 3,
                  "00000003 | 00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 0000");
}

}  // namespace
}  // namespace brook
