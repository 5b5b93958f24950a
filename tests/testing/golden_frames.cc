// tests/testing/golden_frames.cc
#include "tests/testing/golden_frames.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace brook::testing {

std::vector<GoldenFrame> ReadManifest(const std::string& scenario) {
  std::vector<GoldenFrame> frames;
  std::ifstream in(TestDataPath("golden/" + scenario + "/MANIFEST.txt"));
  if (!in) {
    ADD_FAILURE() << "cannot read the manifest of " << scenario;
    return frames;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    GoldenFrame frame{.scenario = scenario};
    size_t pos = 0;
    while (pos < line.size()) {
      size_t end = std::min(line.find(' ', pos), line.size());
      std::string word = line.substr(pos, end - pos);
      pos = end + 1;
      if (word.empty()) continue;
      if (frame.file.empty()) {
        frame.file = word;
        continue;
      }
      size_t eq = word.find('=');
      if (eq == std::string::npos) {
        ADD_FAILURE() << scenario << ": '" << word << "' is not key=value in: " << line;
        continue;
      }
      frame.fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    if (frame.file.find("-req-") != std::string::npos) {
      frame.direction = Direction::kRequest;
    } else if (frame.file.find("-resp-") != std::string::npos) {
      frame.direction = Direction::kResponse;
    } else {
      ADD_FAILURE() << scenario << ": neither a request nor a response: " << frame.file;
      continue;
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

std::vector<std::string> Scenarios() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(TestDataPath("golden"), ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "MANIFEST.txt")) {
      names.push_back(entry.path().filename().string());
    }
  }
  EXPECT_FALSE(ec) << ec.message();
  std::sort(names.begin(), names.end());
  return names;
}

Result<RequestParts> SplitRequest(std::string_view frame) {
  RequestParts parts;
  Result<RequestHeader> header = ParseRequestHeaderPrefix(frame, &parts.header_bytes);
  if (!header.ok()) return header.status();
  parts.header = *header;
  const ApiInfo* api = FindApi(parts.header.api_key);
  if (api == nullptr) {
    return Status(ApiErrc::kUnsupportedApi,
                  "api key " + std::to_string(static_cast<int>(parts.header.api_key)));
  }
  if (RequestHeaderVersion(api->IsFlexible(parts.header.api_version)) >= 2) {
    Status tags = ParseRequestHeaderTags(frame.substr(parts.header_bytes), &parts.tag_bytes);
    if (!tags.ok()) return tags;
  }
  parts.body = std::string(frame.substr(parts.header_bytes + parts.tag_bytes));
  return parts;
}

Result<ResponseParts> SplitResponse(std::string_view frame, ApiKey key, int16_t version) {
  const ApiInfo* api = FindApi(key);
  if (api == nullptr) {
    return Status(ApiErrc::kUnsupportedApi, "api key " + std::to_string(static_cast<int>(key)));
  }
  ResponseParts parts;
  parts.header_version = ResponseHeaderVersion(key, api->IsFlexible(version));
  wire::Decoder dec(frame, /*version=*/0, /*flexible=*/parts.header_version >= 1);
  dec.Int32(parts.correlation_id);
  size_t before_tags = dec.remaining();
  dec.TaggedFields();  // a no-op in header v0
  if (!dec.ok()) {
    return Status(dec.error(), "response header at byte " + std::to_string(dec.error_offset()));
  }
  parts.tag_bytes = before_tags - dec.remaining();
  parts.body = std::string(frame.substr(frame.size() - dec.remaining()));
  return parts;
}

Result<std::string> BodyOf(const GoldenFrame& frame) {
  std::string bytes = ReadTestData(frame.path());
  if (frame.direction == Direction::kRequest) {
    Result<RequestParts> parts = SplitRequest(bytes);
    if (!parts.ok()) return parts.status();
    return std::move(parts->body);
  }
  Result<ResponseParts> parts = SplitResponse(bytes, frame.api_key(), frame.api_version());
  if (!parts.ok()) return parts.status();
  return std::move(parts->body);
}

}  // namespace brook::testing
