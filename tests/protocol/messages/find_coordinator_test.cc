// tests/protocol/messages/find_coordinator_test.cc
#include "protocol/messages/find_coordinator.h"

#include <gtest/gtest.h>

#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;

TEST(FindCoordinatorRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = FindCoordinatorRequest::kVersions.min;
       v <= FindCoordinatorRequest::kVersions.max; ++v) {
    FindCoordinatorRequest in;
    if (v <= 3) in.key = "group-1";
    if (v >= 1) in.key_type = 1;
    if (v >= 4) in.coordinator_keys = {"txn-1", "txn-2", ""};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(FindCoordinatorResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = FindCoordinatorResponse::kVersions.min;
       v <= FindCoordinatorResponse::kVersions.max; ++v) {
    FindCoordinatorResponse in;
    if (v >= 1) in.throttle_time_ms = 12;
    if (v <= 3) {
      in.error_code = ErrorCode::kCoordinatorLoadInProgress;
      if (v >= 1) in.error_message = "loading";
      in.node_id = 3;
      in.host = "broker-3";
      in.port = 9092;
    }
    if (v >= 4) {
      in.coordinators = {
          {.key = "txn-1", .node_id = 3, .host = "broker-3", .port = 9092},
          {.key = "txn-2",
           .node_id = -1,
           .host = "",
           .port = -1,
           .error_code = ErrorCode::kCoordinatorNotAvailable,
           .error_message = "none yet"},
      };
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0: STRING key.
TEST(FindCoordinatorRequestTest, V0MatchesSpecBytes) {
  FindCoordinatorRequest in{.key = "g"};
  ExpectSpecBytes(in, 0, "0001 67");
}

// v3 is flexible: COMPACT_STRING key, INT8 key_type, tag section.
TEST(FindCoordinatorRequestTest, V3MatchesSpecBytes) {
  FindCoordinatorRequest in{.key = "g", .key_type = 1};
  ExpectSpecBytes(in, 3, "02 67 | 01 | 00");
}

// v6: INT8 key_type, COMPACT_ARRAY of COMPACT_STRING coordinator_keys; no key.
TEST(FindCoordinatorRequestTest, V6MatchesSpecBytes) {
  FindCoordinatorRequest in{.key_type = 2, .coordinator_keys = {"a", "b"}};
  ExpectSpecBytes(in, 6, "02 | 03 02 61 02 62 | 00");
}

// v0: INT16 error, INT32 node_id, STRING host, INT32 port.
TEST(FindCoordinatorResponseTest, V0MatchesSpecBytes) {
  FindCoordinatorResponse in{.node_id = 1, .host = "h", .port = 9092};
  ExpectSpecBytes(in, 0, "0000 | 00000001 | 0001 68 | 00002384");
}

// v3: INT32 throttle_time_ms, INT16 error, COMPACT_NULLABLE_STRING error_message, node_id,
// COMPACT_STRING host, port, tag section.
TEST(FindCoordinatorResponseTest, V3MatchesSpecBytes) {
  FindCoordinatorResponse in{.error_code = ErrorCode::kCoordinatorNotAvailable,
                             .error_message = "x",
                             .node_id = -1,
                             .host = "",
                             .port = -1};
  ExpectSpecBytes(in, 3, "00000000 | 000f | 02 78 | ffffffff | 01 | ffffffff | 00");
}

// v6: INT32 throttle_time_ms, [coordinators: key, node_id, host, port, error, error_message].
TEST(FindCoordinatorResponseTest, V6MatchesSpecBytes) {
  FindCoordinatorResponse in{.throttle_time_ms = 5,
                             .coordinators = {{.key = "g", .node_id = 2, .host = "h", .port = 9092},
                                              {.key = "t",
                                               .node_id = -1,
                                               .host = "",
                                               .port = -1,
                                               .error_code = ErrorCode::kCoordinatorLoadInProgress,
                                               .error_message = "x"}}};
  ExpectSpecBytes(in, 6,
                  "00000005 | 03 |"
                  "  02 67 | 00000002 | 02 68 | 00002384 | 0000 | 00 | 00 |"
                  "  02 74 | ffffffff | 01 | ffffffff | 000e | 02 78 | 00 |"
                  "00");
}

// v1 adds INT8 key_type after the key.
TEST(FindCoordinatorRequestTest, V1MatchesSpecBytes) {
  FindCoordinatorRequest in{.key = "g", .key_type = 1};
  ExpectSpecBytes(in, 1, "0001 67 | 01");
}

// v4 replaces the key with coordinator_keys.
TEST(FindCoordinatorRequestTest, V4MatchesSpecBytes) {
  FindCoordinatorRequest in{.coordinator_keys = {"g"}};
  ExpectSpecBytes(in, 4, "00 | 02 02 67 | 00");
}

// v1 adds INT32 throttle_time_ms first and NULLABLE_STRING error_message after the error.
TEST(FindCoordinatorResponseTest, V1MatchesSpecBytes) {
  FindCoordinatorResponse in{.node_id = 1, .host = "h", .port = 9092};
  ExpectSpecBytes(in, 1, "00000000 | 0000 | ffff | 00000001 | 0001 68 | 00002384");
}

// v4 replaces the single coordinator with the coordinators array.
TEST(FindCoordinatorResponseTest, V4MatchesSpecBytes) {
  FindCoordinatorResponse in{
      .coordinators = {{.key = "g", .node_id = 1, .host = "h", .port = 9092}}};
  ExpectSpecBytes(in, 4,
                  "00000000 | 02 |"
                  "  02 67 | 00000001 | 02 68 | 00002384 | 0000 | 00 | 00 |"
                  "00");
}

}  // namespace
}  // namespace brook
