// tests/testing/golden_frames.h
//
// Reads the frames in tests/data/golden (recorded between librdkafka clients
// and librdkafka's mock cluster; see tests/data/golden/README.md) through
// their MANIFEST.txt files, and splits frames into header and body.
#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api_table.h"
#include "protocol/request_header.h"
#include "tests/testing/serde_testing.h"

namespace brook::testing {

enum class Direction { kRequest, kResponse };

// One MANIFEST.txt line: a frame file and the fields the capture decoded from it.
struct GoldenFrame {
  std::string scenario;
  std::string file;  // cN-NNN-req-<Api>-v<version>.bin or cN-NNN-resp-...
  Direction direction = Direction::kRequest;
  std::map<std::string, std::string, std::less<>> fields;  // as written: <null>, "" ...

  std::string path() const { return "golden/" + scenario + "/" + file; }
  // "cN-NNN": a request and its response share it.
  std::string exchange() const { return file.substr(0, file.find(kind())); }
  std::string_view kind() const { return direction == Direction::kRequest ? "-req-" : "-resp-"; }

  bool Has(std::string_view key) const { return fields.find(key) != fields.end(); }
  // The field as written in the manifest; "" and a test failure when absent.
  std::string Raw(std::string_view key) const {
    auto it = fields.find(key);
    if (it == fields.end()) {
      ADD_FAILURE() << path() << ": manifest has no field " << key;
      return {};
    }
    return it->second;
  }
  // A string field: <null> is nullopt, "" the empty string.
  std::optional<std::string> Str(std::string_view key) const {
    std::string raw = Raw(key);
    if (raw == "<null>") return std::nullopt;
    if (raw == "\"\"") return std::string();
    return raw;
  }
  int64_t Int(std::string_view key) const {
    std::string raw = Raw(key);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc{} || end != raw.data() + raw.size()) {
      ADD_FAILURE() << path() << ": field " << key << "=" << raw << " is not an integer";
    }
    return v;
  }
  ApiKey api_key() const { return static_cast<ApiKey>(Int("api_key")); }
  int16_t api_version() const { return static_cast<int16_t>(Int("api_version")); }
};

// Parses one MANIFEST.txt; `#` lines are comments.
std::vector<GoldenFrame> ReadManifest(const std::string& scenario);

// Every scenario directory (one with a MANIFEST.txt), sorted.
std::vector<std::string> Scenarios();

// A request frame cut at the end of its header.
struct RequestParts {
  RequestHeader header;
  size_t header_bytes = 0;
  size_t tag_bytes = 0;  // of header v2's tag section; 0 in header v1
  std::string body;
};

Result<RequestParts> SplitRequest(std::string_view frame);

// A response frame cut at the end of its header. The header does not say which api
// answers; the manifest does (the request's key and version).
struct ResponseParts {
  int32_t correlation_id = 0;
  int16_t header_version = 0;
  size_t tag_bytes = 0;  // of header v1's tag section; 0 in header v0
  std::string body;
};

Result<ResponseParts> SplitResponse(std::string_view frame, ApiKey key, int16_t version);

// The body of a request or response frame.
Result<std::string> BodyOf(const GoldenFrame& frame);

// `frame`'s body decoded as M; nullopt after a test failure (also when frame is null,
// which the lookup has already reported).
template <typename M>
std::optional<M> Decoded(const GoldenFrame* frame) {
  if (frame == nullptr) return std::nullopt;
  SCOPED_TRACE(frame->path());
  if (frame->api_key() != M::kApiKey) {
    ADD_FAILURE() << "api key " << frame->Int("api_key") << " is not "
                  << static_cast<int>(M::kApiKey);
    return std::nullopt;
  }
  Result<std::string> body = BodyOf(*frame);
  if (!body.ok()) {
    ADD_FAILURE() << body.status().ToString();
    return std::nullopt;
  }
  Result<M> m = wire::Decode<M>(*body, frame->api_version());
  if (!m.ok()) {
    ADD_FAILURE() << m.status().ToString();
    return std::nullopt;
  }
  return std::move(m).value();
}

}  // namespace brook::testing
