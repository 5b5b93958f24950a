// tests/protocol/messages/offset_fetch_test.cc
#include "protocol/messages/offset_fetch.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

// Every field present at `v` holds a non-default value; absent ones keep their defaults.
OffsetFetchRequest SampleRequest(int16_t v) {
  OffsetFetchRequest in;
  if (v <= 7) {
    in.group_id = "group-1";
    in.topics = {{{.name = "orders", .partition_indexes = {0, 1, 2}},
                  {.name = "payments", .partition_indexes = {7}}}};
  }
  if (v >= 8) {
    in.groups = {
        {.group_id = "group-1",
         .topics = {{{.name = "orders", .partition_indexes = {0, 1}},
                     {.name = "payments", .partition_indexes = {3}}}}},
        {.group_id = "group-2", .topics = std::nullopt},
    };
    if (v >= 9) {
      for (auto& group : in.groups) {
        group.member_id = "member-1";
        group.member_epoch = 12;
      }
    }
  }
  if (v >= 7) in.require_stable = true;
  return in;
}

OffsetFetchResponse SampleResponse(int16_t v) {
  OffsetFetchResponse in;
  if (v >= 3) in.throttle_time_ms = 12;
  if (v <= 7) {
    in.topics = {
        {.name = "orders",
         .partitions = {{.partition_index = 0,
                         .committed_offset = 100,
                         .metadata = "meta",
                         .error_code = ErrorCode::kUnstableOffsetCommit},
                        {.partition_index = 3, .committed_offset = 42}}},
        {.name = "payments",
         .partitions = {{.partition_index = 1, .committed_offset = -1, .metadata = ""}}},
    };
    if (v >= 5) {
      for (auto& topic : in.topics) {
        for (auto& partition : topic.partitions) partition.committed_leader_epoch = 4;
      }
    }
    if (v >= 2) in.error_code = ErrorCode::kNotCoordinator;
  }
  if (v >= 8) {
    in.groups = {
        {.group_id = "group-1",
         .topics = {{.name = "orders",
                     .partitions = {{.partition_index = 0,
                                     .committed_offset = 100,
                                     .committed_leader_epoch = 4,
                                     .metadata = "meta",
                                     .error_code = ErrorCode::kUnstableOffsetCommit},
                                    {.partition_index = 3,
                                     .committed_offset = 42,
                                     .committed_leader_epoch = 2}}},
                    {.name = "payments", .partitions = {{.partition_index = 1}}}},
         .error_code = ErrorCode::kNone},
        {.group_id = "group-2", .error_code = ErrorCode::kStaleMemberEpoch},
    };
  }
  return in;
}

