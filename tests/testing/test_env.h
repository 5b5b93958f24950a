// tests/testing/test_env.h
//
// Settings a test run takes from the environment: ./test tsan sets
// BROOK_TEST_IO_THREADS=4 so that every test broker runs several io threads
// and ThreadSanitizer sees real concurrency.
#pragma once

#include <cstdlib>
#include <string>

namespace brook::testing {

inline int TestIoThreads() {
  const char* value = std::getenv("BROOK_TEST_IO_THREADS");
  if (value == nullptr) return 1;
  int n = std::atoi(value);
  return n >= 1 && n <= 64 ? n : 1;
}

}  // namespace brook::testing
