// tests/testing/serde_testing.cc
#include "tests/testing/serde_testing.h"

#include <fstream>
#include <sstream>

namespace brook::testing {

std::string FromHex(std::string_view hex) {
  std::string out;
  int pending = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '|') {
      continue;
    } else {
      ADD_FAILURE() << "bad hex character '" << c << "'";
      return {};
    }
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<char>(pending * 16 + v));
      pending = -1;
    }
  }
  if (pending >= 0) ADD_FAILURE() << "odd number of hex digits";
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string TestDataPath(std::string_view relative) {
  return std::string(BROOK_TEST_DATA_DIR) + "/" + std::string(relative);
}

std::string ReadTestData(std::string_view relative) {
  std::ifstream in(TestDataPath(relative), std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << TestDataPath(relative);
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace brook::testing
