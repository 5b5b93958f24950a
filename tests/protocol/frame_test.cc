// tests/protocol/frame_test.cc
#include "protocol/frame.h"

#include <gtest/gtest.h>

#include "protocol/api_table.h"
#include "protocol/request_header.h"
#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(FrameTest, ParsesSizeWithinLimit) {
  Result<int32_t> size = ParseFrameSize(FromHex("00000100"), kDefaultMaxFrameBytes);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 256);
}

TEST(FrameTest, RejectsNegativeAndOversizedFrames) {
  EXPECT_EQ(ParseFrameSize(FromHex("ffffffff"), 1024).status().code(), FrameErrc::kNegativeSize);
  EXPECT_EQ(ParseFrameSize(FromHex("00000401"), 1024).status().code(), FrameErrc::kTooLarge);
  EXPECT_TRUE(ParseFrameSize(FromHex("00000400"), 1024).ok());
}

TEST(FrameTest, PatchWritesTheBodyLength) {
  std::string frame(4, '\0');
  frame += "hello";
  PatchFrameSize(frame);
  EXPECT_EQ(ToHex(frame.substr(0, 4)), "00000005");
}

TEST(RequestHeaderTest, V1MatchesSpecBytes) {
  RequestHeader h{
      .api_key = ApiKey::kMetadata, .api_version = 4, .correlation_id = 9, .client_id = "rdkafka"};
  std::string out;
  EncodeRequestHeader(out, h, 1);
  EXPECT_EQ(out, FromHex("0003 | 0004 | 00000009 | 0007 72646b61666b61"));
  size_t consumed = 0;
  Result<RequestHeader> parsed = ParseRequestHeaderPrefix(out, &consumed);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, h);
  EXPECT_EQ(consumed, out.size());
}

TEST(RequestHeaderTest, V2KeepsANonCompactClientIdAndAddsTags) {
  RequestHeader h{.api_key = ApiKey::kApiVersions,
                  .api_version = 3,
                  .correlation_id = 1,
                  .client_id = std::nullopt};
  std::string out;
  EncodeRequestHeader(out, h, 2);
  EXPECT_EQ(out, FromHex("0012 | 0003 | 00000001 | ffff | 00"));
  size_t prefix = 0;
  ASSERT_TRUE(ParseRequestHeaderPrefix(out, &prefix).ok());
  size_t tags = 0;
  ASSERT_TRUE(ParseRequestHeaderTags(std::string_view(out).substr(prefix), &tags).ok());
  EXPECT_EQ(prefix + tags, out.size());
}

TEST(RequestHeaderTest, TruncatedHeaderIsAnError) {
  size_t consumed = 0;
  EXPECT_FALSE(ParseRequestHeaderPrefix(FromHex("0003 0004 0000"), &consumed).ok());
  EXPECT_FALSE(ParseRequestHeaderPrefix(FromHex("0003 0004 00000009 0007 7264"), &consumed).ok());
}

TEST(ResponseHeaderTest, ApiVersionsAlwaysUsesV0) {
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kApiVersions, /*flexible=*/true), 0);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kMetadata, /*flexible=*/true), 1);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kMetadata, /*flexible=*/false), 0);
  std::string out;
  EncodeResponseHeader(out, 7, 1);
  EXPECT_EQ(out, FromHex("00000007 00"));
}

// A Fetch response with records on both sides of the splice threshold, in a
// classic and a flexible version: the spliced frame, with the splices put
// back at their positions, is byte for byte the copied one.
TEST(FrameTest, SplicedRecordsReassembleToTheCopiedFrame) {
  FetchResponse response;
  auto& topic = response.responses.emplace_back();
  topic.topic = "t";
  for (int p = 0; p < 3; ++p) {
    auto& partition = topic.partitions.emplace_back();
    partition.partition_index = p;
    partition.records = std::string(p == 1 ? 100 : 40000 + p, static_cast<char>('a' + p));
  }
  topic.partitions.emplace_back().partition_index = 3;  // null records
  for (int16_t version : {int16_t{11}, int16_t{12}, int16_t{16}}) {
    const std::string copied = EncodeResponseFrame(7, version, response);
    std::vector<wire::Splice> splices;
    const std::string head = EncodeResponseFrame(7, version, response, &splices, 16 << 10);
    ASSERT_EQ(splices.size(), 2u) << "v" << version;  // the 100-byte records are copied
    std::string joined;
    size_t from = 0;
    for (const wire::Splice& s : splices) {
      joined.append(head, from, s.position - from);
      joined.append(s.bytes);
      from = s.position;
    }
    joined.append(head, from);
    EXPECT_EQ(joined.size(), copied.size()) << "v" << version;
    EXPECT_TRUE(joined == copied) << "v" << version;
    Result<int32_t> size = ParseFrameSize(std::string_view(head).substr(0, 4), 1 << 30);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(static_cast<size_t>(*size), copied.size() - 4);
  }
}

}  // namespace
}  // namespace brook
