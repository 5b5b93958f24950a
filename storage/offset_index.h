// storage/offset_index.h
//
// Sparse map from offset to byte position in one segment's .log file, one
// entry per `index_interval_bytes` of appended data. As in Kafka, an entry
// names the last offset of a batch and the position where that batch starts,
// so the batch holding any offset at or after the entry starts at or after
// the entry's position.
//
// File <base_offset>.index, big-endian, 8 bytes per entry, no header:
//   relative_offset: uint32   offset minus the segment's base offset
//   position:        uint32   byte position of the batch in the .log file
// Both strictly increase from entry to entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/base/status.h"
#include "storage/index_file.h"

namespace brook::storage {

class File;

struct OffsetIndexEntry {
  int64_t offset = 0;  // absolute
  uint32_t position = 0;

  bool operator==(const OffsetIndexEntry&) const = default;
};

// Not thread-safe: owned and guarded by the Segment that holds it.
class OffsetIndex {
 public:
  static constexpr size_t kEntrySize = 8;

  explicit OffsetIndex(int64_t base_offset) : base_offset_(base_offset) {}

  int64_t base_offset() const { return base_offset_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // REQUIRES: i < size().
  OffsetIndexEntry entry(size_t i) const;
  std::optional<OffsetIndexEntry> last_entry() const;

  // REQUIRES: offset and position are greater than the last entry's, and
  // offset - base_offset() fits a uint32.
  void Append(int64_t offset, uint32_t position);
  // The last entry whose offset is <= `offset`; nullopt: none, scan from
  // position 0. O(log n).
  std::optional<OffsetIndexEntry> Lookup(int64_t offset) const;
  // The last entry whose position is <= `position`; nullopt: none. O(log n).
  std::optional<OffsetIndexEntry> LookupPosition(uint64_t position) const;
  // Drops every entry whose offset is >= `offset`.
  void Truncate(int64_t offset);
  // Drops every entry and forgets what the file holds: the next Save
  // rewrites it from scratch.
  void Clear();

  // Replaces the entries with those of `file`, checking that its size is a
  // multiple of kEntrySize, that offsets and positions strictly increase and
  // that every position is below `log_size`. Errors: kCorruptIndex (the
  // index is left empty: rebuild it from the log), and the file's read errors.
  Status Load(const File& file, uint64_t log_size);
  // Makes `file` hold exactly these entries, then syncs it. When the file
  // already holds the entries as of the last Load or Save (it must be that
  // file), only the entries after those are written; after a Truncate the
  // file is cut first. Does nothing if nothing changed.
  Status Save(File& file);
  // True when the entries changed since the last Load or Save.
  bool dirty() const { return entries_.dirty(); }

 private:
  struct Packed {
    uint32_t relative_offset;
    uint32_t position;
  };

  // The last entry whose `kField` is <= `target` (entries increase in both).
  template <uint32_t Packed::*kField>
  std::optional<OffsetIndexEntry> LastAtOrBelow(uint64_t target) const;

  int64_t base_offset_;
  index_file::SavedEntries<Packed> entries_;
};

}  // namespace brook::storage
