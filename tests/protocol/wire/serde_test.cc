// tests/protocol/wire/serde_test.cc
//
// The Encoder/Decoder/Sizer primitives on a test message that uses every kind
// of field, and the Decoder's totality on malformed input.
#include "protocol/wire/serde.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::RoundTrip;
using testing::ToHex;

struct Everything {
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;

  struct Item {
    int32_t id = 0;
    std::string name;
    template <typename Io>
    void Serde(Io& io) {
      io.Int32(id);
      io.String(name);
      io.TaggedFields();
    }
    bool operator==(const Item&) const = default;
  };

  int8_t i8 = 0;
  int16_t i16 = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  bool flag = false;
  double real = 0;
  int32_t varint = 0;
  int64_t varlong = 0;
  uint32_t uvarint = 0;
  Uuid id;
  ErrorCode error = ErrorCode::kNone;
  std::string text;
  std::optional<std::string> maybe_text;
  std::string blob;
  std::optional<std::string> maybe_blob;
  std::vector<Item> items;
  std::optional<std::vector<int32_t>> maybe_ints;
  std::vector<std::string> names;
  std::optional<std::string> tagged_text;  // tag 0
  int64_t tagged_number = -1;              // tag 5, default -1

  template <typename Io>
  void Serde(Io& io) {
    io.Int8(i8);
    io.Int16(i16);
    io.Int32(i32);
    io.Int64(i64);
    io.UInt16(u16);
    io.UInt32(u32);
    io.Bool(flag);
    io.Float64(real);
    io.VarInt(varint);
    io.VarLong(varlong);
    io.UnsignedVarInt(uvarint);
    io.Uuid(id);
    io.Error(error);
    io.String(text);
    io.NullableString(maybe_text);
    io.Bytes(blob);
    io.NullableBytes(maybe_blob);
    io.Array(items);
    io.NullableArray(maybe_ints);
    io.Array(names);
    io.TaggedFields([&](auto& tags) {
      tags.Field(0, tagged_text.has_value(), [&](auto& v) { v.NullableString(tagged_text); });
      tags.Field(5, tagged_number != -1, [&](auto& v) { v.Int64(tagged_number); });
    });
  }

  bool operator==(const Everything&) const = default;
};

Everything Filled() {
  Everything e;
  e.i8 = -3;
  e.i16 = -300;
  e.i32 = 123456789;
  e.i64 = -1234567890123;
  e.u16 = 65000;
  e.u32 = 4000000000u;
  e.flag = true;
  e.real = 2.5;
  e.varint = -64;
  e.varlong = 1ll << 40;
  e.uvarint = 300;
  e.id = Uuid::Random();
  e.error = ErrorCode::kNotCoordinator;
  e.text = "hello";
  e.maybe_text = "";
  e.blob = std::string("\0\1\2", 3);
  e.maybe_blob = std::nullopt;
  e.items = {{1, "a"}, {2, "bb"}};
  e.maybe_ints = std::vector<int32_t>{7, 8, 9};
  e.names = {"x", "", "zz"};
  return e;
}

