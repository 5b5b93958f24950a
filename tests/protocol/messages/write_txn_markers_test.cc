// tests/protocol/messages/write_txn_markers_test.cc
#include "protocol/messages/write_txn_markers.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using Marker = WriteTxnMarkersRequest::WritableTxnMarker;
using MarkerTopic = WriteTxnMarkersRequest::WritableTxnMarkerTopic;
using MarkerResult = WriteTxnMarkersResponse::WritableTxnMarkerResult;
using TopicResult = WriteTxnMarkersResponse::WritableTxnMarkerTopicResult;
using PartitionResult = WriteTxnMarkersResponse::WritableTxnMarkerPartitionResult;

TEST(WriteTxnMarkersRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = WriteTxnMarkersRequest::kVersions.min;
       v <= WriteTxnMarkersRequest::kVersions.max; ++v) {
    WriteTxnMarkersRequest in{
        .markers = {Marker{.producer_id = 4000,
                           .producer_epoch = 7,
                           .transaction_result = true,
                           .topics = {MarkerTopic{.name = "orders", .partition_indexes = {0, 3}},
                                      MarkerTopic{.name = "payments", .partition_indexes = {1}}},
                           .coordinator_epoch = 9},
                    Marker{.producer_id = 4001,
                           .producer_epoch = 2,
                           .topics = {MarkerTopic{.name = "orders", .partition_indexes = {2, 4}}},
                           .coordinator_epoch = 9}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(WriteTxnMarkersResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = WriteTxnMarkersResponse::kVersions.min;
       v <= WriteTxnMarkersResponse::kVersions.max; ++v) {
    WriteTxnMarkersResponse in{
        .markers = {
            MarkerResult{
                .producer_id = 4000,
                .topics = {TopicResult{
                               .name = "orders",
                               .partitions = {PartitionResult{.partition_index = 0},
                                              PartitionResult{
                                                  .partition_index = 3,
                                                  .error_code = ErrorCode::kNotLeaderOrFollower}}},
                           TopicResult{.name = "payments",
                                       .partitions = {PartitionResult{.partition_index = 1}}}}},
            MarkerResult{
                .producer_id = 4001,
                .topics = {TopicResult{.name = "orders",
                                       .partitions = {PartitionResult{
                                           .partition_index = 2,
                                           .error_code = ErrorCode::kUnknownTopicOrPartition}}}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v1 (only version, flexible): COMPACT_ARRAY markers of {INT64 producer_id,
// INT16 producer_epoch, BOOLEAN transaction_result, COMPACT_ARRAY topics of
// {COMPACT_STRING name, COMPACT_ARRAY(INT32) partition_indexes}, INT32 coordinator_epoch}.
TEST(WriteTxnMarkersRequestTest, V1MatchesSpecBytes) {
  WriteTxnMarkersRequest in{
      .markers = {Marker{.producer_id = 16,
                         .producer_epoch = 2,
                         .transaction_result = true,
                         .topics = {MarkerTopic{.name = "foo", .partition_indexes = {1}}},
                         .coordinator_epoch = 7}}};
  const std::string bytes = FromHex(
      "02 | 0000000000000010 | 0002 | 01 | 02 | 04 666f6f | 02 00000001 | 00 | 00000007 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 1), bytes);
  ExpectDecodesTo(bytes, 1, in);
}

TEST(WriteTxnMarkersResponseTest, V1MatchesSpecBytes) {
  WriteTxnMarkersResponse in{
      .markers = {MarkerResult{
          .producer_id = 16,
          .topics = {TopicResult{
              .name = "foo",
              .partitions = {
                  PartitionResult{.partition_index = 1},
                  PartitionResult{.partition_index = 3,
                                  .error_code = ErrorCode::kUnknownTopicOrPartition}}}}}}};
  const std::string bytes = FromHex(
      "02 | 0000000000000010 | 02 | 04 666f6f | 03 | 00000001 0000 00 | 00000003 0003 00 | 00 | "
      "00 | 00");
  EXPECT_EQ(wire::Encode(in, 1), bytes);
  ExpectDecodesTo(bytes, 1, in);
}

}  // namespace
}  // namespace brook
