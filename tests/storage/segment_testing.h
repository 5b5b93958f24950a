// tests/storage/segment_testing.h
//
// Helpers shared by the segment tests: batches to append and what a segment
// holding them should look like.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/record_batch.h"
#include "storage/offset_index.h"
#include "storage/segment.h"
#include "tests/storage/file_system_testing.h"

namespace brook::storage::testing {

struct TestBatch {
  std::string bytes;
  RecordBatchHeader header;
};

// An uncompressed batch of `record_count` records at `base_offset`, each with
// a `value_bytes`-byte value; record i has timestamp base_timestamp + i.
inline TestBatch MakeBatch(int64_t base_offset, int record_count, size_t value_bytes,
                           int64_t base_timestamp) {
  RecordBatchHeader header;
  header.base_offset = base_offset;
  header.base_timestamp = base_timestamp;
  std::vector<Record> records;
  for (int i = 0; i < record_count; ++i) {
    Record record;
    record.timestamp_delta = i;
    record.offset_delta = i;
    record.value = std::string(value_bytes, static_cast<char>('a' + (base_offset + i) % 26));
    records.push_back(std::move(record));
  }
  Result<std::string> bytes = BuildRecordBatch(header, Compression::kNone, records);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return {};
  Result<RecordBatchView> view = RecordBatchView::Parse(*bytes);
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  if (!view.ok()) return {};
  return {*bytes, view->header()};
}

// `count` batches of `records_per_batch` records, offsets dense from `base_offset`.
inline std::vector<TestBatch> MakeBatches(int64_t base_offset, int count, int records_per_batch,
                                          size_t value_bytes) {
  std::vector<TestBatch> batches;
  int64_t offset = base_offset;
  for (int i = 0; i < count; ++i) {
    batches.push_back(MakeBatch(offset, records_per_batch, value_bytes, 1000 + offset));
    offset = batches.back().header.next_offset();
  }
  return batches;
}

inline Status AppendAll(Segment& segment, const std::vector<TestBatch>& batches) {
  for (const TestBatch& batch : batches) {
    if (Status s = segment.Append(batch.bytes, batch.header); !s.ok()) return s;
  }
  return Status::Ok();
}

inline std::string Concat(const std::vector<TestBatch>& batches, size_t begin = 0,
                          size_t end = SIZE_MAX) {
  std::string out;
  for (size_t i = begin; i < batches.size() && i < end; ++i) out += batches[i].bytes;
  return out;
}

// Every byte the segment serves from `from_offset`, or "<error: ...>".
inline std::string ReadEverything(const Segment& segment, int64_t from_offset) {
  Result<ReadSlice> slice = segment.Read(from_offset, SIZE_MAX, INT64_MAX);
  if (!slice.ok()) return "<error: " + slice.status().ToString() + ">";
  Result<std::string> bytes = slice->ReadBytes();
  if (!bytes.ok()) return "<error: " + bytes.status().ToString() + ">";
  return *bytes;
}

// The offset index entries appends of `batches` produce, computed the slow way.
inline std::vector<OffsetIndexEntry> ExpectedOffsetIndex(const std::vector<TestBatch>& batches,
                                                         uint32_t interval_bytes) {
  std::vector<OffsetIndexEntry> entries;
  uint64_t position = 0;
  uint64_t since_entry = 0;
  for (const TestBatch& batch : batches) {
    if (since_entry > interval_bytes) {
      entries.push_back({batch.header.last_offset(), static_cast<uint32_t>(position)});
      since_entry = 0;
    }
    since_entry += batch.bytes.size();
    position += batch.bytes.size();
  }
  return entries;
}

inline std::vector<OffsetIndexEntry> Entries(const OffsetIndex& index) {
  std::vector<OffsetIndexEntry> out;
  for (size_t i = 0; i < index.size(); ++i) out.push_back(index.entry(i));
  return out;
}

inline std::vector<TimeIndexEntry> Entries(const TimeIndex& index) {
  std::vector<TimeIndexEntry> out;
  for (size_t i = 0; i < index.size(); ++i) out.push_back(index.entry(i));
  return out;
}

}  // namespace brook::storage::testing

namespace brook::storage {

// For readable EXPECT_EQ failures.
inline void PrintTo(const OffsetIndexEntry& e, std::ostream* os) {
  *os << "{offset " << e.offset << ", position " << e.position << "}";
}
inline void PrintTo(const TimeIndexEntry& e, std::ostream* os) {
  *os << "{timestamp " << e.timestamp << ", offset " << e.offset << "}";
}

}  // namespace brook::storage
