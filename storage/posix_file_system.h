// storage/posix_file_system.h
//
// FileSystem on a real directory: every path is resolved against `root`.
// Files are opened with O_CLOEXEC; Sync is fdatasync(2); SyncDir fsyncs the
// directory itself, which is what makes creates, renames and removes in it
// durable. Errors carry the errno (std::system_category) and the full path.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "protocol/base/status.h"
#include "storage/file_system.h"

namespace brook::storage {

// Thread-safe: it holds no mutable state (the kernel orders concurrent calls).
// The Files it opens are independent of it and may outlive it. A File's size()
// is that handle's own count (fstat at open, then its own writes), so bytes
// appended through another handle to the same file are not included.
// Remove("") is refused (EBUSY): the root stays.
class PosixFileSystem : public FileSystem {
 public:
  // The root directory need not exist yet: CreateDirs("") makes it.
  explicit PosixFileSystem(std::string root);

  const std::string& root() const { return root_; }

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) const override;
  Status CreateDirs(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& dir) const override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;

 private:
  // `path` resolved against the root; "" is the root itself.
  std::string FullPath(const std::string& path) const;

  std::string root_;
};

}  // namespace brook::storage
