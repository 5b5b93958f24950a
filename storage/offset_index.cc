// storage/offset_index.cc
#include "storage/offset_index.h"

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

void PutBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t GetBe32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

OffsetIndexEntry OffsetIndex::entry(size_t i) const {
  assert(i < entries_.size());
  return {base_offset_ + entries_[i].relative_offset, entries_[i].position};
}

std::optional<OffsetIndexEntry> OffsetIndex::last_entry() const {
  if (entries_.empty()) return std::nullopt;
  return entry(entries_.size() - 1);
}

void OffsetIndex::Append(int64_t offset, uint32_t position) {
  assert(offset >= base_offset_ && offset - base_offset_ <= std::numeric_limits<uint32_t>::max());
  const auto relative = static_cast<uint32_t>(offset - base_offset_);
  assert(entries_.empty() ||
         (relative > entries_.back().relative_offset && position > entries_.back().position));
  entries_.Add({relative, position});
}

template <uint32_t OffsetIndex::Packed::*kField>
std::optional<OffsetIndexEntry> OffsetIndex::LastAtOrBelow(uint64_t target) const {
  const auto key =
      static_cast<uint32_t>(std::min<uint64_t>(target, std::numeric_limits<uint32_t>::max()));
  // First entry past the target; the one before it is the answer.
  const std::vector<Packed>& all = entries_.entries();
  auto it = std::upper_bound(all.begin(), all.end(), key,
                             [](uint32_t k, const Packed& e) { return k < e.*kField; });
  if (it == all.begin()) return std::nullopt;
  return entry(static_cast<size_t>(it - all.begin()) - 1);
}

std::optional<OffsetIndexEntry> OffsetIndex::Lookup(int64_t offset) const {
  if (offset < base_offset_) return std::nullopt;
  return LastAtOrBelow<&Packed::relative_offset>(static_cast<uint64_t>(offset - base_offset_));
}

std::optional<OffsetIndexEntry> OffsetIndex::LookupPosition(uint64_t position) const {
  return LastAtOrBelow<&Packed::position>(position);
}

void OffsetIndex::Truncate(int64_t offset) { entries_.Truncate(base_offset_, offset); }

void OffsetIndex::Clear() { entries_.Clear(); }

Status OffsetIndex::Load(const File& file, uint64_t log_size) {
  entries_.Clear();
  Result<std::string> read = index_file::ReadWholeEntries(file, kEntrySize, "offset index");
  if (!read.ok()) return read.status();
  const std::string& bytes = *read;
  const uint64_t file_size = bytes.size();
  std::vector<Packed> loaded;
  loaded.reserve(file_size / kEntrySize);
  for (size_t at = 0; at < bytes.size(); at += kEntrySize) {
    const Packed e{GetBe32(bytes.data() + at), GetBe32(bytes.data() + at + 4)};
    const std::string where = "offset index entry " + std::to_string(at / kEntrySize);
    if (!loaded.empty() && (e.relative_offset <= loaded.back().relative_offset ||
                            e.position <= loaded.back().position)) {
      return Status(Errc::kCorruptIndex, where + " does not increase");
    }
    if (e.position >= log_size) {
      return Status(Errc::kCorruptIndex, where + ": position " + std::to_string(e.position) +
                                             " past the log's " + std::to_string(log_size) +
                                             " bytes");
    }
    loaded.push_back(e);
  }
  entries_.Loaded(std::move(loaded));
  return Status::Ok();
}

Status OffsetIndex::Save(File& file) {
  return entries_.Save(file, kEntrySize, [](const Packed& e, std::string* out) {
    PutBe32(*out, e.relative_offset);
    PutBe32(*out, e.position);
  });
}

}  // namespace brook::storage
