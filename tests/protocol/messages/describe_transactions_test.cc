// tests/protocol/messages/describe_transactions_test.cc
#include "protocol/messages/describe_transactions.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using TransactionState = DescribeTransactionsResponse::TransactionState;
using TopicData = DescribeTransactionsResponse::TopicData;

TEST(DescribeTransactionsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeTransactionsRequest::kVersions.min;
       v <= DescribeTransactionsRequest::kVersions.max; ++v) {
    DescribeTransactionsRequest in{.transactional_ids = {"txn-1", "txn-2", "txn-3"}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DescribeTransactionsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeTransactionsResponse::kVersions.min;
       v <= DescribeTransactionsResponse::kVersions.max; ++v) {
    DescribeTransactionsResponse in{
        .throttle_time_ms = 12,
        .transaction_states = {
            TransactionState{.transactional_id = "txn-1",
                             .transaction_state = "Ongoing",
                             .transaction_timeout_ms = 60000,
                             .transaction_start_time_ms = 1700000000000,
                             .producer_id = 4000,
                             .producer_epoch = 7,
                             .topics = {TopicData{.topic = "orders", .partitions = {0, 3}},
                                        TopicData{.topic = "payments", .partitions = {1}}}},
            TransactionState{.error_code = ErrorCode::kTransactionalIdNotFound,
                             .transactional_id = "txn-2",
                             .transaction_state = "Dead",
                             .transaction_timeout_ms = 1,
                             .transaction_start_time_ms = 2,
                             .producer_id = 3,
                             .producer_epoch = 4}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0 (only version, flexible): COMPACT_ARRAY(COMPACT_STRING) transactional_ids.
TEST(DescribeTransactionsRequestTest, V0MatchesSpecBytes) {
  DescribeTransactionsRequest in{.transactional_ids = {"t1", "t2"}};
  const std::string bytes = FromHex("03 | 03 7431 | 03 7432 | 00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// States: INT16 error_code, COMPACT_STRING transactional_id, COMPACT_STRING
// transaction_state, INT32 transaction_timeout_ms, INT64
// transaction_start_time_ms, INT64 producer_id, INT16 producer_epoch,
// COMPACT_ARRAY topics of {COMPACT_STRING topic, COMPACT_ARRAY(INT32) partitions}.
TEST(DescribeTransactionsResponseTest, V0MatchesSpecBytes) {
  DescribeTransactionsResponse in{
      .transaction_states = {
          TransactionState{.transactional_id = "t1",
                           .transaction_state = "Ongoing",
                           .transaction_timeout_ms = 60000,
                           .transaction_start_time_ms = 1000,
                           .producer_id = 5,
                           .producer_epoch = 1,
                           .topics = {TopicData{.topic = "foo", .partitions = {0, 2}}}},
          TransactionState{.error_code = ErrorCode::kTransactionalIdNotFound,
                           .transactional_id = "t2"}}};
  const std::string bytes = FromHex(
      "00000000 | 03 |"
      "  0000 | 03 7431 | 08 4f6e676f696e67 | 0000ea60 | 00000000000003e8 | 0000000000000005 |"
      "  0001 | 02 | 04 666f6f | 03 00000000 00000002 | 00 | 00 |"
      "  0069 | 03 7432 | 01 | 00000000 | 0000000000000000 | 0000000000000000 | 0000 | 01 | 00 |"
      "00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

}  // namespace
}  // namespace brook
