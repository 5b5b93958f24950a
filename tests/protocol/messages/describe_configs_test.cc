// tests/protocol/messages/describe_configs_test.cc
#include "protocol/messages/describe_configs.h"

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

TEST(DescribeConfigsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeConfigsRequest::kVersions.min;
       v <= DescribeConfigsRequest::kVersions.max; ++v) {
    DescribeConfigsRequest in{
        .resources = {{.resource_type = 2,
                       .resource_name = "orders",
                       .configuration_keys = {{"cleanup.policy", "retention.ms"}}},
                      {.resource_type = 4,
                       .resource_name = "1",
                       .configuration_keys = std::nullopt}},
        .include_synonyms = true,
    };
    if (v >= 3) in.include_documentation = true;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DescribeConfigsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeConfigsResponse::kVersions.min;
       v <= DescribeConfigsResponse::kVersions.max; ++v) {
    DescribeConfigsResponse::DescribeConfigsResourceResult retention{
        .name = "retention.ms",
        .value = "86400000",
        .read_only = false,
        .config_source = 1,
        .is_sensitive = false,
        .synonyms = {{.name = "retention.ms", .value = "86400000", .source = 1},
                     {.name = "log.retention.hours", .value = "168", .source = 5}},
    };
    DescribeConfigsResponse::DescribeConfigsResourceResult password{
        .name = "ssl.key.password",
        .value = std::nullopt,
        .read_only = true,
        .config_source = 4,
        .is_sensitive = true,
        .synonyms = {{.name = "ssl.key.password", .value = std::nullopt, .source = 4}},
    };
    if (v >= 3) {
      retention.config_type = 5;
      retention.documentation = "How long to keep log segments.";
      password.config_type = 9;
      password.documentation = std::nullopt;
    }
    DescribeConfigsResponse in{
        .throttle_time_ms = 4,
        .results = {{.error_code = ErrorCode::kNone,
                     .error_message = std::nullopt,
                     .resource_type = 2,
                     .resource_name = "orders",
                     .configs = {retention, password}},
                    {.error_code = ErrorCode::kUnknownTopicOrPartition,
                     .error_message = "no such topic",
                     .resource_type = 2,
                     .resource_name = "missing"}},
    };
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v1: ARRAY resources of {INT8 resource_type, STRING resource_name,
// nullable ARRAY of STRING configuration_keys}, BOOLEAN include_synonyms.
TEST(DescribeConfigsRequestTest, V1MatchesSpecBytes) {
  DescribeConfigsRequest in{
      .resources = {{.resource_type = 2, .resource_name = "t", .configuration_keys = std::nullopt}},
      .include_synonyms = true};
  ExpectSpecBytes(in, 1, "00000001 | 02 | 0001 74 | ffffffff | 01");
}

// v4 (first flexible) also carries v3's include_documentation.
TEST(DescribeConfigsRequestTest, V4MatchesSpecBytes) {
  DescribeConfigsRequest in{
      .resources = {{.resource_type = 4, .resource_name = "1", .configuration_keys = {{"a"}}}},
      .include_documentation = true};
  ExpectSpecBytes(in, 4, "02 | 04 02 31 02 02 61 00 | 00 | 01 | 00");
}

// v1: INT32 throttle_time_ms, ARRAY results of {INT16 error_code, NULLABLE_STRING
// error_message, INT8 resource_type, STRING resource_name, ARRAY configs of {STRING name,
// NULLABLE_STRING value, BOOLEAN read_only, INT8 config_source, BOOLEAN is_sensitive,
// ARRAY synonyms of {STRING name, NULLABLE_STRING value, INT8 source}}}.
TEST(DescribeConfigsResponseTest, V1MatchesSpecBytes) {
  DescribeConfigsResponse in{
      .results = {{.error_message = std::nullopt,
                   .resource_type = 2,
                   .resource_name = "t",
                   .configs = {{.name = "k",
                                .value = "v",
                                .config_source = 1,
                                .synonyms = {{.name = "k", .value = "v", .source = 1}}}}}}};
  ExpectSpecBytes(in, 1,
                  "00000000 | 00000001 | 0000 | ffff | 02 | 0001 74 | 00000001"
                  "| 0001 6b | 0001 76 | 00 | 01 | 00 | 00000001 0001 6b 0001 76 01");
}

// v4: compact, with v3's INT8 config_type and nullable documentation per config.
TEST(DescribeConfigsResponseTest, V4MatchesSpecBytes) {
  DescribeConfigsResponse in{.results = {{.error_message = std::nullopt,
                                          .resource_type = 2,
                                          .resource_name = "t",
                                          .configs = {{.name = "k",
                                                       .value = std::nullopt,
                                                       .read_only = true,
                                                       .config_source = 5,
                                                       .is_sensitive = false,
                                                       .config_type = 2,
                                                       .documentation = "d"}}}}};
  ExpectSpecBytes(in, 4,
                  "00000000 | 02 | 0000 00 02 02 74 | 02"
                  "| 02 6b 00 01 05 00 01 02 02 64 00"  // the config
                  "| 00 | 00");
}

}  // namespace
}  // namespace brook
