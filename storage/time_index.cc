// storage/time_index.cc
#include "storage/time_index.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

#include "storage/errors.h"
#include "storage/file_system.h"
#include "storage/index_file.h"

namespace brook::storage {
namespace {

void PutBe(std::string& out, uint64_t v, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint64_t GetBe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

TimeIndexEntry TimeIndex::entry(size_t i) const {
  assert(i < entries_.size());
  return {entries_[i].timestamp, base_offset_ + entries_[i].relative_offset};
}

std::optional<TimeIndexEntry> TimeIndex::last_entry() const {
  if (entries_.empty()) return std::nullopt;
  return entry(entries_.size() - 1);
}

void TimeIndex::Append(int64_t timestamp, int64_t offset) {
  assert(offset >= base_offset_ && offset - base_offset_ <= std::numeric_limits<uint32_t>::max());
  const auto relative = static_cast<uint32_t>(offset - base_offset_);
  assert(entries_.empty() ||
         (timestamp > entries_.back().timestamp && relative > entries_.back().relative_offset));
  entries_.Add({timestamp, relative});
}

std::optional<TimeIndexEntry> TimeIndex::Lookup(int64_t timestamp) const {
  const std::vector<Packed>& all = entries_.entries();
  auto it = std::upper_bound(all.begin(), all.end(), timestamp,
                             [](int64_t target, const Packed& e) { return target < e.timestamp; });
  if (it == all.begin()) return std::nullopt;
  return entry(static_cast<size_t>(it - all.begin()) - 1);
}

void TimeIndex::Truncate(int64_t offset) { entries_.Truncate(base_offset_, offset); }

void TimeIndex::Clear() { entries_.Clear(); }

Status TimeIndex::Load(const File& file, int64_t last_offset) {
  entries_.Clear();
  Result<std::string> read = index_file::ReadWholeEntries(file, kEntrySize, "time index");
  if (!read.ok()) return read.status();
  const std::string& bytes = *read;
  const uint64_t file_size = bytes.size();
  std::vector<Packed> loaded;
  loaded.reserve(file_size / kEntrySize);
  for (size_t at = 0; at < bytes.size(); at += kEntrySize) {
    const Packed e{static_cast<int64_t>(GetBe(bytes.data() + at, 8)),
                   static_cast<uint32_t>(GetBe(bytes.data() + at + 8, 4))};
    const std::string where = "time index entry " + std::to_string(at / kEntrySize);
    if (!loaded.empty() && (e.timestamp <= loaded.back().timestamp ||
                            e.relative_offset <= loaded.back().relative_offset)) {
      return Status(Errc::kCorruptIndex, where + " does not increase");
    }
    if (base_offset_ + e.relative_offset > last_offset) {
      return Status(Errc::kCorruptIndex, where + ": offset " +
                                             std::to_string(base_offset_ + e.relative_offset) +
                                             " past " + std::to_string(last_offset));
    }
    loaded.push_back(e);
  }
  entries_.Loaded(std::move(loaded));
  return Status::Ok();
}

Status TimeIndex::Save(File& file) {
  return entries_.Save(file, kEntrySize, [](const Packed& e, std::string* out) {
    PutBe(*out, static_cast<uint64_t>(e.timestamp), 8);
    PutBe(*out, e.relative_offset, 4);
  });
}

}  // namespace brook::storage
