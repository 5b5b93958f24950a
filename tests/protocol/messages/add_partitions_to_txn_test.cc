// tests/protocol/messages/add_partitions_to_txn_test.cc
#include "protocol/messages/add_partitions_to_txn.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using Topic = AddPartitionsToTxnRequest::AddPartitionsToTxnTopic;
using TopicResult = AddPartitionsToTxnResponse::AddPartitionsToTxnTopicResult;
using PartitionResult = AddPartitionsToTxnResponse::AddPartitionsToTxnPartitionResult;

TEST(AddPartitionsToTxnRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = AddPartitionsToTxnRequest::kVersions.min;
       v <= AddPartitionsToTxnRequest::kVersions.max; ++v) {
    AddPartitionsToTxnRequest in{.transactional_id = "txn-1",
                                 .producer_id = 4000,
                                 .producer_epoch = 7,
                                 .topics = {Topic{.name = "orders", .partitions = {0, 3, 5}},
                                            Topic{.name = "payments", .partitions = {1, 2}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(AddPartitionsToTxnResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = AddPartitionsToTxnResponse::kVersions.min;
       v <= AddPartitionsToTxnResponse::kVersions.max; ++v) {
    AddPartitionsToTxnResponse in{
        .throttle_time_ms = 12,
        .results_by_topic = {
            TopicResult{
                .name = "orders",
                .results_by_partition = {PartitionResult{.partition_index = 0},
                                         PartitionResult{.partition_index = 3,
                                                         .partition_error_code =
                                                             ErrorCode::kConcurrentTransactions}}},
            TopicResult{.name = "payments",
                        .results_by_partition = {PartitionResult{
                            .partition_index = 1,
                            .partition_error_code = ErrorCode::kInvalidProducerEpoch}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING transactional_id, INT64 producer_id, INT16 producer_epoch,
// ARRAY topics of {STRING name, ARRAY(INT32) partitions}.
TEST(AddPartitionsToTxnRequestTest, V0MatchesSpecBytes) {
  AddPartitionsToTxnRequest in{.transactional_id = "t1",
                               .producer_id = 5,
                               .producer_epoch = 1,
                               .topics = {Topic{.name = "foo", .partitions = {0, 2}}}};
  const std::string bytes = FromHex(
      "0002 7431 | 0000000000000005 | 0001 | 00000001 | 0003 666f6f | 00000002 00000000 "
      "00000002");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v3 is both the first flexible and the highest version: compact strings and
// arrays (length + 1), a tag section after each topic and after the body.
TEST(AddPartitionsToTxnRequestTest, V3MatchesSpecBytes) {
  AddPartitionsToTxnRequest in{.transactional_id = "t1",
                               .producer_id = 5,
                               .producer_epoch = 1,
                               .topics = {Topic{.name = "foo", .partitions = {0, 2}}}};
  const std::string bytes = FromHex(
      "03 7431 | 0000000000000005 | 0001 | 02 | 04 666f6f | 03 00000000 00000002 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

// v0: INT32 throttle_time_ms, ARRAY results of {STRING name, ARRAY of
// {INT32 partition_index, INT16 error_code}}.
TEST(AddPartitionsToTxnResponseTest, V0MatchesSpecBytes) {
  AddPartitionsToTxnResponse in{
      .results_by_topic = {TopicResult{
          .name = "foo",
          .results_by_partition = {
              PartitionResult{.partition_index = 0},
              PartitionResult{.partition_index = 2,
                              .partition_error_code = ErrorCode::kConcurrentTransactions}}}}};
  const std::string bytes =
      FromHex("00000000 | 00000001 | 0003 666f6f | 00000002 | 00000000 0000 | 00000002 0033");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

TEST(AddPartitionsToTxnResponseTest, V3MatchesSpecBytes) {
  AddPartitionsToTxnResponse in{
      .results_by_topic = {TopicResult{
          .name = "foo",
          .results_by_partition = {
              PartitionResult{.partition_index = 0},
              PartitionResult{.partition_index = 2,
                              .partition_error_code = ErrorCode::kConcurrentTransactions}}}}};
  const std::string bytes =
      FromHex("00000000 | 02 | 04 666f6f | 03 | 00000000 0000 00 | 00000002 0033 00 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

}  // namespace
}  // namespace brook
