// tests/protocol/messages/produce_test.cc
#include "protocol/messages/produce.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;
using testing::ToHex;

ProduceRequest FullRequest(int16_t v) {
  ProduceRequest in{.acks = -1, .timeout_ms = 1500};
  if (v >= 3) in.transactional_id = "txn-1";
  in.topic_data = {
      {.name = "alpha",
       .partition_data = {{.index = 0, .records = std::string("\x01\x02\x03", 3)},
                          {.index = 4, .records = std::nullopt}}},
      {.name = "beta", .partition_data = {{.index = 1, .records = "batch"}}},
  };
  return in;
}

ProduceResponse FullResponse(int16_t v) {
  ProduceResponse::PartitionProduceResponse p0{
      .index = 0, .error_code = ErrorCode::kNone, .base_offset = 100};
  ProduceResponse::PartitionProduceResponse p1{
      .index = 2, .error_code = ErrorCode::kInvalidRecord, .base_offset = -1};
  if (v >= 2) {
    p0.log_append_time_ms = 1700000000000;
    p1.log_append_time_ms = 5;
  }
  if (v >= 5) {
    p0.log_start_offset = 7;
    p1.log_start_offset = 8;
  }
  if (v >= 8) {
    p1.record_errors = {{.batch_index = 0, .batch_index_error_message = "bad key"},
                        {.batch_index = 3, .batch_index_error_message = std::nullopt}};
    p1.error_message = "batch dropped";
  }
  if (v >= 10) p1.current_leader = {.leader_id = 2, .leader_epoch = 9};
  ProduceResponse out;
  out.responses = {{.name = "alpha", .partition_responses = {p0, p1}},
                   {.name = "beta", .partition_responses = {p0}}};
  if (v >= 1) out.throttle_time_ms = 30;
  if (v >= 10) {
    out.node_endpoints = {{.node_id = 2, .host = "b2", .port = 9092, .rack = "r1"},
                          {.node_id = 3, .host = "b3", .port = 9093, .rack = std::nullopt}};
  }
  return out;
}

