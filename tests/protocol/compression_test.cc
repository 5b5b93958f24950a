// tests/protocol/compression_test.cc
#include "protocol/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/record_batch_errors.h"
#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};
constexpr Compression kRealCodecs[] = {Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                                       Compression::kZstd};
constexpr size_t kNoLimit = 64 << 20;
constexpr char kText[] = "hello kafka, hello brook";

std::string Compressible(size_t n) {
  std::string s;
  s.reserve(n);
  for (size_t i = 0; s.size() < n; ++i) s += "record-" + std::to_string(i % 97) + ";";
  s.resize(n);
  return s;
}

std::string Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string MustCompress(Compression c, std::string_view data) {
  Result<std::string> r = Compress(c, data);
  EXPECT_TRUE(r.ok()) << CompressionName(c) << ": " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(CompressionTest, RoundTripsEveryCodec) {
  std::vector<std::string> inputs = {
      "", "x", kText, Compressible(1000), Compressible(300000), Random(100000, 1)};
  for (Compression c : kCodecs) {
    for (const std::string& in : inputs) {
      std::string compressed = MustCompress(c, in);
      Result<std::string> out = Decompress(c, compressed, in.size());
      ASSERT_TRUE(out.ok()) << CompressionName(c) << " " << in.size()
                            << " bytes: " << out.status().ToString();
      EXPECT_EQ(*out, in) << CompressionName(c);
    }
  }
}

TEST(CompressionTest, WritesKafkaFramings) {
  EXPECT_EQ(MustCompress(Compression::kGzip, kText).substr(0, 3), FromHex("1f8b08"));
  // xerial: magic, version 1, compatible version 1, then one block of 32-bit length.
  std::string snappy = MustCompress(Compression::kSnappy, kText);
  EXPECT_EQ(snappy.substr(0, 16), FromHex("82 534e415050 5900 | 00000001 | 00000001"));
  EXPECT_EQ(snappy.size(), 16 + 4 + static_cast<size_t>(snappy[19]));
  // LZ4 frame magic, then FLG 0x60: version 01, independent blocks, no checksums or size.
  EXPECT_EQ(MustCompress(Compression::kLz4, kText).substr(0, 5), FromHex("04224d18 60"));
  EXPECT_EQ(MustCompress(Compression::kZstd, kText).substr(0, 4), FromHex("28b52ffd"));
}

TEST(CompressionTest, SnappySplitsInto32KiBBlocks) {
  const std::string in = Compressible(100000);
  std::string framed = MustCompress(Compression::kSnappy, in);
  size_t blocks = 0;
  for (size_t pos = 16; pos < framed.size(); ++blocks) {
    auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(framed[i])); };
    pos += 4 + (u(pos) << 24 | u(pos + 1) << 16 | u(pos + 2) << 8 | u(pos + 3));
  }
  EXPECT_EQ(blocks, 4u);  // 32 KiB + 32 KiB + 32 KiB + 1696 bytes
}

// Streams written by other implementations (gzip -n, lz4 and zstd command-line
// tools reading from a pipe, so zstd wrote no content size), and snappy by hand.
TEST(CompressionTest, DecompressesForeignStreams) {
  struct Case {
    Compression codec;
    const char* hex;
  };
  const Case cases[] = {
      {Compression::kGzip,
       "1f8b0800000000000003cb48cdc9c957c84e4ccb4ed451c80073928af2f3b3017a15784818000000"},
      // Linked blocks, content checksum.
      {Compression::kLz4,
       "04224d186440a71800008068656c6c6f206b61666b612c2068656c6c6f2062726f6f6b000000009c1cce9a"},
      // With a content size.
      {Compression::kLz4,
       "04224d186c401800000000000000351800008068656c6c6f206b61666b612c2068656c6c6f2062726f6f6b00"
       "0000009c1cce9a"},
      // No content size (frame header descriptor 0x04), content checksum.
      {Compression::kZstd,
       "28b52ffd0458c1000068656c6c6f206b61666b612c2068656c6c6f2062726f6f6b57ffd8ca"},
      {Compression::kZstd,
       "28b52ffd2418c1000068656c6c6f206b61666b612c2068656c6c6f2062726f6f6b57ffd8ca"},
      // Raw snappy: uncompressed length 24, literal tag (24 - 1) << 2, the bytes.
      {Compression::kSnappy, "18 5c 68656c6c6f206b61666b612c2068656c6c6f2062726f6f6b"},
      // The same block in xerial framing.
      {Compression::kSnappy,
       "82534e41505059000000000100000001 0000001a 185c68656c6c6f206b61666b612c2068656c6c6f2062726f"
       "6f6b"},
      // Two xerial streams concatenated.
      {Compression::kSnappy,
       "82534e41505059000000000100000001 0000000e 0c2c68656c6c6f206b61666b612c"
       "82534e41505059000000000100000001 0000000e 0c2c2068656c6c6f2062726f6f6b"},
  };
  for (const Case& c : cases) {
    Result<std::string> out = Decompress(c.codec, FromHex(c.hex), 1000);
    ASSERT_TRUE(out.ok()) << c.hex << ": " << out.status().ToString();
    EXPECT_EQ(*out, kText) << c.hex;
  }
}

