// tests/protocol/base/crc32c_test.cc
#include "protocol/base/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brook {
namespace {

using Impl = uint32_t (*)(std::string_view, uint32_t);

// One bit at a time, straight from the definition: the reference both
// implementations are checked against.
uint32_t BitwiseCrc32c(std::string_view data, uint32_t crc = 0) {
  uint32_t c = ~crc;
  for (unsigned char byte : data) {
    c ^= byte;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + 7) % 251);
  return s;
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

struct KnownAnswer {
  std::string data;
  uint32_t crc;
};

// Values from RFC 3720 appendix B.4 and common test suites, confirmed with
// Python's crcmod ('crc-32c').
std::vector<KnownAnswer> KnownAnswers() {
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  return {
      {"", 0x00000000},
      {"a", 0xC1D04330},
      {"123456789", 0xE3069283},
      {std::string(32, '\0'), 0x8A9136AA},
      {std::string(32, '\xff'), 0x62A8AB43},
      {ascending, 0x46DD794E},
      {descending, 0x113FDB5C},
      {"The quick brown fox jumps over the lazy dog", 0x22620404},
      // Long enough for the three-stream path at every block size.
      {Pattern(1 << 20), 0x645628E1},
      {Pattern(100003).substr(3), 0x2096874D},
  };
}

std::vector<std::pair<const char*, Impl>> Implementations() {
  std::vector<std::pair<const char*, Impl>> impls = {
      {"Crc32c", [](std::string_view d, uint32_t c) { return Crc32c(d, c); }},
      {"Portable", &crc32c_internal::Portable},
  };
  if (crc32c_internal::HardwareSupported()) {
    impls.emplace_back("Hardware", &crc32c_internal::Hardware);
  }
  return impls;
}

TEST(Crc32cTest, MatchesKnownAnswers) {
  for (const auto& [name, impl] : Implementations()) {
    for (const KnownAnswer& k : KnownAnswers()) {
      EXPECT_EQ(impl(k.data, 0), k.crc) << name << " over " << k.data.size() << " bytes";
    }
  }
}

TEST(Crc32cTest, DefaultStartIsAnEmptyPrefix) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c("", 0x12345678), 0x12345678u);
}

TEST(Crc32cTest, ReferenceMatchesKnownAnswers) {
  for (const KnownAnswer& k : KnownAnswers()) EXPECT_EQ(BitwiseCrc32c(k.data), k.crc);
}

TEST(Crc32cTest, ExtendsAcrossEverySplit) {
  const std::string data = Pattern(1000);
  const uint32_t whole = Crc32c(data);
  for (const auto& [name, impl] : Implementations()) {
    for (size_t split = 0; split <= data.size(); ++split) {
      std::string_view view(data);
      uint32_t crc = impl(view.substr(split), impl(view.substr(0, split), 0));
      ASSERT_EQ(crc, whole) << name << " split at " << split;
    }
  }
}

TEST(Crc32cTest, HardwareAndPortableAgreeOnRandomLengthsAndAlignments) {
  if (!crc32c_internal::HardwareSupported()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(42);
  const std::string buffer = RandomBytes(rng, 200 * 1024);
  for (int i = 0; i < 2000; ++i) {
    size_t offset = rng() % 64;
    // Mostly short lengths, some long enough for the long-block streams.
    size_t max_len = (i % 10 == 0) ? buffer.size() - offset : 4096;
    size_t len = rng() % (max_len + 1);
    uint32_t seed = (i % 3 == 0) ? static_cast<uint32_t>(rng()) : 0;
    std::string_view piece(buffer.data() + offset, len);
    uint32_t hardware = crc32c_internal::Hardware(piece, seed);
    ASSERT_EQ(hardware, crc32c_internal::Portable(piece, seed))
        << "offset " << offset << " length " << len;
    if (len <= 4096) {
      ASSERT_EQ(hardware, BitwiseCrc32c(piece, seed));
    }
  }
}

TEST(Crc32cTest, BlockBoundaryLengthsMatchTheReference) {
  std::mt19937_64 rng(7);
  const std::string buffer = RandomBytes(rng, 3 * 8192 * 2 + 3 * 1024 + 3 * 256 * 2 + 64);
  // Around multiples of the stream sizes (3 x 256, 3 x 1024 and 3 x 8192 bytes)
  // and their sums.
  for (size_t base : {size_t{768}, size_t{1536}, size_t{3072}, size_t{3840}, size_t{6144},
                      size_t{24576}, size_t{28416}, size_t{49152}}) {
    for (size_t len = base - 9; len <= base + 9; ++len) {
      for (size_t offset : {0, 1, 5}) {
        std::string_view piece(buffer.data() + offset, len);
        uint32_t expected = BitwiseCrc32c(piece);
        for (const auto& [name, impl] : Implementations()) {
          ASSERT_EQ(impl(piece, 0), expected) << name << " length " << len << " offset " << offset;
        }
      }
    }
  }
}

}  // namespace
}  // namespace brook