TEST(ProduceRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = ProduceRequest::kVersions.min; v <= ProduceRequest::kVersions.max; ++v) {
    ProduceRequest in = FullRequest(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// Borrowed records are views into the input, in the order the partitions
// are listed (a null one as an empty view); the request is otherwise the same.
TEST(ProduceRequestTest, BorrowedRecordsAreViewsIntoTheInput) {
  for (int16_t v : {int16_t{3}, int16_t{8}, int16_t{9}, int16_t{11}}) {
    const ProduceRequest in = FullRequest(v);
    const std::string bytes = wire::Encode(in, v);
    std::vector<std::string_view> borrowed;
    Result<ProduceRequest> out = wire::Decode<ProduceRequest>(bytes, v, &borrowed);
    ASSERT_TRUE(out.ok()) << "v" << v << ": " << out.status().ToString();
    ASSERT_EQ(borrowed.size(), 3u);
    EXPECT_EQ(borrowed[0], std::string_view("\x01\x02\x03", 3));
    EXPECT_TRUE(borrowed[0].data() >= bytes.data() &&
                borrowed[0].data() + 3 <= bytes.data() + bytes.size());
    EXPECT_EQ(borrowed[1].data(), nullptr);  // null records
    EXPECT_EQ(borrowed[2], "batch");
    EXPECT_EQ(out->topic_data[0].partition_data[0].records, std::string());  // not copied
    EXPECT_EQ(out->topic_data[0].partition_data[1].records, std::nullopt);
    EXPECT_EQ(out->transactional_id, in.transactional_id);
    // Truncated input still fails cleanly.
    for (size_t n = 0; n < bytes.size(); ++n) {
      std::vector<std::string_view> partial;
      EXPECT_FALSE(wire::Decode<ProduceRequest>(bytes.substr(0, n), v, &partial).ok());
    }
  }
}

TEST(ProduceResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = ProduceResponse::kVersions.min; v <= ProduceResponse::kVersions.max; ++v) {
    ProduceResponse in = FullResponse(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: INT16 acks, INT32 timeout_ms, ARRAY topic_data { STRING name, ARRAY partition_data
// { INT32 index, RECORDS (INT32 length + bytes) } }.
TEST(ProduceRequestTest, V0MatchesSpecBytes) {
  ProduceRequest in{.acks = 1, .timeout_ms = 1000};
  in.topic_data = {{.name = "t", .partition_data = {{.index = 2, .records = "ab"}}}};
  ExpectSpecBytes(in, 0,
                  "0001 | 000003e8 | 00000001 | 0001 74 | 00000001 | 00000002 | 00000002 6162");
}

// v3 puts the nullable transactional_id first.
TEST(ProduceRequestTest, V3MatchesSpecBytes) {
  ProduceRequest in{.acks = 1, .timeout_ms = 1000};
  ExpectSpecBytes(in, 3, "ffff | 0001 | 000003e8 | 00000000");
  in.transactional_id = "tx";
  ExpectSpecBytes(in, 3, "0002 7478 | 0001 | 000003e8 | 00000000");
}

// v9: compact strings, arrays and records (length + 1), a tag section closing every struct.
TEST(ProduceRequestTest, V9MatchesSpecBytes) {
  ProduceRequest in{.transactional_id = "tx", .acks = -1, .timeout_ms = 30000};
  in.topic_data = {{.name = "t", .partition_data = {{.index = 0, .records = "ab"}}}};
  ExpectSpecBytes(
      in, 9, "03 7478 | ffff | 00007530 | 02 | 02 74 | 02 | 00000000 | 03 6162 | 00 | 00 | 00");
}

TEST(ProduceRequestTest, V11MatchesSpecBytes) {
  ProduceRequest in{.acks = 0, .timeout_ms = 1000};
  in.topic_data = {{.name = "t", .partition_data = {{.index = 1, .records = std::nullopt}}}};
  ExpectSpecBytes(in, 11, "00 | 0000 | 000003e8 | 02 | 02 74 | 02 | 00000001 | 00 | 00 | 00 | 00");
}

// v0: ARRAY responses { STRING name, ARRAY partition_responses { INT32 index, INT16 error_code,
// INT64 base_offset } }; no throttle_time_ms yet.
TEST(ProduceResponseTest, V0MatchesSpecBytes) {
  ProduceResponse out;
  out.responses = {{.name = "t", .partition_responses = {{.index = 0, .base_offset = 5}}}};
  ExpectSpecBytes(out, 0, "00000001 | 0001 74 | 00000001 | 00000000 | 0000 | 0000000000000005");
}

// v9: every field up to record_errors/error_message, compact forms, no tags known yet.
TEST(ProduceResponseTest, V9MatchesSpecBytes) {
  ProduceResponse::PartitionProduceResponse p{
      .index = 1,
      .error_code = ErrorCode::kNotLeaderOrFollower,
      .base_offset = -1,
      .log_append_time_ms = -1,
      .log_start_offset = 16,
      .record_errors = {{.batch_index = 2, .batch_index_error_message = "bad"}}};
  ProduceResponse out{.responses = {{.name = "t", .partition_responses = {p}}},
                      .throttle_time_ms = 100};
  ExpectSpecBytes(out, 9,
                  "02 | 02 74 | 02 | 00000001 | 0006 | ffffffffffffffff | ffffffffffffffff"
                  "| 0000000000000010 | 02 | 00000002 | 04 626164 | 00 | 00 | 00 | 00"
                  "| 00000064 | 00");
}

// v11 with both tagged fields: the partition's current_leader (tag 0, 9 bytes: two INT32s
// and its own empty tag section) and the top-level node_endpoints (tag 0, 13 bytes).
TEST(ProduceResponseTest, V11MatchesSpecBytes) {
  ProduceResponse::PartitionProduceResponse p{
      .index = 0,
      .error_code = ErrorCode::kNotLeaderOrFollower,
      .base_offset = -1,
      .log_append_time_ms = -1,
      .log_start_offset = 0,
      .current_leader = {.leader_id = 2, .leader_epoch = 7}};
  ProduceResponse out{.responses = {{.name = "t", .partition_responses = {p}}},
                      .throttle_time_ms = 0,
                      .node_endpoints = {{.node_id = 2, .host = "h", .port = 9092}}};
  ExpectSpecBytes(out, 11,
                  "02 | 02 74 | 02 | 00000000 | 0006 | ffffffffffffffff | ffffffffffffffff"
                  "| 0000000000000000 | 01 | 00 | 01 00 09 00000002 00000007 00 | 00"
                  "| 00000000 | 01 00 0d 02 00000002 02 68 00002384 00 00");
}

TEST(ProduceResponseTest, TaggedFieldsAreOmittedAtTheirDefaults) {
  ProduceResponse out;
  out.responses = {{.name = "t", .partition_responses = {{.index = 0}}}};
  std::string plain = wire::Encode(out, 10);
  EXPECT_EQ(ToHex(plain), ToHex(FromHex("02 | 02 74 | 02 | 00000000 | 0000 | 0000000000000000"
                                        "| ffffffffffffffff | ffffffffffffffff | 01 | 00 | 00"
                                        "| 00 | 00000000 | 00")));

  out.responses[0].partition_responses[0].current_leader.leader_epoch = 3;
  EXPECT_EQ(wire::Encode(out, 10).size(), plain.size() + 11);  // tag, size, 9-byte body
  EXPECT_EQ(RoundTrip(out, 10), out);
  // Before v10 the field does not exist: it is neither written nor read.
  ProduceResponse v9 = RoundTrip(out, 9);
  EXPECT_EQ(v9.responses[0].partition_responses[0].current_leader,
            ProduceResponse::LeaderIdAndEpoch{});
}

TEST(ProduceResponseTest, UnknownTagsAreSkipped) {
  // Top level: known tag 0 (node_endpoints), then unknown tag 5 with a 2-byte body.
  Result<ProduceResponse> r = wire::Decode<ProduceResponse>(
      FromHex("01 | 00000007 | 02 | 00 0d 02 00000002 02 68 00002384 00 00 | 05 02 abcd"), 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ProduceResponse want{.throttle_time_ms = 7,
                       .node_endpoints = {{.node_id = 2, .host = "h", .port = 9092}}};
  EXPECT_EQ(*r, want);

  // Partition level: an unknown tag 1 beside nothing known.
  r = wire::Decode<ProduceResponse>(
      FromHex("02 | 02 74 | 02 | 00000000 | 0000 | 0000000000000000 | ffffffffffffffff"
              "| ffffffffffffffff | 01 | 00 | 01 01 03 aabbcc | 00 | 00000000 | 00"),
      11);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ProduceResponse want2;
  want2.responses = {{.name = "t", .partition_responses = {{.index = 0}}}};
  EXPECT_EQ(*r, want2);
}

}  // namespace
}  // namespace brook
