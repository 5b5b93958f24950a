// tests/protocol/messages/incremental_alter_configs_test.cc
#include "protocol/messages/incremental_alter_configs.h"

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

TEST(IncrementalAlterConfigsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = IncrementalAlterConfigsRequest::kVersions.min;
       v <= IncrementalAlterConfigsRequest::kVersions.max; ++v) {
    IncrementalAlterConfigsRequest in{
        .resources =
            {{.resource_type = 2,
              .resource_name = "orders",
              .configs = {{.name = "cleanup.policy", .config_operation = 2, .value = "compact"},
                          {.name = "retention.ms", .config_operation = 1, .value = std::nullopt}}},
             {.resource_type = 4,
              .resource_name = "1",
              .configs = {{.name = "log.cleaner.threads", .value = "2"}}}},
        .validate_only = true,
    };
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(IncrementalAlterConfigsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = IncrementalAlterConfigsResponse::kVersions.min;
       v <= IncrementalAlterConfigsResponse::kVersions.max; ++v) {
    IncrementalAlterConfigsResponse in{
        .throttle_time_ms = 6,
        .responses = {
            {.error_message = std::nullopt, .resource_type = 2, .resource_name = "orders"},
            {.error_code = ErrorCode::kPolicyViolation,
             .error_message = "not allowed",
             .resource_type = 4,
             .resource_name = "1"}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: ARRAY resources of {INT8 resource_type, STRING resource_name, ARRAY configs of
// {STRING name, INT8 config_operation, NULLABLE_STRING value}}, BOOLEAN validate_only.
TEST(IncrementalAlterConfigsRequestTest, V0MatchesSpecBytes) {
  IncrementalAlterConfigsRequest in{
      .resources = {{.resource_type = 2,
                     .resource_name = "t",
                     .configs = {{.name = "k", .config_operation = 0, .value = "v"},
                                 {.name = "j", .config_operation = 1, .value = std::nullopt}}}},
      .validate_only = true};
  ExpectSpecBytes(in, 0,
                  "00000001 | 02 0001 74 | 00000002 | 0001 6b 00 0001 76 | 0001 6a 01 ffff | 01");
}

TEST(IncrementalAlterConfigsRequestTest, V1MatchesSpecBytes) {
  IncrementalAlterConfigsRequest in{
      .resources = {{.resource_type = 2,
                     .resource_name = "t",
                     .configs = {{.name = "k", .config_operation = 0, .value = "v"},
                                 {.name = "j", .config_operation = 1, .value = std::nullopt}}}},
      .validate_only = true};
  ExpectSpecBytes(in, 1, "02 | 02 02 74 03 02 6b 00 02 76 00 02 6a 01 00 00 00 | 01 | 00");
}

// v0: INT32 throttle_time_ms, ARRAY of {INT16 error_code, NULLABLE_STRING error_message,
// INT8 resource_type, STRING resource_name}.
TEST(IncrementalAlterConfigsResponseTest, V0MatchesSpecBytes) {
  IncrementalAlterConfigsResponse in{.responses = {{.error_code = ErrorCode::kInvalidConfig,
                                                    .error_message = "bad",
                                                    .resource_type = 2,
                                                    .resource_name = "t"}}};
  ExpectSpecBytes(in, 0, "00000000 | 00000001 | 0028 | 0003 626164 | 02 | 0001 74");
}

TEST(IncrementalAlterConfigsResponseTest, V1MatchesSpecBytes) {
  IncrementalAlterConfigsResponse in{
      .responses = {{.error_message = std::nullopt, .resource_type = 4, .resource_name = "1"}}};
  ExpectSpecBytes(in, 1, "00000000 | 02 | 0000 00 04 02 31 00 | 00");
}

}  // namespace
}  // namespace brook
