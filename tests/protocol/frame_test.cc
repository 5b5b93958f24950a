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

// Records that live in a file (ExternalBytes): the spliced frame lists the
// range whatever its size; the copied frame reads the bytes in, or zeros
// when the file fails, so the frame keeps its length.
class FakeFileBytes final : public wire::ExternalBytes {
 public:
  FakeFileBytes(std::string bytes, bool readable) : bytes_(std::move(bytes)), readable_(readable) {}
  size_t size() const override { return bytes_.size(); }
  int fd() const override { return 42; }
  uint64_t offset() const override { return 4096; }
  bool AppendTo(std::string& out) const override {
    if (!readable_) return false;
    out.append(bytes_);
    return true;
  }

 private:
  std::string bytes_;
  bool readable_;
};

TEST(FrameTest, RecordsInAFileAreSplicedOrReadIn) {
  FetchResponse in_file;
  FetchResponse in_memory;
  for (FetchResponse* response : {&in_file, &in_memory}) {
    auto& topic = response->responses.emplace_back();
    topic.topic = "t";
    for (int p = 0; p < 2; ++p) topic.partitions.emplace_back().partition_index = p;
  }
  const std::string small(300, 'x');
  const std::string large(50000, 'y');
  in_memory.responses[0].partitions[0].records = small;
  in_memory.responses[0].partitions[1].records = large;
  in_file.responses[0].partitions[0].file_records = std::make_shared<FakeFileBytes>(small, true);
  in_file.responses[0].partitions[1].file_records = std::make_shared<FakeFileBytes>(large, true);
  for (int16_t version : {int16_t{4}, int16_t{12}, int16_t{17}}) {
    const std::string expected = EncodeResponseFrame(7, version, in_memory);
    EXPECT_EQ(EncodeResponseFrame(7, version, in_file), expected) << "v" << version;
    EXPECT_EQ(wire::EncodedSize(in_file, version), wire::EncodedSize(in_memory, version));

    std::vector<wire::Splice> splices;
    const std::string head = EncodeResponseFrame(7, version, in_file, &splices, 16 << 10);
    ASSERT_EQ(splices.size(), 2u) << "v" << version;  // the 300 bytes too: they are in a file
    std::string joined;
    size_t from = 0;
    for (const wire::Splice& s : splices) {
      ASSERT_NE(s.external, nullptr);
      EXPECT_EQ(s.external->fd(), 42);
      joined.append(head, from, s.position - from);
      ASSERT_TRUE(s.external->AppendTo(joined));
      from = s.position;
    }
    joined.append(head, from);
    EXPECT_TRUE(joined == expected) << "v" << version;
    Result<int32_t> size = ParseFrameSize(std::string_view(head).substr(0, 4), 1 << 30);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(static_cast<size_t>(*size), expected.size() - 4);
  }

  in_file.responses[0].partitions[1].file_records = std::make_shared<FakeFileBytes>(large, false);
  const std::string zeroed = EncodeResponseFrame(7, 12, in_file);
  const std::string expected = EncodeResponseFrame(7, 12, in_memory);
  ASSERT_EQ(zeroed.size(), expected.size());
  const size_t at = expected.find(large);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(zeroed.substr(at, large.size()), std::string(large.size(), '\0'));
  EXPECT_EQ(zeroed.substr(0, at), expected.substr(0, at));
}

}  // namespace
}  // namespace brook
