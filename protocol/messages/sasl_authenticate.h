// protocol/messages/sasl_authenticate.h: SaslAuthenticate (api key 36), versions 0-2.
//   v1: response adds session_lifetime_ms
//   v2: first flexible version
// Not supported: nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/wire/serde.h"

namespace brook {

struct SaslAuthenticateRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  std::string auth_bytes;

  template <typename Io>
  void Serde(Io& io) {
    io.Bytes(auth_bytes);
    io.TaggedFields();
  }

  bool operator==(const SaslAuthenticateRequest&) const = default;
};

struct SaslAuthenticateResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr VersionRange kVersions{0, 2};
  static constexpr int16_t kFirstFlexibleVersion = 2;

  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> error_message = "";
  std::string auth_bytes;
  int64_t session_lifetime_ms = 0;  // v1+

  template <typename Io>
  void Serde(Io& io) {
    io.Error(error_code);
    io.NullableString(error_message);
    io.Bytes(auth_bytes);
    if (io.version() >= 1) io.Int64(session_lifetime_ms);
    io.TaggedFields();
  }

  bool operator==(const SaslAuthenticateResponse&) const = default;
};

BROOK_SERDE_EXTERN(SaslAuthenticateRequest);
BROOK_SERDE_EXTERN(SaslAuthenticateResponse);

}  // namespace brook
