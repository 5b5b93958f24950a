// tests/protocol/messages/delete_records_test.cc
#include "protocol/messages/delete_records.h"

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

TEST(DeleteRecordsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteRecordsRequest::kVersions.min; v <= DeleteRecordsRequest::kVersions.max;
       ++v) {
    DeleteRecordsRequest in{.timeout_ms = 5000};
    in.topics = {{.name = "alpha",
                  .partitions = {{.partition_index = 0, .offset = 100},
                                 {.partition_index = 2, .offset = -1}}},
                 {.name = "beta", .partitions = {{.partition_index = 1, .offset = 7}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DeleteRecordsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteRecordsResponse::kVersions.min; v <= DeleteRecordsResponse::kVersions.max;
       ++v) {
    DeleteRecordsResponse out{.throttle_time_ms = 10};
    out.topics = {{.name = "alpha",
                   .partitions = {{.partition_index = 0, .low_watermark = 100},
                                  {.partition_index = 2,
                                   .low_watermark = -1,
                                   .error_code = ErrorCode::kOffsetOutOfRange}}},
                  {.name = "beta", .partitions = {{.partition_index = 1, .low_watermark = 7}}}};
    EXPECT_EQ(RoundTrip(out, v), out) << "version " << v;
    testing::ExpectEveryTruncationFails(out, v);
  }
}

// v0: ARRAY topics { STRING name, ARRAY partitions { INT32 partition_index, INT64 offset } },
// INT32 timeout_ms.
TEST(DeleteRecordsRequestTest, V0MatchesSpecBytes) {
  DeleteRecordsRequest in{.timeout_ms = 1000};
  in.topics = {{.name = "t", .partitions = {{.partition_index = 0, .offset = 10}}}};
  ExpectSpecBytes(in, 0, "00000001 | 0001 74 | 00000001 | 00000000 | 000000000000000a | 000003e8");
}

// v2: first flexible version, the only change.
TEST(DeleteRecordsRequestTest, V2MatchesSpecBytes) {
  DeleteRecordsRequest in{.timeout_ms = 1000};
  in.topics = {{.name = "t", .partitions = {{.partition_index = 0, .offset = -1}}}};
  ExpectSpecBytes(in, 2, "02 | 02 74 | 02 | 00000000 | ffffffffffffffff | 00 | 00 | 000003e8 | 00");
}

// v0: INT32 throttle_time_ms, ARRAY topics { STRING name, ARRAY partitions { INT32
// partition_index, INT64 low_watermark, INT16 error_code } }.
TEST(DeleteRecordsResponseTest, V0MatchesSpecBytes) {
  DeleteRecordsResponse out;
  out.topics = {{.name = "t", .partitions = {{.partition_index = 0, .low_watermark = 10}}}};
  ExpectSpecBytes(out, 0,
                  "00000000 | 00000001 | 0001 74 | 00000001 | 00000000 | 000000000000000a | 0000");
}

TEST(DeleteRecordsResponseTest, V2MatchesSpecBytes) {
  DeleteRecordsResponse out;
  out.topics = {{.name = "t",
                 .partitions = {{.partition_index = 0,
                                 .low_watermark = 10,
                                 .error_code = ErrorCode::kUnknownTopicOrPartition}}}};
  ExpectSpecBytes(out, 2,
                  "00000000 | 02 | 02 74 | 02 | 00000000 | 000000000000000a | 0003 | 00 | 00 | 00");
}

}  // namespace
}  // namespace brook
