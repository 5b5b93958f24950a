// tests/protocol/messages/list_transactions_test.cc
#include "protocol/messages/list_transactions.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using TransactionState = ListTransactionsResponse::TransactionState;

TEST(ListTransactionsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = ListTransactionsRequest::kVersions.min;
       v <= ListTransactionsRequest::kVersions.max; ++v) {
    ListTransactionsRequest in{.state_filters = {"Ongoing", "PrepareCommit"},
                               .producer_id_filters = {4000, 4001}};
    if (v >= 1) in.duration_filter = 60000;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(ListTransactionsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = ListTransactionsResponse::kVersions.min;
       v <= ListTransactionsResponse::kVersions.max; ++v) {
    ListTransactionsResponse in{
        .throttle_time_ms = 12,
        .error_code = ErrorCode::kCoordinatorNotAvailable,
        .unknown_state_filters = {"Bogus", "Other"},
        .transaction_states = {
            TransactionState{
                .transactional_id = "txn-1", .producer_id = 4000, .transaction_state = "Ongoing"},
            TransactionState{.transactional_id = "txn-2",
                             .producer_id = 4001,
                             .transaction_state = "CompleteCommit"}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0 (flexible from the start): COMPACT_ARRAY(COMPACT_STRING) state_filters,
// COMPACT_ARRAY(INT64) producer_id_filters.
TEST(ListTransactionsRequestTest, V0MatchesSpecBytes) {
  ListTransactionsRequest in{.state_filters = {"Ongoing"}, .producer_id_filters = {5}};
  const std::string bytes = FromHex("02 08 4f6e676f696e67 | 02 0000000000000005 | 00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v1 appends INT64 duration_filter.
TEST(ListTransactionsRequestTest, V1MatchesSpecBytes) {
  ListTransactionsRequest in{.duration_filter = 60000};
  const std::string bytes = FromHex("01 | 01 | 000000000000ea60 | 00");
  EXPECT_EQ(wire::Encode(in, 1), bytes);
  ExpectDecodesTo(bytes, 1, in);
}

// INT32 throttle_time_ms, INT16 error_code, COMPACT_ARRAY(COMPACT_STRING)
// unknown_state_filters, COMPACT_ARRAY transaction_states of {COMPACT_STRING
// transactional_id, INT64 producer_id, COMPACT_STRING transaction_state}.
TEST(ListTransactionsResponseTest, V0MatchesSpecBytes) {
  ListTransactionsResponse in{
      .unknown_state_filters = {"Bogus"},
      .transaction_states = {TransactionState{
          .transactional_id = "t1", .producer_id = 5, .transaction_state = "Ongoing"}}};
  const std::string bytes = FromHex(
      "00000000 | 0000 | 02 06 426f677573 | 02 | 03 7431 | 0000000000000005 | 08 4f6e676f696e67 | "
      "00 | 00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v1 keeps the v0 layout.
TEST(ListTransactionsResponseTest, V1MatchesSpecBytes) {
  ListTransactionsResponse in{.throttle_time_ms = 1,
                              .error_code = ErrorCode::kCoordinatorNotAvailable};
  const std::string bytes = FromHex("00000001 | 000f | 01 | 01 | 00");
  EXPECT_EQ(wire::Encode(in, 1), bytes);
  ExpectDecodesTo(bytes, 1, in);
}

}  // namespace
}  // namespace brook
