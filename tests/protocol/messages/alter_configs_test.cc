// tests/protocol/messages/alter_configs_test.cc
#include "protocol/messages/alter_configs.h"

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

TEST(AlterConfigsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = AlterConfigsRequest::kVersions.min; v <= AlterConfigsRequest::kVersions.max;
       ++v) {
    AlterConfigsRequest in{
        .resources = {{.resource_type = 2,
                       .resource_name = "orders",
                       .configs = {{.name = "cleanup.policy", .value = "compact"},
                                   {.name = "retention.ms", .value = std::nullopt}}},
                      {.resource_type = 4,
                       .resource_name = "1",
                       .configs = {{.name = "log.cleaner.threads", .value = "2"}}}},
        .validate_only = true,
    };
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(AlterConfigsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = AlterConfigsResponse::kVersions.min; v <= AlterConfigsResponse::kVersions.max;
       ++v) {
    AlterConfigsResponse in{
        .throttle_time_ms = 6,
        .responses = {
            {.error_message = std::nullopt, .resource_type = 2, .resource_name = "orders"},
            {.error_code = ErrorCode::kInvalidConfig,
             .error_message = "bad value",
             .resource_type = 4,
             .resource_name = "1"}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: ARRAY resources of {INT8 resource_type, STRING resource_name, ARRAY configs of
// {STRING name, NULLABLE_STRING value}}, BOOLEAN validate_only.
TEST(AlterConfigsRequestTest, V0MatchesSpecBytes) {
  AlterConfigsRequest in{.resources = {{.resource_type = 2,
                                        .resource_name = "t",
                                        .configs = {{.name = "k", .value = "v"},
                                                    {.name = "j", .value = std::nullopt}}}}};
  ExpectSpecBytes(in, 0,
                  "00000001 | 02 | 0001 74 | 00000002 | 0001 6b 0001 76 | 0001 6a ffff | 00");
}

TEST(AlterConfigsRequestTest, V2MatchesSpecBytes) {
  AlterConfigsRequest in{.resources = {{.resource_type = 2,
                                        .resource_name = "t",
                                        .configs = {{.name = "k", .value = "v"},
                                                    {.name = "j", .value = std::nullopt}}}}};
  ExpectSpecBytes(in, 2, "02 | 02 02 74 03 02 6b 02 76 00 02 6a 00 00 00 | 00 | 00");
}

// v0: INT32 throttle_time_ms, ARRAY of {INT16 error_code, NULLABLE_STRING error_message,
// INT8 resource_type, STRING resource_name}.
TEST(AlterConfigsResponseTest, V0MatchesSpecBytes) {
  AlterConfigsResponse in{.responses = {{.error_code = ErrorCode::kInvalidConfig,
                                         .error_message = "bad",
                                         .resource_type = 2,
                                         .resource_name = "t"}}};
  ExpectSpecBytes(in, 0, "00000000 | 00000001 | 0028 | 0003 626164 | 02 | 0001 74");
}

TEST(AlterConfigsResponseTest, V2MatchesSpecBytes) {
  AlterConfigsResponse in{
      .responses = {{.error_message = std::nullopt, .resource_type = 4, .resource_name = "1"}}};
  ExpectSpecBytes(in, 2, "00000000 | 02 | 0000 00 04 02 31 00 | 00");
}

}  // namespace
}  // namespace brook
