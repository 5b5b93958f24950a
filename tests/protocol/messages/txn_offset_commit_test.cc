// tests/protocol/messages/txn_offset_commit_test.cc
#include "protocol/messages/txn_offset_commit.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectDecodesTo;
using testing::FromHex;
using testing::RoundTrip;

using RequestTopic = TxnOffsetCommitRequest::TxnOffsetCommitRequestTopic;
using RequestPartition = TxnOffsetCommitRequest::TxnOffsetCommitRequestPartition;
using ResponseTopic = TxnOffsetCommitResponse::TxnOffsetCommitResponseTopic;
using ResponsePartition = TxnOffsetCommitResponse::TxnOffsetCommitResponsePartition;

TEST(TxnOffsetCommitRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = TxnOffsetCommitRequest::kVersions.min;
       v <= TxnOffsetCommitRequest::kVersions.max; ++v) {
    TxnOffsetCommitRequest in{
        .transactional_id = "txn-1",
        .group_id = "consumers",
        .producer_id = 4000,
        .producer_epoch = 7,
        .topics = {RequestTopic{.name = "orders",
                                .partitions = {RequestPartition{.partition_index = 0,
                                                                .committed_offset = 100,
                                                                .committed_metadata = "meta"},
                                               RequestPartition{.partition_index = 3,
                                                                .committed_offset = 250}}},
                   RequestTopic{.name = "payments",
                                .partitions = {RequestPartition{.partition_index = 1,
                                                                .committed_offset = 9,
                                                                .committed_metadata = ""}}}}};
    if (v >= 2) {
      for (RequestTopic& topic : in.topics) {
        for (RequestPartition& partition : topic.partitions) partition.committed_leader_epoch = 4;
      }
    }
    if (v >= 3) {
      in.generation_id = 11;
      in.member_id = "member-1";
      in.group_instance_id = "static-1";
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(TxnOffsetCommitResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = TxnOffsetCommitResponse::kVersions.min;
       v <= TxnOffsetCommitResponse::kVersions.max; ++v) {
    TxnOffsetCommitResponse in{
        .throttle_time_ms = 12,
        .topics = {
            ResponseTopic{
                .name = "orders",
                .partitions = {ResponsePartition{.partition_index = 0},
                               ResponsePartition{.partition_index = 3,
                                                 .error_code = ErrorCode::kNotCoordinator}}},
            ResponseTopic{.name = "payments",
                          .partitions = {ResponsePartition{
                              .partition_index = 1, .error_code = ErrorCode::kUnknownMemberId}}}}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING transactional_id, STRING group_id, INT64 producer_id, INT16
// producer_epoch, ARRAY topics of {STRING name, ARRAY partitions of
// {INT32 partition_index, INT64 committed_offset, NULLABLE_STRING committed_metadata}}.
TEST(TxnOffsetCommitRequestTest, V0MatchesSpecBytes) {
  TxnOffsetCommitRequest in{
      .transactional_id = "t1",
      .group_id = "g",
      .producer_id = 5,
      .producer_epoch = 1,
      .topics = {RequestTopic{
          .name = "foo",
          .partitions = {RequestPartition{.partition_index = 0, .committed_offset = 100}}}}};
  const std::string bytes = FromHex(
      "0002 7431 | 0001 67 | 0000000000000005 | 0001 | 00000001 | 0003 666f6f | 00000001 | "
      "00000000 | 0000000000000064 | ffff");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

// v3 is the first flexible version: generation_id, member_id and
// group_instance_id sit between producer_epoch and topics; partitions carry
// committed_leader_epoch (v2+) before the metadata.
TEST(TxnOffsetCommitRequestTest, V3MatchesSpecBytes) {
  TxnOffsetCommitRequest in{
      .transactional_id = "t1",
      .group_id = "g",
      .producer_id = 5,
      .producer_epoch = 1,
      .generation_id = 3,
      .member_id = "m",
      .topics = {RequestTopic{.name = "foo",
                              .partitions = {RequestPartition{.partition_index = 0,
                                                              .committed_offset = 100,
                                                              .committed_leader_epoch = 2,
                                                              .committed_metadata = "x"}}}}};
  const std::string bytes = FromHex(
      "03 7431 | 02 67 | 0000000000000005 | 0001 | 00000003 | 02 6d | 00 | 02 | 04 666f6f | 02 | "
      "00000000 | 0000000000000064 | 00000002 | 02 78 | 00 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

TEST(TxnOffsetCommitRequestTest, V4MatchesSpecBytes) {
  TxnOffsetCommitRequest in{
      .transactional_id = "t1",
      .group_id = "g",
      .producer_id = 5,
      .producer_epoch = 1,
      .generation_id = 3,
      .member_id = "m",
      .group_instance_id = "i",
      .topics = {RequestTopic{.name = "foo",
                              .partitions = {RequestPartition{.partition_index = 0,
                                                              .committed_offset = 100,
                                                              .committed_leader_epoch = 2,
                                                              .committed_metadata = "x"}}}}};
  const std::string bytes = FromHex(
      "03 7431 | 02 67 | 0000000000000005 | 0001 | 00000003 | 02 6d | 02 69 | 02 | 04 666f6f | "
      "02 | 00000000 | 0000000000000064 | 00000002 | 02 78 | 00 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 4), bytes);
  ExpectDecodesTo(bytes, 4, in);
}

// v0: INT32 throttle_time_ms, ARRAY topics of {STRING name, ARRAY partitions
// of {INT32 partition_index, INT16 error_code}}.
TEST(TxnOffsetCommitResponseTest, V0MatchesSpecBytes) {
  TxnOffsetCommitResponse in{
      .topics = {ResponseTopic{
          .name = "foo",
          .partitions = {
              ResponsePartition{.partition_index = 0},
              ResponsePartition{.partition_index = 1, .error_code = ErrorCode::kNotCoordinator}}}}};
  const std::string bytes =
      FromHex("00000000 | 00000001 | 0003 666f6f | 00000002 | 00000000 0000 | 00000001 0010");
  EXPECT_EQ(wire::Encode(in, 0), bytes);
  ExpectDecodesTo(bytes, 0, in);
}

TEST(TxnOffsetCommitResponseTest, V3MatchesSpecBytes) {
  TxnOffsetCommitResponse in{
      .topics = {ResponseTopic{
          .name = "foo",
          .partitions = {
              ResponsePartition{.partition_index = 0},
              ResponsePartition{.partition_index = 1, .error_code = ErrorCode::kNotCoordinator}}}}};
  const std::string bytes =
      FromHex("00000000 | 02 | 04 666f6f | 03 | 00000000 0000 00 | 00000001 0010 00 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 3), bytes);
  ExpectDecodesTo(bytes, 3, in);
}

TEST(TxnOffsetCommitResponseTest, V4MatchesSpecBytes) {
  TxnOffsetCommitResponse in{
      .throttle_time_ms = 2,
      .topics = {ResponseTopic{
          .name = "foo",
          .partitions = {ResponsePartition{.partition_index = 0,
                                           .error_code = ErrorCode::kTransactionAbortable}}}}};
  const std::string bytes = FromHex("00000002 | 02 | 04 666f6f | 02 | 00000000 0078 00 | 00 | 00");
  EXPECT_EQ(wire::Encode(in, 4), bytes);
  ExpectDecodesTo(bytes, 4, in);
}

}  // namespace
}  // namespace brook
