// tests/protocol/wire/varint_test.cc
#include "protocol/wire/varint.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "tests/testing/serde_testing.h"

namespace brook::wire {
namespace {

using testing::FromHex;
using testing::ToHex;

std::string EncodeUnsigned(uint64_t v) {
  std::string out;
  AppendUnsignedVarint(out, v);
  return out;
}

TEST(VarintTest, UnsignedEncodingsMatchTheSpec) {
  EXPECT_EQ(ToHex(EncodeUnsigned(0)), "00");
  EXPECT_EQ(ToHex(EncodeUnsigned(1)), "01");
  EXPECT_EQ(ToHex(EncodeUnsigned(127)), "7f");
  EXPECT_EQ(ToHex(EncodeUnsigned(128)), "8001");
  EXPECT_EQ(ToHex(EncodeUnsigned(300)), "ac02");
  EXPECT_EQ(ToHex(EncodeUnsigned(0xffffffffu)), "ffffffff0f");
}

TEST(VarintTest, ZigZagMapsSmallMagnitudesToSmallCodes) {
  EXPECT_EQ(ZigZag32(0), 0u);
  EXPECT_EQ(ZigZag32(-1), 1u);
  EXPECT_EQ(ZigZag32(1), 2u);
  EXPECT_EQ(ZigZag32(-2), 3u);
  EXPECT_EQ(ZigZag32(std::numeric_limits<int32_t>::max()), 0xfffffffeu);
  EXPECT_EQ(ZigZag32(std::numeric_limits<int32_t>::min()), 0xffffffffu);
  EXPECT_EQ(ZigZag64(std::numeric_limits<int64_t>::min()), ~uint64_t{0});
}

TEST(VarintTest, ZigZagRoundTripsRandomValues) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    int64_t v = static_cast<int64_t>(rng());
    EXPECT_EQ(UnZigZag64(ZigZag64(v)), v);
    int32_t w = static_cast<int32_t>(rng());
    EXPECT_EQ(UnZigZag32(ZigZag32(w)), w);
  }
}

TEST(VarintTest, SizesAgreeWithEncodings) {
  for (uint64_t v : {0ull, 127ull, 128ull, 16383ull, 16384ull, 0xffffffffull, ~0ull}) {
    EXPECT_EQ(UnsignedVarintSize(v), EncodeUnsigned(v).size()) << v;
  }
  EXPECT_EQ(EncodeUnsigned(~0ull).size(), 10u);
}

TEST(VarintTest, ReaderStopsAtTheEndOfInput) {
  std::string bytes = FromHex("8080");  // continuation bits with nothing after
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  uint64_t v = 0;
  EXPECT_EQ(ReadUnsignedVarint(&p, p + bytes.size(), 5, &v), VarintStatus::kTruncated);
}

TEST(VarintTest, ReaderRejectsOverlongEncodings) {
  std::string bytes = FromHex("ffffffffff01");  // six bytes for a 32-bit value
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  uint64_t v = 0;
  EXPECT_EQ(ReadUnsignedVarint(&p, p + bytes.size(), 5, &v), VarintStatus::kTooLong);
}

TEST(VarintTest, ReaderAdvancesPastOneValue) {
  std::string bytes = FromHex("ac02 05");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* end = p + bytes.size();
  uint64_t v = 0;
  ASSERT_EQ(ReadUnsignedVarint(&p, end, 5, &v), VarintStatus::kOk);
  EXPECT_EQ(v, 300u);
  ASSERT_EQ(ReadUnsignedVarint(&p, end, 5, &v), VarintStatus::kOk);
  EXPECT_EQ(v, 5u);
  EXPECT_EQ(p, end);
}

}  // namespace
}  // namespace brook::wire
