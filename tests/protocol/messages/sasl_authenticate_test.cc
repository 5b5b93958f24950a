// tests/protocol/messages/sasl_authenticate_test.cc
#include "protocol/messages/sasl_authenticate.h"

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

TEST(SaslAuthenticateRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = SaslAuthenticateRequest::kVersions.min;
       v <= SaslAuthenticateRequest::kVersions.max; ++v) {
    SaslAuthenticateRequest in{.auth_bytes = std::string("\0user\0secret", 12)};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(SaslAuthenticateResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = SaslAuthenticateResponse::kVersions.min;
       v <= SaslAuthenticateResponse::kVersions.max; ++v) {
    SaslAuthenticateResponse in{.error_code = ErrorCode::kSaslAuthenticationFailed,
                                .error_message = "bad password",
                                .auth_bytes = "server-final"};
    if (v >= 1) in.session_lifetime_ms = 3600000;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
    in.error_message = std::nullopt;
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
  }
}

// BYTES auth_bytes (INT32 length).
TEST(SaslAuthenticateRequestTest, V0MatchesSpecBytes) {
  SaslAuthenticateRequest in{.auth_bytes = std::string("\0u\0p", 4)};
  ExpectSpecBytes(in, 0, "00000004 | 00750070");
}

// v2: COMPACT_BYTES (length + 1 as unsigned varint), then tags.
TEST(SaslAuthenticateRequestTest, V2MatchesSpecBytes) {
  SaslAuthenticateRequest in{.auth_bytes = std::string("\0u\0p", 4)};
  ExpectSpecBytes(in, 2, "05 00750070 | 00");
}

// INT16 error_code, NULLABLE_STRING error_message, BYTES auth_bytes.
TEST(SaslAuthenticateResponseTest, V0MatchesSpecBytes) {
  SaslAuthenticateResponse in{.error_code = ErrorCode::kSaslAuthenticationFailed,
                              .error_message = "bad"};
  ExpectSpecBytes(in, 0, "003a | 0003 626164 | 00000000");
}

// v2: null compact string is 00; INT64 session_lifetime_ms; tags.
TEST(SaslAuthenticateResponseTest, V2MatchesSpecBytes) {
  SaslAuthenticateResponse in{
      .error_message = std::nullopt, .auth_bytes = "ok", .session_lifetime_ms = 3600000};
  ExpectSpecBytes(in, 2, "0000 | 00 | 03 6f6b | 000000000036ee80 | 00");
}

}  // namespace
}  // namespace brook
