// tests/protocol/messages/sasl_handshake_test.cc
#include "protocol/messages/sasl_handshake.h"

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

TEST(SaslHandshakeRequestTest, RoundTripsEveryVersion) {
  for (int16_t v = SaslHandshakeRequest::kVersions.min; v <= SaslHandshakeRequest::kVersions.max;
       ++v) {
    SaslHandshakeRequest in{.mechanism = "SCRAM-SHA-512"};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

TEST(SaslHandshakeResponseTest, RoundTripsEveryVersion) {
  for (int16_t v = SaslHandshakeResponse::kVersions.min; v <= SaslHandshakeResponse::kVersions.max;
       ++v) {
    SaslHandshakeResponse in{.error_code = ErrorCode::kUnsupportedSaslMechanism,
                             .mechanisms = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}};
    EXPECT_EQ(RoundTrip(in, v), in) << "version " << v;
    testing::ExpectEveryTruncationFails(in, v);
  }
}

// STRING mechanism. No version is flexible.
TEST(SaslHandshakeRequestTest, V0MatchesSpecBytes) {
  ExpectSpecBytes(SaslHandshakeRequest{.mechanism = "PLAIN"}, 0, "0005 504c41494e");
}

TEST(SaslHandshakeRequestTest, V1MatchesSpecBytes) {
  ExpectSpecBytes(SaslHandshakeRequest{.mechanism = "PLAIN"}, 1, "0005 504c41494e");
}

// INT16 error_code, ARRAY of STRING mechanisms.
TEST(SaslHandshakeResponseTest, V0MatchesSpecBytes) {
  SaslHandshakeResponse in{.error_code = ErrorCode::kUnsupportedSaslMechanism,
                           .mechanisms = {"PLAIN", "SCRAM-SHA-256"}};
  ExpectSpecBytes(in, 0,
                  "0021 | 00000002 | 0005 504c41494e | 000d 5343 5241 4d2d 5348 412d 3235 36");
}

TEST(SaslHandshakeResponseTest, V1MatchesSpecBytes) {
  SaslHandshakeResponse in{.mechanisms = {"PLAIN"}};
  ExpectSpecBytes(in, 1, "0000 | 00000001 | 0005 504c41494e");
}

}  // namespace
}  // namespace brook
