// tests/protocol/messages/end_txn_test.cc
#include "protocol/messages/end_txn.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

TEST(EndTxnRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = EndTxnRequest::kVersions.min; v <= EndTxnRequest::kVersions.max; ++v) {
    EndTxnRequest in{
        .transactional_id = "txn-1", .producer_id = 4000, .producer_epoch = 7, .committed = true};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(EndTxnResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = EndTxnResponse::kVersions.min; v <= EndTxnResponse::kVersions.max; ++v) {
    EndTxnResponse in{.throttle_time_ms = 12, .error_code = ErrorCode::kInvalidTxnState};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING transactional_id, INT64 producer_id, INT16 producer_epoch, BOOLEAN committed.
TEST(EndTxnRequestTest, V0MatchesSpecBytes) {
  EndTxnRequest in{
      .transactional_id = "t1", .producer_id = 5, .producer_epoch = 1, .committed = true};
  const std::string bytes = FromHex("0002 7431 | 0000000000000005 | 0001 | 01");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v3 is the first flexible version; an abort is committed = 0.
TEST(EndTxnRequestTest, V3MatchesSpecBytes) {
  EndTxnRequest in{.transactional_id = "t1", .producer_id = 5, .producer_epoch = 1};
  const std::string bytes = FromHex("03 7431 | 0000000000000005 | 0001 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

TEST(EndTxnRequestTest, V4MatchesSpecBytes) {
  EndTxnRequest in{
      .transactional_id = "t1", .producer_id = 5, .producer_epoch = 1, .committed = true};
  const std::string bytes = FromHex("03 7431 | 0000000000000005 | 0001 | 01 | 00");
  EXPECT_EQ(wire::Encode(in, 4), bytes);
  ExpectDecodesTo(bytes, 4, in);
}

// v0: INT32 throttle_time_ms, INT16 error_code.
TEST(EndTxnResponseTest, V0MatchesSpecBytes) {
  EndTxnResponse in{.error_code = ErrorCode::kInvalidTxnState};
  const std::string bytes = FromHex("00000000 | 0030");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

TEST(EndTxnResponseTest, V3MatchesSpecBytes) {
  EndTxnResponse in{.throttle_time_ms = 5};
  const std::string bytes = FromHex("00000005 | 0000 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

TEST(EndTxnResponseTest, V4MatchesSpecBytes) {
  EndTxnResponse in{.error_code = ErrorCode::kProducerFenced};
  const std::string bytes = FromHex("00000000 | 005a | 00");
  EXPECT_EQ(wire::Encode(in, 4), bytes);
  ExpectDecodesTo(bytes, 4, in);
}

}  // namespace
}  // namespace brook