TEST(CompressionTest, DecompressesConcatenatedFrames) {
  for (Compression c : {Compression::kGzip, Compression::kLz4, Compression::kZstd}) {
    std::string both = MustCompress(c, "first,") + MustCompress(c, "second");
    Result<std::string> out = Decompress(c, both, 100);
    ASSERT_TRUE(out.ok()) << CompressionName(c) << ": " << out.status().ToString();
    EXPECT_EQ(*out, "first,second");
  }
}

TEST(CompressionTest, ZipBombStopsAtTheLimit) {
  const std::string zeros(8 << 20, '\0');
  for (Compression c : kCodecs) {
    std::string compressed = MustCompress(c, zeros);
    Result<std::string> out = Decompress(c, compressed, 1 << 20);
    ASSERT_FALSE(out.ok()) << CompressionName(c);
    EXPECT_EQ(out.status().code(), RecordBatchErrc::kUncompressedTooLarge)
        << CompressionName(c) << ": " << out.status().ToString();
  }
}

TEST(CompressionTest, LimitIsInclusive) {
  const std::string in = Compressible(50000);
  for (Compression c : kCodecs) {
    std::string compressed = MustCompress(c, in);
    EXPECT_TRUE(Decompress(c, compressed, in.size()).ok()) << CompressionName(c);
    Result<std::string> over = Decompress(c, compressed, in.size() - 1);
    ASSERT_FALSE(over.ok()) << CompressionName(c);
    EXPECT_EQ(over.status().code(), RecordBatchErrc::kUncompressedTooLarge) << CompressionName(c);
  }
}

TEST(CompressionTest, ZstdRefusesHugeWindowsUnderSmallLimits) {
  // A frame header (no content size) asking for a 2 GiB window: 0x00 descriptor,
  // window descriptor 0x88 (exponent 17 + 10 = 31).
  Result<std::string> out = Decompress(Compression::kZstd, FromHex("28b52ffd 00 88 010000"), 1000);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), RecordBatchErrc::kUncompressedTooLarge);
}

TEST(CompressionTest, EveryTruncationFails) {
  const std::string in = Compressible(5000);
  for (Compression c : kRealCodecs) {
    std::string compressed = MustCompress(c, in);
    for (size_t n = 0; n < compressed.size(); ++n) {
      Result<std::string> out = Decompress(c, std::string_view(compressed).substr(0, n), kNoLimit);
      if (c == Compression::kSnappy && out.ok()) {
        // A xerial stream cut between blocks is a shorter valid stream.
        EXPECT_LT(out->size(), in.size()) << "prefix of " << n;
        continue;
      }
      ASSERT_FALSE(out.ok()) << CompressionName(c) << " prefix of " << n;
      EXPECT_EQ(out.status().code(), RecordBatchErrc::kCorruptCompressedData)
          << CompressionName(c) << " prefix of " << n << ": " << out.status().ToString();
    }
  }
}

TEST(CompressionTest, CorruptInputNeverCrashes) {
  std::mt19937_64 rng(99);
  const std::string in = Compressible(20000);
  for (Compression c : kRealCodecs) {
    const std::string good = MustCompress(c, in);
    for (int i = 0; i < 3000; ++i) {
      std::string bad = good;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
      }
      Result<std::string> out = Decompress(c, bad, in.size() * 2);
      if (out.ok()) {
        EXPECT_LE(out->size(), in.size() * 2);
      }
    }
    // Garbage of every small length: whatever the outcome, no crash.
    for (size_t n = 1; n < 64; ++n) {
      Result<std::string> out = Decompress(c, Random(n, n), kNoLimit);
      if (out.ok()) {
        EXPECT_LE(out->size(), kNoLimit);
      }
    }
    EXPECT_FALSE(Decompress(c, "", kNoLimit).ok()) << CompressionName(c);
  }
}

TEST(CompressionTest, TrailingGarbageFails) {
  for (Compression c : {Compression::kGzip, Compression::kLz4, Compression::kZstd}) {
    std::string bytes = MustCompress(c, kText) + "junk";
    EXPECT_FALSE(Decompress(c, bytes, 1000).ok()) << CompressionName(c);
  }
}

TEST(CompressionTest, RejectsUnknownCodecs) {
  for (int8_t v : {5, 6, 7, -1}) {
    auto c = static_cast<Compression>(v);
    EXPECT_FALSE(IsKnownCompression(c));
    EXPECT_EQ(Compress(c, "x").status().code(), RecordBatchErrc::kUnsupportedCompression);
    EXPECT_EQ(Decompress(c, "x", 10).status().code(), RecordBatchErrc::kUnsupportedCompression);
  }
  EXPECT_EQ(CompressionName(Compression::kZstd), "zstd");
}

}  // namespace
}  // namespace brook
