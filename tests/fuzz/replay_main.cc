// tests/fuzz/replay_main.cc
//
// Runs a libFuzzer target without libFuzzer, so that every build (g++ too)
// exercises it under ctest: each file of the corpus directories given on the
// command line, then seeded random mutations of those files and random byte
// strings. Exits non-zero only by crashing, as libFuzzer would report.
//
//   <target>_replay [--iterations N] [--seed S] DIR...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void RunOne(const std::string& input) {
  // A fresh heap copy, so that ASan catches reads past the end of the input.
  std::vector<uint8_t> copy(input.begin(), input.end());
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits; ++i) {
    switch (rng() % 5) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // set a byte to an interesting value
        if (!s.empty()) {
          static constexpr uint8_t kValues[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
          s[rng() % s.size()] = static_cast<char>(kValues[rng() % sizeof(kValues)]);
        }
        break;
      case 2:  // truncate
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 3:  // insert random bytes
        s.insert(s.empty() ? 0 : rng() % s.size(),
                 std::string(1 + rng() % 4, static_cast<char>(rng())));
        break;
      case 4:  // erase a range
        if (s.size() > 1) {
          size_t at = rng() % s.size();
          s.erase(at, 1 + rng() % (s.size() - at));
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = 20000;
  uint64_t seed = 1;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::strtol(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(argv[i], ec)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream buf;
        buf << in.rdbuf();
        corpus.push_back(buf.str());
      }
      if (ec) std::fprintf(stderr, "cannot read %s: %s\n", argv[i], ec.message().c_str());
    }
  }
  for (const std::string& input : corpus) RunOne(input);
  std::mt19937_64 rng(seed);
  for (long i = 0; i < iterations; ++i) {
    if (!corpus.empty() && rng() % 4 != 0) {
      RunOne(Mutate(corpus[rng() % corpus.size()], rng));
    } else {
      std::string random(rng() % 256, '\0');
      for (char& c : random) c = static_cast<char>(rng());
      RunOne(random);
    }
  }
  std::printf("replayed %zu corpus files and %ld generated inputs\n", corpus.size(), iterations);
  return 0;
}
