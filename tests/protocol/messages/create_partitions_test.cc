// tests/protocol/messages/create_partitions_test.cc
#include "protocol/messages/create_partitions.h"

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

TEST(CreatePartitionsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = CreatePartitionsRequest::kVersions.min;
       v <= CreatePartitionsRequest::kVersions.max; ++v) {
    CreatePartitionsRequest in{
        .topics = {{.name = "orders",
                    .count = 5,
                    .assignments = {{{.broker_ids = {1, 2}}, {.broker_ids = {2, 3}}}}},
                   {.name = "payments", .count = 8, .assignments = std::nullopt}},
        .timeout_ms = 25000,
        .validate_only = true,
    };
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(CreatePartitionsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = CreatePartitionsResponse::kVersions.min;
       v <= CreatePartitionsResponse::kVersions.max; ++v) {
    CreatePartitionsResponse in{.throttle_time_ms = 9,
                                .results = {{.name = "orders"},
                                            {.name = "payments",
                                             .error_code = ErrorCode::kInvalidPartitions,
                                             .error_message = "count must grow"}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: ARRAY topics of {STRING name, INT32 count, nullable ARRAY assignments},
// INT32 timeout_ms, BOOLEAN validate_only.
TEST(CreatePartitionsRequestTest, V0MatchesSpecBytes) {
  CreatePartitionsRequest in{.topics = {{.name = "t", .count = 4, .assignments = std::nullopt}},
                             .timeout_ms = 100};
  ExpectSpecBytes(in, 0, "00000001 | 0001 74 | 00000004 | ffffffff | 00000064 | 00");
}

// v2: compact; each assignment is {COMPACT_ARRAY of INT32 broker_ids, tags}.
TEST(CreatePartitionsRequestTest, V2MatchesSpecBytes) {
  CreatePartitionsRequest in{
      .topics = {{.name = "t",
                  .count = 3,
                  .assignments = {{{.broker_ids = {1}}, {.broker_ids = {2}}}}}},
      .timeout_ms = 100,
      .validate_only = true,
  };
  ExpectSpecBytes(in, 2,
                  "02 | 02 74 | 00000003 | 03 02 00000001 00 02 00000002 00 | 00"
                  "| 00000064 | 01 | 00");
}

TEST(CreatePartitionsRequestTest, V3MatchesSpecBytes) {
  CreatePartitionsRequest in{.topics = {{.name = "t", .count = 4, .assignments = std::nullopt}},
                             .timeout_ms = 100};
  ExpectSpecBytes(in, 3, "02 | 02 74 | 00000004 | 00 | 00 | 00000064 | 00 | 00");
}

// v0: INT32 throttle_time_ms, ARRAY of {STRING name, INT16 error_code,
// NULLABLE_STRING error_message}.
TEST(CreatePartitionsResponseTest, V0MatchesSpecBytes) {
  CreatePartitionsResponse in{
      .results = {
          {.name = "t", .error_code = ErrorCode::kInvalidPartitions, .error_message = "low"}}};
  ExpectSpecBytes(in, 0, "00000000 | 00000001 | 0001 74 | 0025 | 0003 6c6f77");
}

TEST(CreatePartitionsResponseTest, V2MatchesSpecBytes) {
  CreatePartitionsResponse in{.throttle_time_ms = 2, .results = {{.name = "t"}}};
  ExpectSpecBytes(in, 2, "00000002 | 02 | 02 74 | 0000 | 00 | 00 | 00");
}

TEST(CreatePartitionsResponseTest, V3MatchesSpecBytes) {
  CreatePartitionsResponse in{
      .results = {{.name = "t", .error_code = ErrorCode::kThrottlingQuotaExceeded}}};
  ExpectSpecBytes(in, 3, "00000000 | 02 | 02 74 | 0059 | 00 | 00 | 00");
}

}  // namespace
}  // namespace brook
