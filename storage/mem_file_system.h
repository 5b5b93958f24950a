// storage/mem_file_system.h
//
// FileSystem kept in memory, with the POSIX semantics the interface promises
// (ENOENT, ENOTDIR, EISDIR, ENOTEMPTY ... as errno codes in
// std::system_category) plus fault injection for recovery tests.
//
// Durability is modelled the way a journaling file system behaves after a
// power cut. Each file has its current bytes and the bytes it had at its last
// Sync(); each directory has its current entries and the entries it had at
// its last SyncDir(). SimulateCrash() rebuilds the tree from the synced
// entries alone, starting at the root (which always exists), and gives every
// surviving file its synced bytes. So a new file appears after a crash only if
// SyncDir ran on its directory (and on every new directory above it); a
// rename not followed by SyncDir of both directories reverts; a file never
// synced comes back empty.
//
// A broker that keeps its logs in memory never crashes its file system, so
// it turns the model off (Options::track_durability = false): Sync and SyncDir
// then copy nothing, and SimulateCrash keeps every byte written.
//
// Files of 1 MiB or more live in their own mappings. A removed file's mapping
// goes to a process-wide pool (at most 64 MiB of touched pages, released with
// MADV_FREE so the kernel may still reclaim them) that the next large file
// starts from: a log whose retention deletes segments reuses memory it has
// already touched instead of faulting in fresh pages.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/base/status.h"
#include "storage/file_system.h"

namespace brook::storage {

class MemTree;  // the tree and its mutex; defined in mem_file_system.cc

// Thread-safe: one mutex guards the whole tree. Files opened from it share that
// state (they may outlive the MemFileSystem), so faults and crashes reach them.
class MemFileSystem : public FileSystem {
 public:
  // The operations FailNext can make fail.
  enum class Op {
    kOpen,
    kAppend,
    kWriteAt,
    kSync,
    kTruncate,
    kCreateDirs,
    kRemove,
    kRename,
    kSyncDir,
  };

  struct Options {
    // Keep each file's synced bytes and each directory's synced entries for
    // SimulateCrash. Off: Sync copies nothing and a crash loses nothing.
    bool track_durability = true;
  };

  MemFileSystem();
  explicit MemFileSystem(Options options);
  ~MemFileSystem() override;

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) const override;
  Status CreateDirs(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& dir) const override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;

  // --- Fault injection ---

  // Power cut: keeps only what was synced (see the file comment). Every File
  // opened before the crash fails from now on with EBADF.
  void SimulateCrash();
  // Cuts the last `bytes` bytes of the file, synced or not (a torn write).
  // EINVAL if the file is shorter than that.
  Status DropTail(const std::string& path, uint64_t bytes);
  // Flips bit `bit` (0-7) of the byte at `byte_offset`.
  Status FlipBit(const std::string& path, uint64_t byte_offset, int bit);
  // Overwrites [offset, offset + n) with pseudo-random bytes from `seed`; each
  // byte is guaranteed to change.
  Status CorruptRange(const std::string& path, uint64_t offset, uint64_t n, uint64_t seed);
  // The next `count` calls of `op` (on this file system or any of its files)
  // fail with `ec` and change nothing. A later call for the same op replaces
  // this one; count 0 cancels it.
  void FailNext(Op op, std::error_code ec, int count = 1);

  // Bytes of the file as of its last Sync(); 0 for a missing file.
  uint64_t synced_size(const std::string& path) const;

 private:
  std::shared_ptr<MemTree> tree_;  // shared with every File opened from here
};

}  // namespace brook::storage
