// tests/protocol/messages/metadata_test.cc
#include "protocol/messages/metadata.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
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

// A UUID whose 16 bytes are all `b`.
Uuid FilledUuid(uint8_t b) {
  Uuid id;
  id.bytes.fill(b);
  return id;
}

MetadataRequest FullRequest(int16_t v) {
  MetadataRequest in;
  in.topics =
      std::vector<MetadataRequest::MetadataRequestTopic>{{.name = "alpha"}, {.name = "beta"}};
  if (v >= 10) {
    (*in.topics)[0].topic_id = FilledUuid(0x10);
    (*in.topics)[1].topic_id = FilledUuid(0x11);
    (*in.topics)[1].name = std::nullopt;
  }
  if (v >= 4) in.allow_auto_topic_creation = false;
  if (v >= 8 && v <= 10) in.include_cluster_authorized_operations = true;
  if (v >= 8) in.include_topic_authorized_operations = true;
  return in;
}

MetadataResponse FullResponse(int16_t v) {
  MetadataResponse out;
  if (v >= 3) out.throttle_time_ms = 40;
  out.brokers = {{.node_id = 1, .host = "b1", .port = 9092},
                 {.node_id = 2, .host = "b2", .port = 9093}};
  if (v >= 1) {
    out.brokers[0].rack = "r1";
    out.controller_id = 2;
  }
  if (v >= 2) out.cluster_id = "cluster-a";
  MetadataResponse::MetadataResponsePartition p0{
      .partition_index = 0, .leader_id = 1, .replica_nodes = {1, 2, 3}, .isr_nodes = {1, 2}};
  MetadataResponse::MetadataResponsePartition p1{.error_code = ErrorCode::kLeaderNotAvailable,
                                                 .partition_index = 1,
                                                 .leader_id = -1,
                                                 .replica_nodes = {2},
                                                 .isr_nodes = {}};
  if (v >= 5) p1.offline_replicas = {2};
  if (v >= 7) {
    p0.leader_epoch = 12;
    p1.leader_epoch = 3;
  }
  out.topics = {{.name = "alpha", .partitions = {p0, p1}},
                {.error_code = ErrorCode::kUnknownTopicOrPartition, .name = "beta"}};
  if (v >= 1) out.topics[0].is_internal = true;
  if (v >= 8) out.topics[0].topic_authorized_operations = 0x0ff8;
  if (v >= 8 && v <= 10) out.cluster_authorized_operations = 0x0100;
  if (v >= 10) {
    out.topics[0].topic_id = FilledUuid(0x10);
    out.topics[1].topic_id = FilledUuid(0x11);
  }
  if (v >= 12) out.topics[1].name = std::nullopt;
  if (v >= 13) out.error_code = ErrorCode::kClusterAuthorizationFailed;
  return out;
}

TEST(MetadataRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = MetadataRequest::kVersions.min; v <= MetadataRequest::kVersions.max; ++v) {
    MetadataRequest in = FullRequest(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
    if (v >= 1) {
      // From v1 null (every topic) and empty (no topic) are different requests.
      in.topics = std::nullopt;
      EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
      in.topics.emplace();
      EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    }
  }
}

TEST(MetadataResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = MetadataResponse::kVersions.min; v <= MetadataResponse::kVersions.max; ++v) {
    MetadataResponse out = FullResponse(v);
    EXPECT_EQ(RoundTrip(out, v), out) << "version " << v;
    testing::ExpectEveryTruncationFails(out, v);
  }
}

// v0: ARRAY topics { STRING name }; not nullable.
TEST(MetadataRequestTest, V0MatchesSpecBytes) {
  MetadataRequest in{
      .topics = std::vector<MetadataRequest::MetadataRequestTopic>{{.name = "a"}, {.name = "b"}}};
  ExpectSpecBytes(in, 0, "00000002 | 0001 61 | 0001 62");
}

// v0 asks for every topic with an empty list, v1+ with a null one; both are nullopt here.
TEST(MetadataRequestTest, EveryTopicIsNulloptAtEveryVersion) {
  MetadataRequest all{.topics = std::nullopt};
  ExpectSpecBytes(all, 0, "00000000");
  ExpectSpecBytes(all, 1, "ffffffff");
  ExpectSpecBytes(all, 9, "00 | 01 | 00 | 00 | 00");

  // No topics at all cannot be said at v0: it goes out as "every topic".
  MetadataRequest none;
  ASSERT_TRUE(none.topics.has_value() && none.topics->empty());
  EXPECT_EQ(ToHex(wire::Encode(none, 0)), "00000000");
  ExpectSpecBytes(none, 1, "00000000");
}

// v4: the BOOLEAN allow_auto_topic_creation follows the topics.
TEST(MetadataRequestTest, V4MatchesSpecBytes) {
  MetadataRequest in{.topics = std::nullopt, .allow_auto_topic_creation = false};
  ExpectSpecBytes(in, 4, "ffffffff | 00");
}

