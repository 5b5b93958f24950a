// tests/protocol/messages/fetch_test.cc
#include "protocol/messages/fetch.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;
using testing::ToHex;

// A UUID whose 16 bytes are all `b`.
Uuid FilledUuid(uint8_t b) {
  Uuid id;
  id.bytes.fill(b);
  return id;
}

FetchRequest::FetchPartition FullPartition(int16_t v, int32_t index) {
  FetchRequest::FetchPartition p{
      .partition = index, .fetch_offset = 1000 + index, .partition_max_bytes = 65536};
  if (v >= 5) p.log_start_offset = 10;
  if (v >= 9) p.current_leader_epoch = 4;
  if (v >= 12) p.last_fetched_epoch = 3;
  if (v >= 17) p.replica_directory_id = FilledUuid(static_cast<uint8_t>(0x40 + index));
  return p;
}

FetchRequest FullRequest(int16_t v) {
  FetchRequest in{.max_wait_ms = 500, .min_bytes = 1, .max_bytes = 1 << 20, .isolation_level = 1};
  if (v <= 14) in.replica_id = 3;
  if (v >= 15) in.replica_state = {.replica_id = 3, .replica_epoch = 11};
  if (v >= 12) in.cluster_id = "cluster-a";
  if (v >= 7) {
    in.session_id = 9;
    in.session_epoch = 2;
  }
  in.topics.resize(2);
  for (int i = 0; i < 2; ++i) {
    if (v <= 12) in.topics[i].topic = "topic-" + std::to_string(i);
    if (v >= 13) in.topics[i].topic_id = FilledUuid(static_cast<uint8_t>(0x10 + i));
    in.topics[i].partitions = {FullPartition(v, 0), FullPartition(v, 5)};
  }
  if (v >= 7) {
    in.forgotten_topics_data.resize(2);
    for (int i = 0; i < 2; ++i) {
      if (v <= 12) in.forgotten_topics_data[i].topic = "gone-" + std::to_string(i);
      if (v >= 13)
        in.forgotten_topics_data[i].topic_id = FilledUuid(static_cast<uint8_t>(0x20 + i));
      in.forgotten_topics_data[i].partitions = {1, 2, 7};
    }
  }
  if (v >= 11) in.rack_id = "rack-1";
  return in;
}

FetchResponse::PartitionData FullPartitionData(int16_t v, int32_t index) {
  FetchResponse::PartitionData p{
      .partition_index = index,
      .error_code = ErrorCode::kNotLeaderOrFollower,
      .high_watermark = 500,
      .last_stable_offset = 490,
      .aborted_transactions = {{{.producer_id = 7, .first_offset = 400},
                                {.producer_id = 8, .first_offset = 410}}},
      .records = std::string("\x00\x01\x02", 3)};
  if (v >= 5) p.log_start_offset = 12;
  if (v >= 11) p.preferred_read_replica = 2;
  if (v >= 12) {
    p.diverging_epoch = {.epoch = 3, .end_offset = 450};
    p.current_leader = {.leader_id = 1, .leader_epoch = 6};
    p.snapshot_id = {.end_offset = 300, .epoch = 2};
  }
  return p;
}

FetchResponse FullResponse(int16_t v) {
  FetchResponse out{.throttle_time_ms = 25};
  if (v >= 7) {
    out.error_code = ErrorCode::kFetchSessionIdNotFound;
    out.session_id = 77;
  }
  out.responses.resize(2);
  for (int i = 0; i < 2; ++i) {
    if (v <= 12) out.responses[i].topic = "topic-" + std::to_string(i);
    if (v >= 13) out.responses[i].topic_id = FilledUuid(static_cast<uint8_t>(0x10 + i));
    out.responses[i].partitions = {FullPartitionData(v, 0), FullPartitionData(v, 3)};
  }
  out.responses[1].partitions[1].aborted_transactions = std::nullopt;
  out.responses[1].partitions[1].records = std::nullopt;
  if (v >= 16) {
    out.node_endpoints = {{.node_id = 1, .host = "b1", .port = 9092, .rack = "r1"},
                          {.node_id = 2, .host = "b2", .port = 9093}};
  }
  return out;
}

