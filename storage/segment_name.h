// storage/segment_name.h
//
// Names of the files in a partition directory, as Kafka writes them: the base
// offset as exactly 20 decimal digits, zero-padded, then an extension:
//   00000000000000000000.log        record batches
//   00000000000000000000.index      offset index
//   00000000000000000000.timeindex  time index
//   00000000000000000000.txnindex   aborted transactions index
//   00000000000000000000.snapshot   producer state snapshot
// Anything else (Kafka's .deleted, .cleaned and .swap suffixes included) is
// not a segment file name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brook::storage {

enum class SegmentFileType { kLog, kIndex, kTimeIndex, kTxnIndex, kSnapshot };

// "log", "index", "timeindex", "txnindex", "snapshot".
std::string_view SegmentFileExtension(SegmentFileType type);

// "00000000000000000042.log". REQUIRES: base_offset >= 0.
std::string SegmentFileName(int64_t base_offset, SegmentFileType type);
// `dir` + "/" + SegmentFileName(...); just the name when `dir` is empty.
std::string SegmentFilePath(const std::string& dir, int64_t base_offset, SegmentFileType type);

struct ParsedSegmentFileName {
  int64_t base_offset = 0;
  SegmentFileType type = SegmentFileType::kLog;

  bool operator==(const ParsedSegmentFileName&) const = default;
};

// The base offset and type of a file name (not a path); nullopt unless it is
// exactly 20 digits (a value that fits an int64), a dot and a known extension.
std::optional<ParsedSegmentFileName> ParseSegmentFileName(std::string_view name);

}  // namespace brook::storage
