// protocol/messages/sasl_handshake.h: SaslHandshake (api key 17), versions 0-1.
//   v1: same layout as v0; the SASL tokens that follow travel in SaslAuthenticate
//       requests instead of raw frames
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct SaslHandshakeRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  std::string mechanism;

  template <typename Io>
  void Serde(Io& io) {
    io.String(mechanism);
  }

  bool operator==(const SaslHandshakeRequest&) const = default;
};

struct SaslHandshakeResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr VersionRange kVersions{0, 1};
  static constexpr int16_t kFirstFlexibleVersion = kNoFlexibleVersions;

  ErrorCode error_code = ErrorCode::kNone;
  std::vector<std::string> mechanisms;

  template <typename Io>
  void Serde(Io& io) {
    io.Error(error_code);
    io.Array(mechanisms);
  }

  bool operator==(const SaslHandshakeResponse&) const = default;
};

BROOK_SERDE_EXTERN(SaslHandshakeRequest);
BROOK_SERDE_EXTERN(SaslHandshakeResponse);

}  // namespace brook