TEST(FetchRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = FetchRequest::kVersions.min; v <= FetchRequest::kVersions.max; ++v) {
    FetchRequest in = FullRequest(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(FetchResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = FetchResponse::kVersions.min; v <= FetchResponse::kVersions.max; ++v) {
    FetchResponse in = FullResponse(v);
    ASSERT_EQ(in.responses[0].partitions[0].aborted_transactions->size(), 2u);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v4: INT32 replica_id, INT32 max_wait_ms, INT32 min_bytes, INT32 max_bytes, INT8
// isolation_level, ARRAY topics { STRING topic, ARRAY partitions { INT32 partition,
// INT64 fetch_offset, INT32 partition_max_bytes } }.
TEST(FetchRequestTest, V4MatchesSpecBytes) {
  FetchRequest in{.max_wait_ms = 500, .min_bytes = 1};
  in.topics = {
      {.topic = "t",
       .partitions = {{.partition = 0, .fetch_offset = 100, .partition_max_bytes = 1 << 20}}}};
  ExpectSpecBytes(in, 4,
                  "ffffffff | 000001f4 | 00000001 | 7fffffff | 00 | 00000001 | 0001 74"
                  "| 00000001 | 00000000 | 0000000000000064 | 00100000");
}

// v12: adds session fields (v7), current_leader_epoch (v9), log_start_offset (v5),
// last_fetched_epoch, rack_id (v11), compact forms and the tagged cluster_id (tag 0).
TEST(FetchRequestTest, V12MatchesSpecBytes) {
  FetchRequest in{.cluster_id = "c", .max_wait_ms = 500, .min_bytes = 1, .isolation_level = 1};
  in.topics = {{.topic = "t",
                .partitions = {{.partition = 0,
                                .current_leader_epoch = 5,
                                .fetch_offset = 100,
                                .last_fetched_epoch = 4,
                                .partition_max_bytes = 1 << 20}}}};
  ExpectSpecBytes(in, 12,
                  "ffffffff | 000001f4 | 00000001 | 7fffffff | 01 | 00000000 | ffffffff"
                  "| 02 | 02 74 | 02 | 00000000 | 00000005 | 0000000000000064 | 00000004"
                  "| ffffffffffffffff | 00100000 | 00 | 00 | 01 | 01 | 01 00 02 0263");
}

// v17: no replica_id (it moved into the tagged replica_state, tag 1: INT32 + INT64 + tags =
// 13 bytes), topic ids instead of names, the partition's tagged replica_directory_id (tag 0).
TEST(FetchRequestTest, V17MatchesSpecBytes) {
  FetchRequest in{.replica_state = {.replica_id = 1, .replica_epoch = 9},
                  .max_wait_ms = 500,
                  .min_bytes = 1,
                  .session_id = 7,
                  .session_epoch = 1,
                  .rack_id = "r"};
  in.topics = {{.topic_id = FilledUuid(0x11),
                .partitions = {{.partition = 2,
                                .current_leader_epoch = 5,
                                .fetch_offset = 100,
                                .last_fetched_epoch = 4,
                                .log_start_offset = 0,
                                .partition_max_bytes = 1 << 20,
                                .replica_directory_id = FilledUuid(0x22)}}}};
  in.forgotten_topics_data = {{.topic_id = FilledUuid(0x33), .partitions = {1}}};
  ExpectSpecBytes(in, 17,
                  "000001f4 | 00000001 | 7fffffff | 00 | 00000007 | 00000001"
                  "| 02 | 11111111111111111111111111111111 | 02 | 00000002 | 00000005"
                  "| 0000000000000064 | 00000004 | 0000000000000000 | 00100000"
                  "| 01 00 10 22222222222222222222222222222222 | 00"
                  "| 02 | 33333333333333333333333333333333 | 02 00000001 | 00"
                  "| 02 72 | 01 01 0d 00000001 0000000000000009 00");
}

// v4: INT32 throttle_time_ms, ARRAY responses { STRING topic, ARRAY partitions { INT32
// partition_index, INT16 error_code, INT64 high_watermark, INT64 last_stable_offset,
// ARRAY aborted_transactions { INT64 producer_id, INT64 first_offset }, RECORDS records } }.
TEST(FetchResponseTest, V4MatchesSpecBytes) {
  FetchResponse out;
  out.responses = {
      {.topic = "t",
       .partitions = {{.partition_index = 0,
                       .high_watermark = 10,
                       .last_stable_offset = 10,
                       .aborted_transactions = {{{.producer_id = 7, .first_offset = 3}}},
                       .records = "ab"}}}};
  ExpectSpecBytes(out, 4,
                  "00000000 | 00000001 | 0001 74 | 00000001 | 00000000 | 0000"
                  "| 000000000000000a | 000000000000000a | 00000001 | 0000000000000007"
                  "| 0000000000000003 | 00000002 6162");
}

// v12: top-level error_code and session_id (v7), log_start_offset, preferred_read_replica
// (v11), null aborted_transactions and records, the tagged diverging_epoch (tag 0: INT32 +
// INT64 + tags = 13 bytes).
TEST(FetchResponseTest, V12MatchesSpecBytes) {
  FetchResponse out{.session_id = 16};
  out.responses = {{.topic = "t",
                    .partitions = {{.partition_index = 1,
                                    .high_watermark = 10,
                                    .last_stable_offset = 10,
                                    .log_start_offset = 0,
                                    .diverging_epoch = {.epoch = 3, .end_offset = 32},
                                    .aborted_transactions = std::nullopt}}}};
  ExpectSpecBytes(out, 12,
                  "00000000 | 0000 | 00000010 | 02 | 02 74 | 02 | 00000001 | 0000"
                  "| 000000000000000a | 000000000000000a | 0000000000000000 | 00 | ffffffff | 00"
                  "| 01 00 0d 00000003 0000000000000020 00 | 00 | 00");
}

// v17: topic ids, the partition's current_leader (tag 1, 9 bytes) and snapshot_id (tag 2:
// INT64 end_offset first, then INT32 epoch, 13 bytes), the top-level node_endpoints (tag 0).
TEST(FetchResponseTest, V17MatchesSpecBytes) {
  FetchResponse out{.throttle_time_ms = 5};
  out.responses = {{.topic_id = FilledUuid(0x11),
                    .partitions = {{.partition_index = 0,
                                    .error_code = ErrorCode::kNotLeaderOrFollower,
                                    .high_watermark = 0,
                                    .current_leader = {.leader_id = 1, .leader_epoch = 4},
                                    .snapshot_id = {.end_offset = 48, .epoch = 2},
                                    .preferred_read_replica = 2,
                                    .records = "ab"}}}};
  out.node_endpoints = {{.node_id = 1, .host = "h", .port = 9092, .rack = "r"}};
  ExpectSpecBytes(out, 17,
                  "00000005 | 0000 | 00000000 | 02 | 11111111111111111111111111111111 | 02"
                  "| 00000000 | 0006 | 0000000000000000 | ffffffffffffffff | ffffffffffffffff"
                  "| 01 | 00000002 | 03 6162"
                  "| 02 01 09 00000001 00000004 00 02 0d 0000000000000030 00000002 00 | 00"
                  "| 01 00 0e 02 00000001 0268 00002384 0272 00");
}

TEST(FetchRequestTest, TaggedFieldsAreOmittedAtTheirDefaults) {
  FetchRequest in;
  in.topics = {{.topic_id = FilledUuid(0x11), .partitions = {{.partition = 0}}}};
  std::string plain = wire::Encode(in, 17);
  EXPECT_EQ(ToHex(plain),
            ToHex(FromHex("00000000 | 00000000 | 7fffffff | 00 | 00000000 | ffffffff"
                          "| 02 | 11111111111111111111111111111111 | 02 | 00000000 | ffffffff"
                          "| 0000000000000000 | ffffffff | ffffffffffffffff | 00000000 | 00 | 00"
                          "| 01 | 01 | 00")));

  in.cluster_id = "";  // present although empty: its default is null
  EXPECT_EQ(wire::Encode(in, 17).size(), plain.size() + 3);  // tag, size, empty string
  in.replica_state.replica_epoch = 0;
  in.topics[0].partitions[0].replica_directory_id = FilledUuid(0x01);
  EXPECT_EQ(RoundTrip(in, 17), in);
  // Before v15 there is no replica_state, before v17 no replica_directory_id.
  FetchRequest v14 = RoundTrip(in, 14);
  EXPECT_EQ(v14.replica_state, FetchRequest::ReplicaState{});
  EXPECT_EQ(v14.cluster_id, "");
}

TEST(FetchRequestTest, UnknownTagsAreSkipped) {
  // Top level: tag 0 (cluster_id "c"), then an unknown tag 9; partition level: unknown tag 3.
  Result<FetchRequest> r = wire::Decode<FetchRequest>(
      FromHex("ffffffff | 00000000 | 00000000 | 7fffffff | 00 | 00000000 | ffffffff"
              "| 02 | 02 74 | 02 | 00000000 | ffffffff | 0000000000000000 | ffffffff"
              "| ffffffffffffffff | 00000000 | 01 03 01 ff | 00 | 01 | 01"
              "| 02 00 02 0263 09 00"),
      12);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  FetchRequest want{.cluster_id = "c"};
  want.topics = {{.topic = "t", .partitions = {{.partition = 0}}}};
  EXPECT_EQ(*r, want);
}

TEST(FetchResponseTest, TaggedFieldsAreOmittedAtTheirDefaults) {
  FetchResponse out;
  out.responses = {{.topic = "t", .partitions = {{.partition_index = 0}}}};
  std::string plain = wire::Encode(out, 12);
  EXPECT_EQ(ToHex(plain),
            ToHex(FromHex("00000000 | 0000 | 00000000 | 02 | 02 74 | 02 | 00000000 | 0000"
                          "| 0000000000000000 | ffffffffffffffff | ffffffffffffffff | 01"
                          "| ffffffff | 00 | 00 | 00 | 00")));

  out.responses[0].partitions[0].snapshot_id.epoch = 0;
  EXPECT_EQ(wire::Encode(out, 12).size(), plain.size() + 15);  // tag, size, 13-byte body
  out.responses[0].topic.clear();
  out.responses[0].topic_id = FilledUuid(0x11);
  out.node_endpoints = {{.node_id = 1, .host = "h", .port = 1}};
  EXPECT_EQ(RoundTrip(out, 16), out);
  FetchResponse v15 = RoundTrip(out, 15);
  EXPECT_TRUE(v15.node_endpoints.empty());
  EXPECT_EQ(v15.responses[0].partitions[0].snapshot_id.epoch, 0);
}

TEST(FetchResponseTest, UnknownTagsAreSkipped) {
  // Partition level: unknown tag 7 after the known current_leader (tag 1); top level: unknown
  // tag 4 only.
  Result<FetchResponse> r = wire::Decode<FetchResponse>(
      FromHex("00000000 | 0000 | 00000000 | 02 | 02 74 | 02 | 00000000 | 0000"
              "| 0000000000000000 | ffffffffffffffff | ffffffffffffffff | 01 | ffffffff | 00"
              "| 02 01 09 00000005 00000006 00 07 02 abcd | 00 | 01 04 01 00"),
      12);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  FetchResponse want;
  want.responses = {{.topic = "t",
                     .partitions = {{.partition_index = 0,
                                     .current_leader = {.leader_id = 5, .leader_epoch = 6}}}}};
  EXPECT_EQ(*r, want);
}

}  // namespace
}  // namespace brook
