// storage/index_file.h
//
// What the offset index and the time index share: both hold entries sorted
// by relative offset and live in files of fixed-size entries. Internal to
// storage/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
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

}  // namespace brook::storage::index_file
