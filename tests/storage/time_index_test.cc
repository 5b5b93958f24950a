// tests/storage/time_index_test.cc
#include "storage/time_index.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "tests/storage/segment_testing.h"

namespace brook::storage {
namespace {

using testing::Entries;
using testing::ReadAll;

std::unique_ptr<File> OpenOrDie(MemFileSystem& fs, const std::string& path) {
  Result<std::unique_ptr<File>> file = fs.Open(path, OpenMode::kCreateOrAppend);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? std::move(*file) : nullptr;
}

TimeIndex ThreeEntries() {
  TimeIndex index(100);
  index.Append(1000, 109);
  index.Append(2000, 119);
  index.Append(3000, 129);
  return index;
}

TEST(TimeIndexTest, LookupFindsTheLastEntryAtOrBeforeTheTimestamp) {
  const TimeIndex index = ThreeEntries();
  EXPECT_EQ(index.Lookup(-1), std::nullopt);
  EXPECT_EQ(index.Lookup(999), std::nullopt);
  EXPECT_EQ(index.Lookup(1000), (TimeIndexEntry{1000, 109}));
  EXPECT_EQ(index.Lookup(1999), (TimeIndexEntry{1000, 109}));
  EXPECT_EQ(index.Lookup(2000), (TimeIndexEntry{2000, 119}));
  EXPECT_EQ(index.Lookup(INT64_MAX), (TimeIndexEntry{3000, 129}));
}

TEST(TimeIndexTest, LookupAgreesWithALinearScanOnManyEntries) {
  TimeIndex index(0);
  for (int i = 0; i < 500; ++i) index.Append(10 * i + 7, 2 * i + 1);
  for (int64_t target = 0; target < 5100; target += 3) {
    std::optional<TimeIndexEntry> expected;
    for (size_t i = 0; i < index.size(); ++i) {
      if (index.entry(i).timestamp <= target) expected = index.entry(i);
    }
    ASSERT_EQ(index.Lookup(target), expected) << "target " << target;
  }
}

TEST(TimeIndexTest, TruncateDropsEntriesAtAndAfterTheOffset) {
  TimeIndex index = ThreeEntries();
  index.Truncate(130);
  EXPECT_EQ(index.size(), 3u);
  index.Truncate(119);
  EXPECT_EQ(Entries(index), (std::vector<TimeIndexEntry>{{1000, 109}}));
  index.Truncate(100);
  EXPECT_TRUE(index.empty());
}

TEST(TimeIndexTest, SavesBigEndianEntriesRelativeToTheBase) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.timeindex");
  TimeIndex index(0x100);
  index.Append(0x0102030405060708, 0x105);
  ASSERT_OK(index.Save(*file));
  EXPECT_EQ(ReadAll(*file), std::string("\x01\x02\x03\x04\x05\x06\x07\x08\0\0\x00\x05", 12));
  EXPECT_EQ(fs.synced_size("0.timeindex"), 12u);
}

TEST(TimeIndexTest, SaveAppendsNewEntriesAndLoadReadsThemBack) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.timeindex");
  TimeIndex index = ThreeEntries();
  ASSERT_OK(index.Save(*file));
  index.Append(4000, 139);
  ASSERT_OK(index.Save(*file));
  index.Truncate(119);
  index.Append(1500, 112);
  ASSERT_OK(index.Save(*file));

  TimeIndex loaded(100);
  ASSERT_OK(loaded.Load(*file, /*last_offset=*/139));
  EXPECT_EQ(Entries(loaded), (std::vector<TimeIndexEntry>{{1000, 109}, {1500, 112}}));
  EXPECT_FALSE(loaded.dirty());
}

std::string Entry(int64_t timestamp, uint32_t relative_offset) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(static_cast<uint64_t>(timestamp) >> shift));
  }
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(relative_offset >> shift));
  }
  return out;
}

TEST(TimeIndexTest, LoadRejectsWhatAppendCouldNotHaveWritten) {
  const struct {
    const char* what;
    std::string bytes;
  } cases[] = {
      {"a partial entry", Entry(10, 1) + std::string(11, '\0')},
      {"a timestamp that does not increase", Entry(10, 1) + Entry(10, 2)},
      {"a timestamp that goes back", Entry(10, 1) + Entry(9, 2)},
      {"an offset that does not increase", Entry(10, 2) + Entry(11, 2)},
      {"an offset past the last one", Entry(10, 1) + Entry(11, 51)},
      {"zeroes after the entries", Entry(10, 1) + Entry(0, 0)},
  };
  for (const auto& c : cases) {
    MemFileSystem fs;
    std::unique_ptr<File> file = OpenOrDie(fs, "0.timeindex");
    ASSERT_OK(file->Append(c.bytes));
    TimeIndex index(0);
    index.Append(1, 1);
    Status s = index.Load(*file, /*last_offset=*/50);
    EXPECT_EQ(s.code(), Errc::kCorruptIndex) << c.what << ": " << s.ToString();
    EXPECT_TRUE(index.empty()) << c.what;
  }
}

}  // namespace
}  // namespace brook::storage
