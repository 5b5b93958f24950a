// tests/protocol/messages/create_topics_test.cc
#include "protocol/messages/create_topics.h"

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

// 16 consecutive bytes starting at `first`.
Uuid SequentialUuid(uint8_t first) {
  Uuid id;
  for (size_t i = 0; i < id.bytes.size(); ++i) id.bytes[i] = static_cast<uint8_t>(first + i);
  return id;
}

TEST(CreateTopicsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = CreateTopicsRequest::kVersions.min; v <= CreateTopicsRequest::kVersions.max;
       ++v) {
    CreateTopicsRequest in{
        .topics = {{.name = "orders",
                    .num_partitions = -1,
                    .replication_factor = -1,
                    .assignments = {{.partition_index = 0, .broker_ids = {1, 2, 3}},
                                    {.partition_index = 1, .broker_ids = {2, 3, 1}}},
                    .configs = {{.name = "cleanup.policy", .value = "compact"},
                                {.name = "retention.ms", .value = std::nullopt}}},
                   {.name = "payments", .num_partitions = 6, .replication_factor = 3}},
        .timeout_ms = 30000,
        .validate_only = true,
    };
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(CreateTopicsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = CreateTopicsResponse::kVersions.min; v <= CreateTopicsResponse::kVersions.max;
       ++v) {
    CreateTopicsResponse in{.throttle_time_ms = 17};
    CreateTopicsResponse::CreatableTopicResult created{
        .name = "orders", .error_code = ErrorCode::kNone, .error_message = std::nullopt};
    CreateTopicsResponse::CreatableTopicResult failed{
        .name = "bad topic",
        .error_code = ErrorCode::kInvalidTopicException,
        .error_message = "illegal character"};
    if (v >= 5) {
      created.num_partitions = 3;
      created.replication_factor = 2;
      created.configs = {{{.name = "cleanup.policy",
                           .value = "delete",
                           .read_only = false,
                           .config_source = 5,
                           .is_sensitive = false},
                          {.name = "sasl.jaas.config",
                           .value = std::nullopt,
                           .read_only = true,
                           .config_source = 4,
                           .is_sensitive = true}}};
      failed.topic_config_error_code = ErrorCode::kTopicAuthorizationFailed;
      failed.configs = std::nullopt;
    }
    if (v >= 7) created.topic_id = SequentialUuid(0x40);
    in.topics = {created, failed};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v2: ARRAY topics of {STRING name, INT32 num_partitions, INT16 replication_factor,
// ARRAY assignments, ARRAY configs of {STRING name, NULLABLE_STRING value}},
// INT32 timeout_ms, BOOLEAN validate_only.
TEST(CreateTopicsRequestTest, V2MatchesSpecBytes) {
  CreateTopicsRequest in{
      .topics = {{.name = "t",
                  .num_partitions = 3,
                  .replication_factor = 1,
                  .configs = {{.name = "k", .value = "v"}}}},
      .timeout_ms = 1000,
      .validate_only = true,
  };
  ExpectSpecBytes(in, 2,
                  "00000001 | 0001 74 | 00000003 | 0001 | 00000000"
                  "| 00000001 0001 6b 0001 76 | 000003e8 | 01");
}

// v5: compact forms; every struct element ends with its own tag section.
TEST(CreateTopicsRequestTest, V5MatchesSpecBytes) {
  CreateTopicsRequest in{
      .topics = {{.name = "t",
                  .num_partitions = -1,
                  .replication_factor = -1,
                  .assignments = {{.partition_index = 0, .broker_ids = {1, 2}}},
                  .configs = {{.name = "k", .value = "v"}}}},
      .timeout_ms = 1000,
  };
  ExpectSpecBytes(in, 5,
                  "02 | 02 74 | ffffffff | ffff"
                  "| 02 00000000 03 00000001 00000002 00"  // assignments
                  "| 02 02 6b 02 76 00"                    // configs
                  "| 00 | 000003e8 | 00 | 00");
}

TEST(CreateTopicsRequestTest, V7MatchesSpecBytes) {
  CreateTopicsRequest in{
      .topics = {{.name = "t",
                  .num_partitions = 1,
                  .replication_factor = 1,
                  .configs = {{.name = "k", .value = std::nullopt}}}},
      .timeout_ms = 1000,
  };
  ExpectSpecBytes(in, 7,
                  "02 | 02 74 | 00000001 | 0001 | 01 | 02 02 6b 00 00 | 00"
                  "| 000003e8 | 00 | 00");
}

// v2: INT32 throttle_time_ms, ARRAY of {STRING name, INT16 error_code,
// NULLABLE_STRING error_message}.
TEST(CreateTopicsResponseTest, V2MatchesSpecBytes) {
  CreateTopicsResponse in{
      .topics = {
          {.name = "t", .error_code = ErrorCode::kTopicAlreadyExists, .error_message = "exists"}}};
  ExpectSpecBytes(in, 2, "00000000 | 00000001 | 0001 74 | 0024 | 0006 657869737473");
}

// v5 adds num_partitions, replication_factor and nullable configs of
// {name, value, read_only, INT8 config_source, is_sensitive}.
TEST(CreateTopicsResponseTest, V5MatchesSpecBytes) {
  CreateTopicsResponse in{
      .throttle_time_ms = 10,
      .topics = {{.name = "t",
                  .error_message = std::nullopt,
                  .num_partitions = 3,
                  .replication_factor = 1,
                  .configs = {{{.name = "k", .value = "v", .config_source = 5}}}}},
  };
  ExpectSpecBytes(in, 5,
                  "0000000a | 02 | 02 74 | 0000 | 00 | 00000003 | 0001"
                  "| 02 02 6b 02 76 00 05 00 00"  // configs
                  "| 00 | 00");
}

// v7 adds UUID topic_id after the name; topic_config_error_code travels as tag 0.
TEST(CreateTopicsResponseTest, V7MatchesSpecBytes) {
  CreateTopicsResponse in{
      .topics = {{.name = "t",
                  .topic_id = SequentialUuid(0),
                  .error_code = ErrorCode::kTopicAuthorizationFailed,
                  .error_message = std::nullopt,
                  .topic_config_error_code = ErrorCode::kTopicAuthorizationFailed,
                  .configs = std::nullopt}},
  };
  ExpectSpecBytes(in, 7,
                  "00000000 | 02 | 02 74 | 000102030405060708090a0b0c0d0e0f | 001d | 00"
                  "| ffffffff | ffff | 00"
                  "| 01 00 02 001d"  // tag 0: topic_config_error_code
                  "| 00");
}

TEST(CreateTopicsResponseTest, TopicConfigErrorCodeIsOmittedAtDefault) {
  CreateTopicsResponse in{.topics = {{.name = "t", .error_message = std::nullopt}}};
  // configs defaults to an empty array (01), then an empty tag section.
  EXPECT_EQ(ToHex(wire::Encode(in, 6)),
            ToHex(FromHex("00000000 | 02 | 02 74 | 0000 | 00 | ffffffff | ffff | 01 | 00 | 00")));
  in.topics[0].topic_config_error_code = ErrorCode::kClusterAuthorizationFailed;
  EXPECT_EQ(RoundTrip(in, 6), in);
}

TEST(CreateTopicsResponseTest, UnknownTagIsSkipped) {
  // The topic result carries tag 0 and an unknown tag 9.
  std::string bytes = FromHex(
      "00000000 | 02 | 02 74 | 0000 | 00 | ffffffff | ffff | 01"
      "| 02 00 02 001f 09 03 010203 | 00");
  Result<CreateTopicsResponse> out = wire::Decode<CreateTopicsResponse>(bytes, 5);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  CreateTopicsResponse want{
      .topics = {{.name = "t",
                  .error_message = std::nullopt,
                  .topic_config_error_code = ErrorCode::kClusterAuthorizationFailed}}};
  EXPECT_EQ(*out, want);
}

}  // namespace
}  // namespace brook