// v9: compact array and strings; allow_auto_topic_creation, then the two v8 BOOLEANs.
TEST(MetadataRequestTest, V9MatchesSpecBytes) {
  MetadataRequest in{.topics = std::vector<MetadataRequest::MetadataRequestTopic>{{.name = "a"}},
                     .include_cluster_authorized_operations = true};
  ExpectSpecBytes(in, 9, "02 | 02 61 | 00 | 01 | 01 | 00 | 00");
}

// v13: each topic is UUID topic_id then a nullable name; no cluster operations flag.
TEST(MetadataRequestTest, V13MatchesSpecBytes) {
  MetadataRequest in{.topics =
                         std::vector<MetadataRequest::MetadataRequestTopic>{
                             {.topic_id = FilledUuid(0x11), .name = std::nullopt}},
                     .allow_auto_topic_creation = false,
                     .include_topic_authorized_operations = true};
  ExpectSpecBytes(in, 13, "02 | 11111111111111111111111111111111 | 00 | 00 | 00 | 01 | 00");
}

// v0: ARRAY brokers { INT32 node_id, STRING host, INT32 port }, ARRAY topics { INT16
// error_code, STRING name, ARRAY partitions { INT16 error_code, INT32 partition_index, INT32
// leader_id, ARRAY replica_nodes, ARRAY isr_nodes } }.
TEST(MetadataResponseTest, V0MatchesSpecBytes) {
  MetadataResponse out;
  out.brokers = {{.node_id = 1, .host = "h", .port = 9092}};
  out.topics = {
      {.name = "t",
       .partitions = {
           {.partition_index = 0, .leader_id = 1, .replica_nodes = {1}, .isr_nodes = {1}}}}};
  ExpectSpecBytes(out, 0,
                  "00000001 | 00000001 | 0001 68 | 00002384 | 00000001 | 0000 | 0001 74"
                  "| 00000001 | 0000 | 00000000 | 00000001 | 00000001 00000001"
                  "| 00000001 00000001");
}

// v9: throttle_time_ms, broker rack, cluster_id, controller_id, is_internal, leader_epoch,
// offline_replicas and both authorized-operations fields, in compact form.
TEST(MetadataResponseTest, V9MatchesSpecBytes) {
  MetadataResponse out{.cluster_id = "c", .controller_id = 1};
  out.brokers = {{.node_id = 1, .host = "h", .port = 9092}};
  out.topics = {{.name = "t",
                 .partitions = {{.partition_index = 0,
                                 .leader_id = 1,
                                 .leader_epoch = 5,
                                 .replica_nodes = {1, 2},
                                 .isr_nodes = {1}}}}};
  ExpectSpecBytes(out, 9,
                  "00000000 | 02 | 00000001 | 02 68 | 00002384 | 00 | 00 | 02 63 | 00000001"
                  "| 02 | 0000 | 02 74 | 00 | 02 | 0000 | 00000000 | 00000001 | 00000005"
                  "| 03 00000001 00000002 | 02 00000001 | 01 | 00 | 80000000 | 00 | 80000000"
                  "| 00");
}

// v13: null topic name then its UUID; no cluster_authorized_operations; top-level error_code.
TEST(MetadataResponseTest, V13MatchesSpecBytes) {
  MetadataResponse out{.error_code = ErrorCode::kClusterAuthorizationFailed};
  out.topics = {{.error_code = ErrorCode::kUnknownTopicOrPartition,
                 .name = std::nullopt,
                 .topic_id = FilledUuid(0x11),
                 .topic_authorized_operations = 0x0f00}};
  ExpectSpecBytes(out, 13,
                  "00000000 | 01 | 00 | ffffffff | 02 | 0003 | 00"
                  "| 11111111111111111111111111111111 | 00 | 01 | 00000f00 | 00 | 001f | 00");
}

// Names become nullable at v10 (request) and v12 (response); earlier a null name is "".
TEST(MetadataResponseTest, NullNameBeforeV12IsWrittenEmpty) {
  MetadataResponse out;
  out.topics = {{.name = std::nullopt}};
  MetadataResponse v11 = RoundTrip(out, 11);
  ASSERT_EQ(v11.topics.size(), 1u);
  EXPECT_EQ(v11.topics[0].name, "");
  EXPECT_EQ(RoundTrip(out, 12), out);

  MetadataRequest in{
      .topics = std::vector<MetadataRequest::MetadataRequestTopic>{{.name = std::nullopt}}};
  EXPECT_EQ(ToHex(wire::Encode(in, 9)), ToHex(FromHex("02 | 01 | 00 | 01 | 00 | 00 | 00")));
}

}  // namespace
}  // namespace brook
