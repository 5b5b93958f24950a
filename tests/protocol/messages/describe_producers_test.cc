// tests/protocol/messages/describe_producers_test.cc
#include "protocol/messages/describe_producers.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using TopicRequest = DescribeProducersRequest::TopicRequest;
using TopicResponse = DescribeProducersResponse::TopicResponse;
using PartitionResponse = DescribeProducersResponse::PartitionResponse;
using ProducerState = DescribeProducersResponse::ProducerState;

TEST(DescribeProducersRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeProducersRequest::kVersions.min;
       v <= DescribeProducersRequest::kVersions.max; ++v) {
    DescribeProducersRequest in{
        .topics = {TopicRequest{.name = "orders", .partition_indexes = {0, 3}},
                   TopicRequest{.name = "payments", .partition_indexes = {1, 2}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(DescribeProducersResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = DescribeProducersResponse::kVersions.min;
       v <= DescribeProducersResponse::kVersions.max; ++v) {
    DescribeProducersResponse in{
        .throttle_time_ms = 12,
        .topics = {TopicResponse{
                       .name = "orders",
                       .partitions = {PartitionResponse{
                                          .partition_index = 0,
                                          .active_producers =
                                              {ProducerState{.producer_id = 4000,
                                                             .producer_epoch = 7,
                                                             .last_sequence = 41,
                                                             .last_timestamp = 1700000000000,
                                                             .coordinator_epoch = 3,
                                                             .current_txn_start_offset = 120},
                                               ProducerState{.producer_id = 4001,
                                                             .producer_epoch = 1,
                                                             .last_sequence = 5,
                                                             .last_timestamp = 1700000000500,
                                                             .coordinator_epoch = 2}}},
                                      PartitionResponse{
                                          .partition_index = 3,
                                          .error_code = ErrorCode::kNotLeaderOrFollower,
                                          .error_message = "not the leader"}}},
                   TopicResponse{.name = "payments",
                                 .partitions = {PartitionResponse{
                                     .partition_index = 1,
                                     .active_producers = {ProducerState{.producer_id = 4002,
                                                                        .producer_epoch = 9,
                                                                        .last_sequence = 0,
                                                                        .last_timestamp = 0}}}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0 (only version, flexible): COMPACT_ARRAY topics of {COMPACT_STRING name,
// COMPACT_ARRAY(INT32) partition_indexes}.
TEST(DescribeProducersRequestTest, V0MatchesSpecBytes) {
  DescribeProducersRequest in{.topics = {TopicRequest{.name = "foo", .partition_indexes = {0, 1}}}};
  const std::string bytes = FromHex("02 | 04 666f6f | 03 00000000 00000001 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// Partitions: INT32 index, INT16 error_code, COMPACT_NULLABLE_STRING
// error_message, COMPACT_ARRAY active_producers of {INT64 producer_id, INT32
// producer_epoch, INT32 last_sequence, INT64 last_timestamp, INT32
// coordinator_epoch, INT64 current_txn_start_offset}.
TEST(DescribeProducersResponseTest, V0MatchesSpecBytes) {
  DescribeProducersResponse in{
      .topics = {TopicResponse{
          .name = "foo",
          .partitions = {
              PartitionResponse{.partition_index = 0,
                                .active_producers = {ProducerState{.producer_id = 16,
                                                                   .producer_epoch = 2,
                                                                   .last_sequence = 9,
                                                                   .last_timestamp = 1000,
                                                                   .coordinator_epoch = 1}}},
              PartitionResponse{.partition_index = 1,
                                .error_code = ErrorCode::kNotLeaderOrFollower,
                                .error_message = "no"}}}}};
  const std::string bytes = FromHex(
      "00000000 | 02 | 04 666f6f | 03 |"
      "  00000000 | 0000 | 00 | 02 |"
      "    0000000000000010 | 00000002 | 00000009 | 00000000000003e8 | 00000001 |"
      "    ffffffffffffffff | 00 |"
      "  00 |"
      "  00000001 | 0006 | 03 6e6f | 01 | 00 |"
      "00 | 00");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

}  // namespace
}  // namespace brook
