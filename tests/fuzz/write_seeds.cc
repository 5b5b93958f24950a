// tests/fuzz/write_seeds.cc
//
// Writes seed inputs for request_fuzz and response_fuzz: for every api and
// version in the table, a request frame and a response input holding the
// struct's default value, so the fuzzer starts from every layout.
//
//   fuzz_write_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "protocol/api_table.h"
#include "protocol/request_header.h"

namespace {

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace brook;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::filesystem::path root = argv[1];
  std::filesystem::create_directories(root / "request");
  std::filesystem::create_directories(root / "response");
  int count = 0;
  ForEachApi([&](auto api) {
    using A = decltype(api);
    for (int16_t v = A::kVersions.min; v <= A::kVersions.max; ++v) {
      std::string name = std::string(ApiName(A::kKey)) + "-v" + std::to_string(v);
      std::string request;
      bool flexible = v >= A::kFirstFlexibleVersion;
      EncodeRequestHeader(
          request,
          RequestHeader{
              .api_key = A::kKey, .api_version = v, .correlation_id = 1, .client_id = "seed"},
          RequestHeaderVersion(flexible));
      wire::EncodeTo(request, typename A::Request{}, v);
      WriteFile(root / "request" / (name + ".bin"), request);

      std::string response;
      response.push_back(static_cast<char>(static_cast<int16_t>(A::kKey) >> 8));
      response.push_back(static_cast<char>(static_cast<int16_t>(A::kKey) & 0xff));
      response.push_back(static_cast<char>(v >> 8));
      response.push_back(static_cast<char>(v & 0xff));
      wire::EncodeTo(response, typename A::Response{}, v);
      WriteFile(root / "response" / (name + ".bin"), response);
      ++count;
    }
  });
  std::printf("wrote %d request and %d response seeds under %s\n", count, count, argv[1]);
  return 0;
}
