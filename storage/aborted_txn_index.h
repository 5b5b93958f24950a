// storage/aborted_txn_index.h
//
// The aborted transactions whose abort markers lie in one segment, as Kafka's
// TransactionIndex keeps them. A read_committed fetch sends the ones that
// overlap the fetched range as its aborted_transactions (producer_id +
// first_offset), so the consumer can drop those producers' records.
//
// File <base_offset as 20 digits>.txnindex, big-endian, 34 bytes per entry,
// in the order the markers were appended (ascending last_offset):
//   version             int16  0
//   producer_id         int64
//   first_offset        int64  of the transaction's first batch
//   last_offset         int64  of the abort marker
//   last_stable_offset  int64  the partition's LSO once the transaction ended
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/base/status.h"

namespace brook::storage {

class File;
class FileSystem;

inline constexpr size_t kAbortedTxnEntrySize = 34;
inline constexpr int16_t kAbortedTxnVersion = 0;

struct AbortedTxn {
  int64_t producer_id = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t last_stable_offset = 0;

  bool operator==(const AbortedTxn&) const = default;
};

// What one segment's index contributes to a read_committed fetch.
struct CollectedAbortedTxns {
  std::vector<AbortedTxn> aborted;
  // An entry's last stable offset reached fetch_end: no later segment can hold
  // an aborted transaction that starts before fetch_end, so the caller stops
  // here instead of asking the following segments' indexes too.
  bool complete = false;
};

// Not thread-safe: owned and guarded by the Segment that holds it. Every
// change is written to the file at once; Sync makes it durable. As Kafka's,
// the file is created by the first Append: most segments never see an abort.
class AbortedTxnIndex {
 public:
  // Opens `path` if it exists (else the index is empty and has no file) and
  // loads every entry. A size that is not a multiple of 34 (a torn
  // append) is cut back to the last whole entry, in memory and in the file;
  // truncated_bytes() says how many bytes went. Errors: kCorruptIndex (an
  // entry with another version, first_offset above last_offset, last_offset
  // below `base_offset` or not above the previous entry's): the caller
  // rebuilds the index from the log; file system errors.
  static Result<AbortedTxnIndex> Open(FileSystem& fs, const std::string& path, int64_t base_offset);

  // Records an aborted transaction, creating the file for the first one (the
  // next Sync then syncs its directory too). Errors: kInvalidArgument
  // (last_offset not above the last entry's, or below the base offset;
  // first_offset above last_offset), file errors (the entry is then not
  // recorded).
  Status Append(const AbortedTxn& txn);

  // The entries whose [first_offset, last_offset] overlaps the fetched range
  // [fetch_start, fetch_end), exactly as Kafka's collectAbortedTxns: scanning
  // stops after the first entry whose last_stable_offset >= fetch_end.
  CollectedAbortedTxns Collect(int64_t fetch_start, int64_t fetch_end) const;

  // Drops the entries whose marker is at or above `offset` (the log was
  // truncated to it).
  Status TruncateTo(int64_t offset);
  // Drops every entry (before recovery appends them again from the log).
  Status Reset();
  Status Sync();
  // The file, for a flush that syncs it without holding the log's lock;
  // null until the first Append.
  std::shared_ptr<File> file() const { return file_; }

  const std::vector<AbortedTxn>& entries() const { return entries_; }
  int64_t base_offset() const { return base_offset_; }
  const std::string& path() const { return path_; }
  // Bytes of a torn tail that Open cut off; 0 normally.
  uint64_t truncated_bytes() const { return truncated_bytes_; }

 private:
  AbortedTxnIndex(FileSystem& fs, std::string path, int64_t base_offset, std::unique_ptr<File> file)
      : fs_(&fs), path_(std::move(path)), base_offset_(base_offset), file_(std::move(file)) {}

  FileSystem* fs_;
  std::string path_;
  int64_t base_offset_;
  std::shared_ptr<File> file_;
  std::vector<AbortedTxn> entries_;
  uint64_t truncated_bytes_ = 0;
  bool dir_unsynced_ = false;  // Append created the file; Sync syncs its directory
};

}  // namespace brook::storage
