// tests/fuzz/request_fuzz.cc
//
// A request frame (without its size prefix) as the broker receives it: header,
// then the body of any supported api and version. Checks: never crash; a body
// that decodes re-encodes to bytes that decode to an equal value, and
// re-encoding that value gives the same bytes again.
#include <cstdint>
#include <string_view>

#include "protocol/api_table.h"
#include "protocol/request_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brook;
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  size_t consumed = 0;
  Result<RequestHeader> header = ParseRequestHeaderPrefix(frame, &consumed);
  if (!header.ok()) return 0;
  const ApiInfo* api = FindApi(header->api_key);
  if (api == nullptr || !api->versions.Contains(header->api_version)) return 0;
  std::string_view body = frame.substr(consumed);
  if (api->IsFlexible(header->api_version)) {
    size_t tags = 0;
    if (!ParseRequestHeaderTags(body, &tags).ok()) return 0;
    body.remove_prefix(tags);
  }
  Result<AnyRequest> request = DecodeRequestBody(header->api_key, header->api_version, body);
  if (!request.ok()) return 0;
  std::string encoded = EncodeBody(*request, header->api_version);
  Result<AnyRequest> again = DecodeRequestBody(header->api_key, header->api_version, encoded);
  if (!again.ok() || !(*again == *request)) __builtin_trap();
  if (EncodeBody(*again, header->api_version) != encoded) __builtin_trap();
  return 0;
}
