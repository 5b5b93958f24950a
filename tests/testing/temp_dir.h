// tests/testing/temp_dir.h
//
// A fresh directory under ::testing::TempDir(), removed with everything in it
// when the TempDir goes out of scope.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace brook::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "brook-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror(("mkdtemp " + pattern).c_str());
      std::abort();  // nothing sensible to run the test in
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace brook::testing
