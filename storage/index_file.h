// storage/index_file.h
//
// What the offset index and the time index share: both hold entries sorted
// by relative offset, live in files of fixed-size entries and write only the
// entries their file lacks. Internal to storage/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/base/status.h"
#include "storage/errors.h"
#include "storage/file_system.h"

namespace brook::storage::index_file {

// How many of `entries` (sorted by relative_offset) lie below `offset`.
template <typename Packed>
size_t CountBelow(const std::vector<Packed>& entries, int64_t base_offset, int64_t offset) {
  if (offset <= base_offset) return 0;
  const int64_t relative = offset - base_offset;
  return static_cast<size_t>(
      std::lower_bound(entries.begin(), entries.end(), relative,
                       [](const Packed& e, int64_t target) { return e.relative_offset < target; }) -
      entries.begin());
}

// The whole file; kCorruptIndex unless it holds whole entries of `entry_size`.
// `what` names the index in messages ("offset index").
inline Result<std::string> ReadWholeEntries(const File& file, size_t entry_size,
                                            std::string_view what) {
  const uint64_t file_size = file.size();
  if (file_size % entry_size != 0) {
    return Status(Errc::kCorruptIndex, std::string(what) + " of " + std::to_string(file_size) +
                                           " bytes, not whole entries");
  }
  std::string bytes;
  if (Status s = file.ReadAt(0, file_size, &bytes); !s.ok()) return s;
  if (bytes.size() != file_size) {
    return Status(Errc::kCorruptIndex, std::string(what) + " shorter than its size");
  }
  return bytes;
}

// An index's entries and what its file is known to hold: Save writes only
// the entries the file lacks (after cutting what Truncate dropped), or the
// whole file when its contents are unknown.
template <typename Packed>
class SavedEntries {
 public:
  const std::vector<Packed>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const Packed& operator[](size_t i) const { return entries_[i]; }
  const Packed& back() const { return entries_.back(); }
  bool dirty() const { return dirty_; }

  void Add(const Packed& e) {
    entries_.push_back(e);
    dirty_ = true;
  }
  // Drops the entries whose offset is >= `offset`.
  void Truncate(int64_t base_offset, int64_t offset) {
    const size_t keep = CountBelow(entries_, base_offset, offset);
    if (keep == entries_.size()) return;
    entries_.resize(keep);
    saved_ = std::min(saved_, keep);
    dirty_ = true;
  }
  // No entries, and the file's contents unknown (also the state while a
  // Load has not succeeded).
  void Clear() {
    entries_.clear();
    saved_ = 0;
    dirty_ = true;
  }
  // `entries` are exactly what the file holds.
  void Loaded(std::vector<Packed> entries) {
    entries_ = std::move(entries);
    saved_ = entries_.size();
    dirty_ = false;
  }
  // Makes `file` hold exactly the entries (`encode(entry, &out)` appends one
  // entry of `entry_size` bytes), then syncs it. Does nothing if nothing changed.
  template <typename Encode>
  Status Save(File& file, size_t entry_size, Encode encode) {
    if (!dirty_) return Status::Ok();
    // Unknown contents (a failed earlier save, someone else's bytes): rewrite it all.
    if (file.size() < saved_ * entry_size) saved_ = 0;
    const size_t from = saved_;
    saved_ = 0;  // until this save succeeds
    if (file.size() != from * entry_size) {
      if (Status s = file.Truncate(from * entry_size); !s.ok()) return s;
    }
    std::string bytes;
    bytes.reserve((entries_.size() - from) * entry_size);
    for (size_t i = from; i < entries_.size(); ++i) encode(entries_[i], &bytes);
    if (!bytes.empty()) {
      if (Status s = file.Append(bytes); !s.ok()) return s;
    }
    if (Status s = file.Sync(); !s.ok()) return s;
    saved_ = entries_.size();
    dirty_ = false;
    return Status::Ok();
  }

 private:
  std::vector<Packed> entries_;
  size_t saved_ = 0;  // leading entries the file is known to hold, and nothing else
  bool dirty_ = false;
};

}  // namespace brook::storage::index_file
