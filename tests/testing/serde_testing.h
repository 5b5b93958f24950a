// tests/testing/serde_testing.h
//
// Helpers for message tests: round trips at a version, hex <-> bytes for
// golden vectors, and reading files from tests/data.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/wire/serde.h"

namespace brook::testing {

// "00 0a ff" or "000aff" (whitespace and '|' ignored) -> bytes. Aborts the test on bad hex.
std::string FromHex(std::string_view hex);
// Bytes -> "000aff".
std::string ToHex(std::string_view bytes);

// Path of a file under tests/data (the BROOK_TEST_DATA_DIR compile definition).
std::string TestDataPath(std::string_view relative);
// Contents of a file under tests/data; fails the test if it cannot be read.
std::string ReadTestData(std::string_view relative);

// Encodes `m` at `version`, checks that the Sizer agrees with the Encoder, and
// decodes the bytes again. A failed decode fails the test and returns M{}.
template <typename M>
M RoundTrip(const M& m, int16_t version) {
  std::string bytes = wire::Encode(m, version);
  EXPECT_EQ(bytes.size(), wire::EncodedSize(m, version)) << "sizer disagrees at v" << version;
  Result<M> decoded = wire::Decode<M>(bytes, version);
  EXPECT_TRUE(decoded.ok()) << "v" << version << ": " << decoded.status().ToString();
  if (!decoded.ok()) return M{};
  return std::move(decoded).value();
}

// Golden bytes written from the spec: `m` encodes at `version` to exactly
// `hex`, and `hex` decodes back to `m`.
template <typename M>
void ExpectSpecBytes(const M& m, int16_t version, std::string_view hex) {
  const std::string bytes = FromHex(hex);
  EXPECT_EQ(ToHex(wire::Encode(m, version)), ToHex(bytes)) << "encoding at v" << version;
  Result<M> decoded = wire::Decode<M>(bytes, version);
  ASSERT_TRUE(decoded.ok()) << "v" << version << ": " << decoded.status().ToString();
  EXPECT_TRUE(*decoded == m) << "decoding at v" << version;
}

// `bytes` decode at `version` to `want`.
template <typename M>
void ExpectDecodesTo(const std::string& bytes, int16_t version, const M& want) {
  Result<M> got = wire::Decode<M>(bytes, version);
  ASSERT_TRUE(got.ok()) << "v" << version << ": " << got.status().ToString();
  EXPECT_TRUE(*got == want) << "v" << version;
}

// Every strict prefix of a valid encoding must fail to decode (never crash).
template <typename M>
void ExpectEveryTruncationFails(const M& m, int16_t version) {
  std::string bytes = wire::Encode(m, version);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(wire::Decode<M>(std::string_view(bytes).substr(0, n), version).ok())
        << "prefix of " << n << " bytes decoded at v" << version;
  }
}

}  // namespace brook::testing
