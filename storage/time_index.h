// storage/time_index.h
//
// Sparse map from timestamp to offset in one segment, for ListOffsets by
// time. Kept as Kafka keeps it: when the segment adds an offset index entry,
// it adds (largest timestamp so far, last offset of the first batch that
// reached it) here if that timestamp grew. So every batch before the one
// holding an entry's offset has a smaller max timestamp than the entry's.
//
// File <base_offset>.timeindex, big-endian, 12 bytes per entry, no header:
//   timestamp:       int64    largest batch max timestamp so far
//   relative_offset: uint32   offset minus the segment's base offset
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

struct TimeIndexEntry {
  int64_t timestamp = 0;
  int64_t offset = 0;  // absolute

  bool operator==(const TimeIndexEntry&) const = default;
};

// Not thread-safe: owned and guarded by the Segment that holds it.
class TimeIndex {
 public:
  static constexpr size_t kEntrySize = 12;

  explicit TimeIndex(int64_t base_offset) : base_offset_(base_offset) {}

  int64_t base_offset() const { return base_offset_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // REQUIRES: i < size().
  TimeIndexEntry entry(size_t i) const;
  std::optional<TimeIndexEntry> last_entry() const;

  // REQUIRES: timestamp and offset are greater than the last entry's, and
  // offset - base_offset() fits a uint32.
  void Append(int64_t timestamp, int64_t offset);
  // The last entry whose timestamp is <= `timestamp`; nullopt: none, scan
  // from the start of the segment. O(log n).
  std::optional<TimeIndexEntry> Lookup(int64_t timestamp) const;
  // Drops every entry whose offset is >= `offset`.
  void Truncate(int64_t offset);
  // Drops every entry and forgets what the file holds: the next Save
  // rewrites it from scratch.
  void Clear();

  // Replaces the entries with those of `file`, checking that its size is a
  // multiple of kEntrySize, that timestamps and offsets strictly increase and
  // that no offset is above `last_offset` (the largest one the segment can
  // vouch for). Errors: kCorruptIndex (the index is left empty: rebuild it
  // from the log), and the file's read errors.
  Status Load(const File& file, int64_t last_offset);
  // As OffsetIndex::Save: only new entries are written when the file already
  // holds the rest; syncs the file; does nothing if nothing changed.
  Status Save(File& file);
  bool dirty() const { return entries_.dirty(); }

 private:
  struct Packed {
    int64_t timestamp;
    uint32_t relative_offset;
  };

  int64_t base_offset_;
  index_file::SavedEntries<Packed> entries_;
};

}  // namespace brook::storage
