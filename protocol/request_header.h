// protocol/request_header.h
//
// Request header (versions 0-2) and response header (versions 0-1).
//
// Request header:
//   api_key:        int16
//   api_version:    int16
//   correlation_id: int32
//   client_id:      nullable string, int16 length   (v1+; never compact, even in v2)
//   tagged fields                                    (v2)
// Response header:
//   correlation_id: int32
//   tagged fields                                    (v1)
//
// A request uses header v2 when its API version is flexible, else v1; its
// response uses header v1 when flexible, else v0, except ApiVersions, whose
// response header is always v0 so that a client can parse the answer before it
// knows which versions the broker speaks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/api_key.h"
#include "protocol/base/status.h"

namespace brook {

struct RequestHeader {
  ApiKey api_key = ApiKey::kApiVersions;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;

  bool operator==(const RequestHeader&) const = default;
};

// Header versions for a request and its response. `flexible` says whether the
// API version uses flexible encoding (see protocol/api_table.h).
inline int16_t RequestHeaderVersion(bool flexible) { return flexible ? 2 : 1; }
inline int16_t ResponseHeaderVersion(ApiKey key, bool flexible) {
  if (key == ApiKey::kApiVersions) return 0;
  return flexible ? 1 : 0;
}

// Decodes the fixed part of a request header (api key, version, correlation
// id, client id) from the start of `frame`; `*consumed` is set to its length.
// Tagged fields, present in header v2, are read by ParseRequestHeaderTags.
Result<RequestHeader> ParseRequestHeaderPrefix(std::string_view frame, size_t* consumed);
// Skips the tagged-field section of a v2 request header at the start of
// `rest` (none are defined yet); `*consumed` is set to its length.
Status ParseRequestHeaderTags(std::string_view rest, size_t* consumed);

void EncodeRequestHeader(std::string& out, const RequestHeader& header, int16_t header_version);
void EncodeResponseHeader(std::string& out, int32_t correlation_id, int16_t header_version);

}  // namespace brook