TEST(SerdeTest, RoundTripsEveryFieldKindInBothEncodings) {
  for (int16_t v : {0, 1}) {
    Everything in = Filled();
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(SerdeTest, NullsRoundTrip) {
  for (int16_t v : {0, 1}) {
    Everything in;
    in.maybe_text = std::nullopt;
    in.maybe_blob = std::nullopt;
    in.maybe_ints = std::nullopt;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
  }
}

TEST(SerdeTest, ClassicEncodingUsesFixedWidthLengths) {
  Everything e;
  e.text = "ab";
  e.maybe_text = std::nullopt;
  e.blob = "c";
  e.maybe_blob = std::nullopt;
  e.items = {{1, "d"}};
  e.maybe_ints = std::nullopt;
  std::string hex = ToHex(wire::Encode(e, 0));
  // ... error | text | null string | bytes | null bytes | [item] | null array | [] names
  EXPECT_NE(hex.find("0000"
                     "0002"
                     "6162"
                     "ffff"
                     "00000001"
                     "63"
                     "ffffffff"
                     "00000001"
                     "00000001"
                     "0001"
                     "64"
                     "ffffffff"
                     "00000000"),
            std::string::npos)
      << hex;
}

TEST(SerdeTest, FlexibleEncodingUsesCompactLengthsAndTags) {
  Everything e;
  e.text = "ab";
  e.maybe_text = std::nullopt;
  e.blob = "c";
  e.maybe_blob = std::nullopt;
  e.items = {{1, "d"}};
  e.maybe_ints = std::nullopt;
  e.tagged_number = 2;
  std::string hex = ToHex(wire::Encode(e, 1));
  // text "ab" = 03 6162; null = 00; blob = 02 63; null = 00; one item = 02 [00000001 02 64 00];
  // null array = 00; empty names = 01; one tag: count 01, tag 05, size 08, int64 2.
  EXPECT_NE(hex.find("036162"
                     "00"
                     "0263"
                     "00"
                     "02"
                     "00000001"
                     "0264"
                     "00"
                     "00"
                     "01"
                     "01"
                     "05"
                     "08"
                     "0000000000000002"),
            std::string::npos)
      << hex;
  EXPECT_EQ(hex.substr(hex.size() - 22),
            "010508"
            "0000000000000002");
}

TEST(SerdeTest, TaggedFieldAtItsDefaultIsOmitted) {
  Everything e;
  std::string bytes = wire::Encode(e, 1);
  EXPECT_EQ(bytes.back(), 0);  // empty tag section
  e.tagged_text = "t";
  EXPECT_EQ(RoundTrip(e, 1), e);
  EXPECT_GT(wire::Encode(e, 1).size(), bytes.size());
}

TEST(SerdeTest, UnknownTagsAreSkipped) {
  Everything e;
  std::string bytes = wire::Encode(e, 1);
  bytes.pop_back();  // drop the empty tag section, add tags 3 (unknown) and 5 (known)
  bytes += FromHex("02 | 03 02 abcd | 05 08 0000000000000009");
  Result<Everything> decoded = wire::Decode<Everything>(bytes, 1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->tagged_number, 9);
}

TEST(SerdeTest, TagsOutOfOrderAreRejected) {
  Everything e;
  std::string bytes = wire::Encode(e, 1);
  bytes.pop_back();
  bytes += FromHex("02 | 05 08 0000000000000009 | 03 00");
  Result<Everything> decoded = wire::Decode<Everything>(bytes, 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), wire::Errc::kBadTaggedFields);
}

TEST(SerdeTest, TagWhoseValueDoesNotFillItsSizeIsRejected) {
  Everything e;
  std::string bytes = wire::Encode(e, 1);
  bytes.pop_back();
  bytes += FromHex("01 | 05 09 0000000000000009 ff");
  EXPECT_EQ(wire::Decode<Everything>(bytes, 1).status().code(), wire::Errc::kBadTaggedFields);
}

TEST(SerdeTest, TrailingBytesAreRejected) {
  std::string bytes = wire::Encode(Everything{}, 0) + "x";
  EXPECT_EQ(wire::Decode<Everything>(bytes, 0).status().code(), wire::Errc::kTrailingBytes);
}

TEST(SerdeTest, UnsupportedVersionIsRejected) {
  EXPECT_EQ(wire::Decode<Everything>("", 2).status().code(), wire::Errc::kUnsupportedVersion);
}

// A message that is only one array of structs, to aim lengths at the decoder.
struct ListOfItems {
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = 1;
  std::vector<Everything::Item> items;
  std::string text;
  template <typename Io>
  void Serde(Io& io) {
    io.Array(items);
    io.String(text);
  }
};

TEST(SerdeTest, HugeArrayCountFailsWithoutAllocating) {
  // 2^31-1 elements claimed by four bytes: must fail on the length check.
  Result<ListOfItems> r = wire::Decode<ListOfItems>(FromHex("7fffffff 00000001"), 0);
  EXPECT_EQ(r.status().code(), wire::Errc::kLengthExceedsInput);
  Result<ListOfItems> compact = wire::Decode<ListOfItems>(FromHex("ffffffff0f 00"), 1);
  EXPECT_EQ(compact.status().code(), wire::Errc::kLengthExceedsInput);
}

TEST(SerdeTest, NullForANonNullableArrayIsRejected) {
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("ffffffff 0000"), 0).status().code(),
            wire::Errc::kNegativeLength);
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("00 01"), 1).status().code(),
            wire::Errc::kNegativeLength);
}

TEST(SerdeTest, NegativeStringLengthIsRejected) {
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("00000000 ffff"), 0).status().code(),
            wire::Errc::kNegativeLength);
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("00000000 fffe"), 0).status().code(),
            wire::Errc::kNegativeLength);
}

TEST(SerdeTest, StringLongerThanInputIsRejected) {
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("00000000 0005 6162"), 0).status().code(),
            wire::Errc::kLengthExceedsInput);
}

TEST(SerdeTest, OverlongVarintIsRejected) {
  EXPECT_EQ(wire::Decode<ListOfItems>(FromHex("ffffffffff7f 01"), 1).status().code(),
            wire::Errc::kVarintTooLong);
}

TEST(SerdeTest, ErrorReportsTheOffset) {
  Result<ListOfItems> r = wire::Decode<ListOfItems>(FromHex("00000000 0005 6162"), 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().context(), "at byte 6");
}

TEST(SerdeTest, RandomBytesNeverCrashTheDecoder) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 96, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    for (int16_t v : {0, 1}) {
      Result<Everything> r = wire::Decode<Everything>(bytes, v);
      if (r.ok()) {
        EXPECT_EQ(RoundTrip(*r, v), *r);
      }
    }
  }
}

}  // namespace
}  // namespace brook

namespace brook {
namespace {

TEST(SerdeTest, OverlongClassicStringIsCutToStayWellFormed) {
  ListOfItems in;
  in.text = std::string(40000, 'x');
  std::string bytes = wire::Encode(in, 0);
  EXPECT_EQ(bytes.size(), wire::EncodedSize(in, 0));
  Result<ListOfItems> out = wire::Decode<ListOfItems>(bytes, 0);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->text.size(), wire::kMaxClassicString);
  // The flexible encoding has no such limit.
  Result<ListOfItems> flexible = wire::Decode<ListOfItems>(wire::Encode(in, 1), 1);
  ASSERT_TRUE(flexible.ok());
  EXPECT_EQ(flexible->text, in.text);
}

}  // namespace
}  // namespace brook
