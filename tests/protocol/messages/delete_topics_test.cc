// tests/protocol/messages/delete_topics_test.cc
#include "protocol/messages/delete_topics.h"

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

TEST(DeleteTopicsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteTopicsRequest::kVersions.min; v <= DeleteTopicsRequest::kVersions.max;
       ++v) {
    DeleteTopicsRequest in{.timeout_ms = 15000};
    if (v >= 6) {
      in.topics = {{.name = "orders", .topic_id = SequentialUuid(1)},
                   {.name = std::nullopt, .topic_id = SequentialUuid(0x20)}};
    } else {
      in.topic_names = {"orders", "payments"};
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DeleteTopicsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DeleteTopicsResponse::kVersions.min; v <= DeleteTopicsResponse::kVersions.max;
       ++v) {
    DeleteTopicsResponse in{
        .throttle_time_ms = 3,
        .responses = {{.name = "orders", .error_code = ErrorCode::kNone},
                      {.name = "payments", .error_code = ErrorCode::kTopicDeletionDisabled}}};
    if (v >= 5) in.responses[1].error_message = "deletion is disabled";
    if (v >= 6) {
      in.responses[0].topic_id = SequentialUuid(1);
      in.responses[1].name = std::nullopt;
      in.responses[1].topic_id = SequentialUuid(0x20);
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v1: ARRAY of STRING topic_names, INT32 timeout_ms.
TEST(DeleteTopicsRequestTest, V1MatchesSpecBytes) {
  DeleteTopicsRequest in{.topic_names = {"a", "b"}, .timeout_ms = 5000};
  ExpectSpecBytes(in, 1, "00000002 | 0001 61 | 0001 62 | 00001388");
}

TEST(DeleteTopicsRequestTest, V4MatchesSpecBytes) {
  DeleteTopicsRequest in{.topic_names = {"a", "b"}, .timeout_ms = 5000};
  ExpectSpecBytes(in, 4, "03 | 02 61 | 02 62 | 00001388 | 00");
}

// v6: COMPACT_ARRAY topics of {COMPACT_NULLABLE_STRING name, UUID topic_id, tags}.
TEST(DeleteTopicsRequestTest, V6MatchesSpecBytes) {
  DeleteTopicsRequest in{.topics = {{.name = "a", .topic_id = SequentialUuid(0)},
                                    {.name = std::nullopt, .topic_id = SequentialUuid(0x10)}},
                         .timeout_ms = 5000};
  ExpectSpecBytes(in, 6,
                  "03 | 02 61 000102030405060708090a0b0c0d0e0f 00"
                  "| 00 101112131415161718191a1b1c1d1e1f 00 | 00001388 | 00");
}

// v1: INT32 throttle_time_ms, ARRAY of {STRING name, INT16 error_code}.
TEST(DeleteTopicsResponseTest, V1MatchesSpecBytes) {
  DeleteTopicsResponse in{.responses = {{.name = "a"}}};
  ExpectSpecBytes(in, 1, "00000000 | 00000001 | 0001 61 | 0000");
}

TEST(DeleteTopicsResponseTest, V4MatchesSpecBytes) {
  DeleteTopicsResponse in{
      .throttle_time_ms = 1,
      .responses = {{.name = "a", .error_code = ErrorCode::kTopicDeletionDisabled}}};
  ExpectSpecBytes(in, 4, "00000001 | 02 | 02 61 | 0049 | 00 | 00");
}

// v6: nullable name, UUID topic_id, error_code, nullable error_message.
TEST(DeleteTopicsResponseTest, V6MatchesSpecBytes) {
  DeleteTopicsResponse in{.responses = {{.name = std::nullopt,
                                         .topic_id = SequentialUuid(0),
                                         .error_code = ErrorCode::kUnknownTopicId,
                                         .error_message = "no"}}};
  ExpectSpecBytes(in, 6,
                  "00000000 | 02 | 00 | 000102030405060708090a0b0c0d0e0f | 0064 | 03 6e6f"
                  "| 00 | 00");
}

// Before v6 the name is not nullable: a null length (compact 00) is malformed.
TEST(DeleteTopicsResponseTest, NullNameBeforeV6IsRejected) {
  std::string bytes = FromHex("00000000 | 02 | 00 | 0000 | 00 | 00");
  EXPECT_FALSE(wire::Decode<DeleteTopicsResponse>(bytes, 5).ok());
}

}  // namespace
}  // namespace brook
