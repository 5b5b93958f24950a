// tests/fuzz/response_fuzz.cc
//
// A response body as a client receives it, prefixed for the fuzzer by the
// api key and version it answers (int16 each; the real wire carries them only
// in the request). Checks as request_fuzz.cc.
#include <cstdint>
#include <string_view>

#include "protocol/api_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brook;
  if (size < 4) return 0;
  auto key = static_cast<ApiKey>(static_cast<int16_t>((data[0] << 8) | data[1]));
  auto version = static_cast<int16_t>((data[2] << 8) | data[3]);
  std::string_view body(reinterpret_cast<const char*>(data) + 4, size - 4);
  Result<AnyResponse> response = DecodeResponseBody(key, version, body);
  if (!response.ok()) return 0;
  std::string encoded = EncodeBody(*response, version);
  Result<AnyResponse> again = DecodeResponseBody(key, version, encoded);
  if (!again.ok() || !(*again == *response)) __builtin_trap();
  if (EncodeBody(*again, version) != encoded) __builtin_trap();
  return 0;
}
