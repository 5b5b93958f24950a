// tests/protocol/messages/api_versions_test.cc
#include "protocol/messages/api_versions.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::ExpectSpecBytes;
using testing::FromHex;
using testing::RoundTrip;
using testing::ToHex;

ApiVersionsResponse FullResponse(int16_t v) {
  ApiVersionsResponse in{
      .error_code = ErrorCode::kUnsupportedVersion,
      .api_keys = {{.api_key = 18, .min_version = 0, .max_version = 4},
                   {.api_key = 12, .min_version = 1, .max_version = 4}},
  };
  if (v >= 1) in.throttle_time_ms = 25;
  if (v >= 3) {
    in.supported_features = {{.name = "metadata.version", .min_version = 1, .max_version = 25},
                             {.name = "kraft.version", .min_version = 0, .max_version = 1}};
    in.finalized_features_epoch = 42;
    in.finalized_features = {
        {.name = "metadata.version", .max_version_level = 25, .min_version_level = 25},
        {.name = "kraft.version", .max_version_level = 1, .min_version_level = 1}};
    in.zk_migration_ready = true;
  }
  return in;
}

TEST(ApiVersionsRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = ApiVersionsRequest::kVersions.min; v <= ApiVersionsRequest::kVersions.max; ++v) {
    ApiVersionsRequest in;
    if (v >= 3) {
      in.client_software_name = "brook";
      in.client_software_version = "0.1.0";
    }
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(ApiVersionsResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = ApiVersionsResponse::kVersions.min; v <= ApiVersionsResponse::kVersions.max;
       ++v) {
    ApiVersionsResponse in = FullResponse(v);
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// v0-2 requests have no fields at all.
TEST(ApiVersionsRequestTest, V0IsEmpty) { ExpectSpecBytes(ApiVersionsRequest{}, 0, ""); }

// v3: COMPACT_STRING client_software_name, COMPACT_STRING client_software_version, tags.
TEST(ApiVersionsRequestTest, V3MatchesSpecBytes) {
  ApiVersionsRequest in{.client_software_name = "brook", .client_software_version = "1.0"};
  ExpectSpecBytes(in, 3, "06 62726f6f6b | 04 312e30 | 00");
}

TEST(ApiVersionsRequestTest, V4MatchesSpecBytes) {
  ApiVersionsRequest in{.client_software_name = "brook", .client_software_version = "1.0"};
  ExpectSpecBytes(in, 4, "06 62726f6f6b | 04 312e30 | 00");
}

// v0: INT16 error_code, ARRAY of {INT16 api_key, INT16 min_version, INT16 max_version}.
TEST(ApiVersionsResponseTest, V0MatchesSpecBytes) {
  ApiVersionsResponse in{.api_keys = {{.api_key = 18, .min_version = 0, .max_version = 4},
                                      {.api_key = 12, .min_version = 0, .max_version = 4}}};
  ExpectSpecBytes(in, 0, "0000 | 00000002 | 0012 0000 0004 | 000c 0000 0004");
}

// v3: compact array, each element with its own tag section, then throttle_time_ms and an
// empty tag section.
TEST(ApiVersionsResponseTest, V3MatchesSpecBytes) {
  ApiVersionsResponse in{.api_keys = {{.api_key = 18, .min_version = 0, .max_version = 4}}};
  ExpectSpecBytes(in, 3, "0000 | 02 0012 0000 0004 00 | 00000000 | 00");
}

// v4 with every tagged field set: four tags in ascending order, each as
// tag, size, value.
TEST(ApiVersionsResponseTest, V4WithTaggedFieldsMatchesSpecBytes) {
  ApiVersionsResponse in{
      .api_keys = {{.api_key = 18, .min_version = 0, .max_version = 4}},
      .throttle_time_ms = 5,
      .supported_features = {{.name = "tv", .min_version = 0, .max_version = 1}},
      .finalized_features_epoch = 7,
      .finalized_features = {{.name = "tv", .max_version_level = 2, .min_version_level = 1}},
      .zk_migration_ready = true,
  };
  ExpectSpecBytes(in, 4,
                  "0000 | 02 0012 0000 0004 00 | 00000005 | 04"
                  "| 00 09 02 03 7476 0000 0001 00"  // tag 0: supported_features
                  "| 01 08 0000000000000007"         // tag 1: finalized_features_epoch
                  "| 02 09 02 03 7476 0002 0001 00"  // tag 2: finalized_features
                  "| 03 01 01");                     // tag 3: zk_migration_ready
}

TEST(ApiVersionsResponseTest, TaggedFieldsAtDefaultAreOmitted) {
  EXPECT_EQ(ToHex(wire::Encode(ApiVersionsResponse{}, 3)),
            ToHex(FromHex("0000 | 01 | 00000000 | 00")));
  ApiVersionsResponse in{.finalized_features_epoch = 7};
  EXPECT_EQ(ToHex(wire::Encode(in, 3)),
            ToHex(FromHex("0000 | 01 | 00000000 | 01 | 01 08 0000000000000007")));
  EXPECT_EQ(RoundTrip(in, 3), in);
}

TEST(ApiVersionsResponseTest, UnknownTagIsSkipped) {
  // Tag 1 (known) then tag 31 (unknown, two bytes).
  std::string bytes = FromHex("0000 | 01 | 00000000 | 02 | 01 08 0000000000000007 | 1f 02 abcd");
  Result<ApiVersionsResponse> out = wire::Decode<ApiVersionsResponse>(bytes, 3);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, ApiVersionsResponse{.finalized_features_epoch = 7});
}

}  // namespace
}  // namespace brook
