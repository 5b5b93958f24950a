// storage/aborted_txn_index.cc
#include "storage/aborted_txn_index.h"

#include <string_view>
#include <utility>

#include "protocol/base/logging.h"
#include "protocol/wire/serde.h"
#include "storage/errors.h"
#include "storage/file_system.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string Encode(const AbortedTxn& txn) {
  std::string out;
  wire::Encoder enc(out, 0, false);
  enc.Int16(kAbortedTxnVersion);
  enc.Int64(txn.producer_id);
  enc.Int64(txn.first_offset);
  enc.Int64(txn.last_offset);
  enc.Int64(txn.last_stable_offset);
  return out;
}

// Why `txn` cannot follow `previous` in an index starting at `base_offset`;
// empty if it can.
std::string Misfit(const AbortedTxn& txn, const AbortedTxn* previous, int64_t base_offset) {
  if (txn.first_offset > txn.last_offset) {
    return "first offset " + std::to_string(txn.first_offset) + " above last offset " +
           std::to_string(txn.last_offset);
  }
  if (txn.last_offset < base_offset) {
    return "last offset " + std::to_string(txn.last_offset) + " below the base offset " +
           std::to_string(base_offset);
  }
  if (previous != nullptr && txn.last_offset <= previous->last_offset) {
    return "last offset " + std::to_string(txn.last_offset) + " not above the previous " +
           std::to_string(previous->last_offset);
  }
  return {};
}

}  // namespace

Result<AbortedTxnIndex> AbortedTxnIndex::Open(FileSystem& fs, const std::string& path,
                                              int64_t base_offset) {
  if (!fs.Exists(path)) return AbortedTxnIndex(fs, path, base_offset, nullptr);
  Result<std::unique_ptr<File>> file = fs.Open(path, OpenMode::kReadWrite);
  if (!file.ok()) return file.status();
  AbortedTxnIndex index(fs, path, base_offset, std::move(*file));

  std::string bytes;
  if (Status s = index.file_->ReadAt(0, index.file_->size(), &bytes); !s.ok()) return s;
  const size_t whole = bytes.size() - bytes.size() % kAbortedTxnEntrySize;
  if (whole != bytes.size()) {
    if (Status s = index.file_->Truncate(whole); !s.ok()) return s;
    index.truncated_bytes_ = bytes.size() - whole;
    kLog.Warn(path, ": cut a torn entry of ", index.truncated_bytes_, " bytes");
  }
  wire::Decoder in(std::string_view(bytes).substr(0, whole), 0, false);
  for (size_t position = 0; position < whole; position += kAbortedTxnEntrySize) {
    int16_t version = 0;
    AbortedTxn txn;
    in.Int16(version);
    in.Int64(txn.producer_id);
    in.Int64(txn.first_offset);
    in.Int64(txn.last_offset);
    in.Int64(txn.last_stable_offset);
    const std::string where = path + " entry at byte " + std::to_string(position);
    if (version != kAbortedTxnVersion) {
      return Status(Errc::kCorruptIndex, where + ": unknown version " + std::to_string(version));
    }
    const AbortedTxn* previous = index.entries_.empty() ? nullptr : &index.entries_.back();
    if (std::string why = Misfit(txn, previous, base_offset); !why.empty()) {
      return Status(Errc::kCorruptIndex, where + ": " + why);
    }
    index.entries_.push_back(txn);
  }
  return index;
}

Status AbortedTxnIndex::Append(const AbortedTxn& txn) {
  const AbortedTxn* previous = entries_.empty() ? nullptr : &entries_.back();
  if (std::string why = Misfit(txn, previous, base_offset_); !why.empty()) {
    return Status(Errc::kInvalidArgument, path_ + ": aborted transaction of producer " +
                                              std::to_string(txn.producer_id) + ": " + why);
  }
  if (file_ == nullptr) {
    Result<std::unique_ptr<File>> file = fs_->Open(path_, OpenMode::kCreateOrAppend);
    if (!file.ok()) return file.status();
    file_ = std::move(*file);
    dir_unsynced_ = true;
  }
  if (Status s = file_->Append(Encode(txn)); !s.ok()) {
    // A partial write would shift every later entry: cut it (best effort; a
    // torn tail is also cut when the index is opened again).
    (void)file_->Truncate(entries_.size() * kAbortedTxnEntrySize);
    return s;
  }
  entries_.push_back(txn);
  return Status::Ok();
}

CollectedAbortedTxns AbortedTxnIndex::Collect(int64_t fetch_start, int64_t fetch_end) const {
  CollectedAbortedTxns out;
  for (const AbortedTxn& txn : entries_) {
    if (txn.last_offset >= fetch_start && txn.first_offset < fetch_end) {
      out.aborted.push_back(txn);
    }
    if (txn.last_stable_offset >= fetch_end) {
      out.complete = true;
      break;
    }
  }
  return out;
}

Status AbortedTxnIndex::TruncateTo(int64_t offset) {
  size_t keep = 0;
  while (keep < entries_.size() && entries_[keep].last_offset < offset) ++keep;
  if (keep == entries_.size() || file_ == nullptr) return Status::Ok();
  if (Status s = file_->Truncate(keep * kAbortedTxnEntrySize); !s.ok()) return s;
  entries_.resize(keep);
  return Status::Ok();
}

Status AbortedTxnIndex::Reset() {
  if (file_ != nullptr) {
    if (Status s = file_->Truncate(0); !s.ok()) return s;
  }
  entries_.clear();
  return Status::Ok();
}

Status AbortedTxnIndex::Sync() {
  if (file_ == nullptr) return Status::Ok();
  if (Status s = file_->Sync(); !s.ok()) return s;
  if (dir_unsynced_) {
    // The entries are the only record of which data was aborted: the file
    // must not vanish in a crash once they are synced.
    if (Status s = fs_->SyncDir(ParentDir(path_)); !s.ok()) return s;
    dir_unsynced_ = false;
  }
  return Status::Ok();
}

}  // namespace brook::storage
