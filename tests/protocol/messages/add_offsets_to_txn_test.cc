// tests/protocol/messages/add_offsets_to_txn_test.cc
#include "protocol/messages/add_offsets_to_txn.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

TEST(AddOffsetsToTxnRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = AddOffsetsToTxnRequest::kVersions.min;
       v <= AddOffsetsToTxnRequest::kVersions.max; ++v) {
    AddOffsetsToTxnRequest in{.transactional_id = "txn-1",
                              .producer_id = 4000,
                              .producer_epoch = 7,
                              .group_id = "consumers"};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(AddOffsetsToTxnResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = AddOffsetsToTxnResponse::kVersions.min;
       v <= AddOffsetsToTxnResponse::kVersions.max; ++v) {
    AddOffsetsToTxnResponse in{.throttle_time_ms = 12,
                               .error_code = ErrorCode::kInvalidProducerEpoch};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING transactional_id, INT64 producer_id, INT16 producer_epoch, STRING group_id.
TEST(AddOffsetsToTxnRequestTest, V0MatchesSpecBytes) {
  AddOffsetsToTxnRequest in{
      .transactional_id = "t1", .producer_id = 5, .producer_epoch = 1, .group_id = "g"};
  const std::string bytes = FromHex("0002 7431 | 0000000000000005 | 0001 | 0001 67");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v3 is the first flexible version; v4 keeps its layout.
TEST(AddOffsetsToTxnRequestTest, V3AndV4MatchSpecBytes) {
  AddOffsetsToTxnRequest in{
      .transactional_id = "t1", .producer_id = 5, .producer_epoch = 1, .group_id = "g"};
  const std::string bytes = FromHex("03 7431 | 0000000000000005 | 0001 | 02 67 | 00");
  for (int16_t v : {3, 4}) {
    EXPECT_EQ(wire::Encode(in, v), bytes) << "v" << v;
    ExpectDecodesTo(bytes, v, in);
  }
}

// v0: INT32 throttle_time_ms, INT16 error_code.
TEST(AddOffsetsToTxnResponseTest, V0MatchesSpecBytes) {
  AddOffsetsToTxnResponse in{.throttle_time_ms = 100};
  const std::string bytes = FromHex("00000064 | 0000");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

TEST(AddOffsetsToTxnResponseTest, V3MatchesSpecBytes) {
  AddOffsetsToTxnResponse in{.error_code = ErrorCode::kConcurrentTransactions};
  const std::string bytes = FromHex("00000000 | 0033 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

TEST(AddOffsetsToTxnResponseTest, V4MatchesSpecBytes) {
  AddOffsetsToTxnResponse in{.error_code = ErrorCode::kTransactionAbortable};
  const std::string bytes = FromHex("00000000 | 0078 | 00");
  EXPECT_EQ(wire::Encode(in, 4), bytes);
  ExpectDecodesTo(bytes, 4, in);
}

}  // namespace
}  // namespace brook
