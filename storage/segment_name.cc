// storage/segment_name.cc
#include "storage/segment_name.h"

#include <array>
#include <cassert>
#include <limits>
#include <utility>

namespace brook::storage {
namespace {

constexpr size_t kDigits = 20;

constexpr std::array<std::pair<SegmentFileType, std::string_view>, 5> kExtensions{{
    {SegmentFileType::kLog, "log"},
    {SegmentFileType::kIndex, "index"},
    {SegmentFileType::kTimeIndex, "timeindex"},
    {SegmentFileType::kTxnIndex, "txnindex"},
    {SegmentFileType::kSnapshot, "snapshot"},
}};

}  // namespace

std::string_view SegmentFileExtension(SegmentFileType type) {
  for (const auto& [t, ext] : kExtensions) {
    if (t == type) return ext;
  }
  assert(false && "unknown segment file type");
  return "";
}

std::string SegmentFileName(int64_t base_offset, SegmentFileType type) {
  assert(base_offset >= 0);
  std::string name(kDigits, '0');
  auto value = static_cast<uint64_t>(base_offset);
  for (size_t i = kDigits; value != 0; value /= 10) name[--i] = static_cast<char>('0' + value % 10);
  name += '.';
  name += SegmentFileExtension(type);
  return name;
}

std::string SegmentFilePath(const std::string& dir, int64_t base_offset, SegmentFileType type) {
  if (dir.empty()) return SegmentFileName(base_offset, type);
  return dir + "/" + SegmentFileName(base_offset, type);
}

std::optional<ParsedSegmentFileName> ParseSegmentFileName(std::string_view name) {
  if (name.size() < kDigits + 2 || name[kDigits] != '.') return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < kDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (value > (kMax - digit) / 10) return std::nullopt;  // past int64
    value = value * 10 + digit;
  }
  const std::string_view ext = name.substr(kDigits + 1);
  for (const auto& [type, known] : kExtensions) {
    if (ext == known) return ParsedSegmentFileName{static_cast<int64_t>(value), type};
  }
  return std::nullopt;
}

}  // namespace brook::storage