TEST(OffsetFetchRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetFetchRequest::kVersions.min; v <= OffsetFetchRequest::kVersions.max; ++v) {
    OffsetFetchRequest in = SampleRequest(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(OffsetFetchRequestTest, NullTopicsRoundTripFromV2) {
  for (int16_t v = 2; v <= 7; ++v) {
    OffsetFetchRequest in{.group_id = "g", .topics = std::nullopt};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
  }
}

TEST(OffsetFetchResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = OffsetFetchResponse::kVersions.min; v <= OffsetFetchResponse::kVersions.max;
       ++v) {
    OffsetFetchResponse in = SampleResponse(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v1: STRING group_id, [topics: STRING name, [INT32 partition_indexes]].
TEST(OffsetFetchRequestTest, V1MatchesSpecBytes) {
  OffsetFetchRequest in{.group_id = "g", .topics = {{{.name = "t", .partition_indexes = {0, 2}}}}};
  ExpectSpecBytes(in, 1,
                  "0001 67 | 00000001 |"
                  "  0001 74 | 00000002 00000000 00000002");
}

// v1 cannot say "every topic": a null topics array goes out empty.
TEST(OffsetFetchRequestTest, V1WritesNullTopicsAsEmptyArray) {
  OffsetFetchRequest in{.group_id = "g", .topics = std::nullopt};
  EXPECT_EQ(wire::Encode(in, 1), FromHex("0001 67 | 00000000"));
}

TEST(OffsetFetchRequestTest, V2NullTopicsMatchSpecBytes) {
  OffsetFetchRequest in{.group_id = "g", .topics = std::nullopt};
  ExpectSpecBytes(in, 2, "0001 67 | ffffffff");
}

// v6 is flexible: compact strings and arrays, a tag section per struct.
TEST(OffsetFetchRequestTest, V6MatchesSpecBytes) {
  OffsetFetchRequest in{.group_id = "g", .topics = {{{.name = "t", .partition_indexes = {1}}}}};
  ExpectSpecBytes(in, 6,
                  "02 67 | 02 |"
                  "  02 74 | 02 00000001 | 00 |"
                  "00");
}

TEST(OffsetFetchRequestTest, V7MatchesSpecBytes) {
  OffsetFetchRequest in{.group_id = "g",
                        .topics = {{{.name = "t", .partition_indexes = {1}}}},
                        .require_stable = true};
  ExpectSpecBytes(in, 7,
                  "02 67 | 02 |"
                  "  02 74 | 02 00000001 | 00 |"
                  "01 | 00");
}

// v8: [groups: COMPACT_STRING group_id, COMPACT_NULLABLE_ARRAY topics], BOOL require_stable.
TEST(OffsetFetchRequestTest, V8MatchesSpecBytes) {
  OffsetFetchRequest in{.groups = {{.group_id = "g", .topics = std::nullopt}},
                        .require_stable = true};
  ExpectSpecBytes(in, 8,
                  "02 |"
                  "  02 67 | 00 | 00 |"
                  "01 | 00");
}

// v9: groups add COMPACT_NULLABLE_STRING member_id and INT32 member_epoch after group_id.
TEST(OffsetFetchRequestTest, V9MatchesSpecBytes) {
  OffsetFetchRequest in{.groups = {{.group_id = "g",
                                    .member_id = "m",
                                    .member_epoch = 4,
                                    .topics = {{{.name = "t", .partition_indexes = {0}}}}}}};
  ExpectSpecBytes(in, 9,
                  "02 |"
                  "  02 67 | 02 6d | 00000004 | 02 |"
                  "    02 74 | 02 00000000 | 00 |"
                  "  00 |"
                  "00 | 00");
}

// v1: [topics: STRING name, [partitions: INT32 index, INT64 offset, NULLABLE_STRING metadata,
// INT16 error]]; no throttle time, no top-level error.
TEST(OffsetFetchResponseTest, V1MatchesSpecBytes) {
  OffsetFetchResponse in{
      .topics = {{.name = "t", .partitions = {{.committed_offset = 10, .metadata = "m"}}}}};
  ExpectSpecBytes(in, 1,
                  "00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 000000000000000a | 0001 6d | 0000");
}

TEST(OffsetFetchResponseTest, V6MatchesSpecBytes) {
  OffsetFetchResponse in{
      .throttle_time_ms = 1,
      .topics = {{.name = "t",
                  .partitions = {{.committed_offset = 10, .committed_leader_epoch = 2}}}},
      .error_code = ErrorCode::kNotCoordinator};
  ExpectSpecBytes(in, 6,
                  "00000001 | 02 |"
                  "  02 74 | 02 |"
                  "    00000000 | 000000000000000a | 00000002 | 00 | 0000 | 00 |"
                  "  00 |"
                  "0010 | 00");
}

// v9: INT32 throttle_time_ms, [groups: group_id, [topics: name, [partitions]], INT16 error].
TEST(OffsetFetchResponseTest, V9MatchesSpecBytes) {
  OffsetFetchResponse in{.groups = {{.group_id = "g",
                                     .topics = {{.name = "t",
                                                 .partitions = {{.partition_index = 1,
                                                                 .committed_offset = 3,
                                                                 .metadata = "m"}}}},
                                     .error_code = ErrorCode::kStaleMemberEpoch}}};
  ExpectSpecBytes(in, 9,
                  "00000000 | 02 |"
                  "  02 67 | 02 |"
                  "    02 74 | 02 |"
                  "      00000001 | 0000000000000003 | ffffffff | 02 6d | 0000 | 00 |"
                  "    00 |"
                  "  0071 | 00 |"
                  "00");
}

// v2 adds the top-level INT16 error_code after the topics.
TEST(OffsetFetchResponseTest, V2MatchesSpecBytes) {
  OffsetFetchResponse in{.topics = {{.name = "t", .partitions = {{.committed_offset = 10}}}},
                         .error_code = ErrorCode::kNotCoordinator};
  ExpectSpecBytes(in, 2,
                  "00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 000000000000000a | ffff | 0000 |"
                  "0010");
}

// v3 adds INT32 throttle_time_ms first; v5 the partition's INT32 committed_leader_epoch.
TEST(OffsetFetchResponseTest, V5MatchesSpecBytes) {
  OffsetFetchResponse in{
      .throttle_time_ms = 1,
      .topics = {{.name = "t",
                  .partitions = {{.committed_offset = 10, .committed_leader_epoch = 2}}}},
      .error_code = ErrorCode::kNotCoordinator};
  ExpectSpecBytes(in, 5,
                  "00000001 | 00000001 |"
                  "  0001 74 | 00000001 |"
                  "    00000000 | 000000000000000a | 00000002 | ffff | 0000 |"
                  "0010");
}

}  // namespace
}  // namespace brook
