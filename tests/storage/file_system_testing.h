// tests/storage/file_system_testing.h
//
// Helpers shared by the file system tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "protocol/base/status.h"
#include "storage/file_system.h"

#define ASSERT_OK(expr)                              \
  do {                                               \
    const ::brook::Status status_ = (expr);          \
    ASSERT_TRUE(status_.ok()) << status_.ToString(); \
  } while (0)

#define EXPECT_OK(expr)                              \
  do {                                               \
    const ::brook::Status status_ = (expr);          \
    EXPECT_TRUE(status_.ok()) << status_.ToString(); \
  } while (0)

namespace brook::storage::testing {

// Everything in the file, or "<error: ...>".
inline std::string ReadAll(const File& file) {
  std::string out;
  Status s = file.ReadAt(0, file.size(), &out);
  return s.ok() ? out : "<error: " + s.ToString() + ">";
}

// Contents of `path`, or "<error: ...>" if it cannot be opened or read.
inline std::string ReadFile(FileSystem& fs, const std::string& path) {
  Result<std::unique_ptr<File>> file = fs.Open(path, OpenMode::kReadWrite);
  if (!file.ok()) return "<error: " + file.status().ToString() + ">";
  return ReadAll(**file);
}

// Creates `path` if missing and appends `data`; syncs nothing.
inline Status AppendFile(FileSystem& fs, const std::string& path, std::string_view data) {
  Result<std::unique_ptr<File>> file = fs.Open(path, OpenMode::kCreateOrAppend);
  if (!file.ok()) return file.status();
  return (*file)->Append(data);
}

}  // namespace brook::storage::testing
