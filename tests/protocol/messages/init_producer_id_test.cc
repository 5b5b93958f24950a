// tests/protocol/messages/init_producer_id_test.cc
#include "protocol/messages/init_producer_id.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

TEST(InitProducerIdRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = InitProducerIdRequest::kVersions.min; v <= InitProducerIdRequest::kVersions.max;
       ++v) {
    InitProducerIdRequest in{.transactional_id = "txn-1", .transaction_timeout_ms = 60000};
    if (v >= 3) {
      in.producer_id = 4000;
      in.producer_epoch = 7;
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);

    InitProducerIdRequest idempotent{.transaction_timeout_ms = 5};
    EXPECT_EQ(RoundTrip(idempotent, v), idempotent) << "version " << v;
  }
}

TEST(InitProducerIdResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = InitProducerIdResponse::kVersions.min;
       v <= InitProducerIdResponse::kVersions.max; ++v) {
    InitProducerIdResponse in{.throttle_time_ms = 12,
                              .error_code = ErrorCode::kConcurrentTransactions,
                              .producer_id = 123456789012,
                              .producer_epoch = 3};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: NULLABLE_STRING transactional_id, INT32 transaction_timeout_ms.
TEST(InitProducerIdRequestTest, V0MatchesSpecBytes) {
  InitProducerIdRequest in{.transactional_id = "txn", .transaction_timeout_ms = 60000};
  const std::string bytes = FromHex("0003 74786e | 0000ea60");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);

  InitProducerIdRequest idempotent{.transaction_timeout_ms = 60000};
  const std::string null_id = FromHex("ffff | 0000ea60");
  EXPECT_EQ(wire::Encode(idempotent, 0), null_id);
  ExpectDecodesTo(null_id, 0, idempotent);
}

// v2 is the first flexible version: a null compact string is a single 0.
TEST(InitProducerIdRequestTest, V2MatchesSpecBytes) {
  InitProducerIdRequest in{.transaction_timeout_ms = 60000};
  const std::string bytes = FromHex("00 | 0000ea60 | 00");
  EXPECT_EQ(wire::Encode(in, 2), bytes);
  ExpectDecodesTo(bytes, 2, in);
}

// v5 (same layout since v3): INT64 producer_id and INT16 producer_epoch follow the timeout.
TEST(InitProducerIdRequestTest, V5MatchesSpecBytes) {
  InitProducerIdRequest in{.transactional_id = "txn",
                           .transaction_timeout_ms = 60000,
                           .producer_id = 7,
                           .producer_epoch = 2};
  const std::string bytes = FromHex("04 74786e | 0000ea60 | 0000000000000007 | 0002 | 00");
  EXPECT_EQ(wire::Encode(in, 5), bytes);
  ExpectDecodesTo(bytes, 5, in);
}

// v0: INT32 throttle_time_ms, INT16 error_code, INT64 producer_id, INT16 producer_epoch.
TEST(InitProducerIdResponseTest, V0MatchesSpecBytes) {
  InitProducerIdResponse in{.throttle_time_ms = 10, .producer_id = 4096, .producer_epoch = 3};
  const std::string bytes = FromHex("0000000a | 0000 | 0000000000001000 | 0003");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

TEST(InitProducerIdResponseTest, V2MatchesSpecBytes) {
  InitProducerIdResponse in{.error_code = ErrorCode::kConcurrentTransactions};
  const std::string bytes = FromHex("00000000 | 0033 | ffffffffffffffff | 0000 | 00");
  EXPECT_EQ(wire::Encode(in, 2), bytes);
  ExpectDecodesTo(bytes, 2, in);
}

TEST(InitProducerIdResponseTest, V5MatchesSpecBytes) {
  InitProducerIdResponse in{.throttle_time_ms = 1,
                            .error_code = ErrorCode::kProducerFenced,
                            .producer_id = 42,
                            .producer_epoch = 1};
  const std::string bytes = FromHex("00000001 | 005a | 000000000000002a | 0001 | 00");
  EXPECT_EQ(wire::Encode(in, 5), bytes);
  ExpectDecodesTo(bytes, 5, in);
}

}  // namespace
}  // namespace brook
