// storage/file_system.h
//
// The seam between storage and the disk. PosixFileSystem is the real thing
// (files, fsync, fdatasync on directories after create/rename/remove);
// MemFileSystem keeps everything in memory with the same semantics, plus
// fault injection for recovery tests: a simulated crash keeps only what was
// synced, and tests can cut or corrupt bytes of a file.
//
// Paths are '/'-separated and relative to the file system's root.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"

namespace brook::storage {

// One open file. Not thread-safe: the owner (a Segment) guards it.
class File {
 public:
  virtual ~File() = default;

  // Appends at the end of the file.
  virtual Status Append(std::string_view data) = 0;
  // Reads up to `n` bytes at `offset` into `out` (resized to what was read;
  // short only at the end of the file).
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) const = 0;
  // Overwrites bytes at `offset` (which must be <= size()); may extend the file.
  virtual Status WriteAt(uint64_t offset, std::string_view data) = 0;
  virtual uint64_t size() const = 0;
  // Makes everything written so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size) = 0;
  // Makes size() 0 so that appends start over at the beginning, without
  // giving up the file's cached pages: the old bytes past what is appended
  // again stay in the file (reads there see them, a crash keeps them) until
  // Truncate(size()) cuts them. The default is Truncate(0).
  virtual Status Rewind() { return Truncate(0); }
  // The OS descriptor for zero-copy sends (sendfile), or -1 (memory files).
  virtual int native_handle() const { return -1; }
};

enum class OpenMode {
  kCreateOrAppend,  // create if missing, writes go to the end
  kReadWrite,       // must exist
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  virtual bool Exists(const std::string& path) const = 0;
  // Creates the directory and its parents; no error if it exists.
  virtual Status CreateDirs(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> List(const std::string& dir) const = 0;
  // Removes a file, or a directory with everything in it.
  virtual Status Remove(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creates, renames, removes) durable.
  virtual Status SyncDir(const std::string& dir) = 0;
};

}  // namespace brook::storage
