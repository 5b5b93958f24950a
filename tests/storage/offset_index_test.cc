// tests/storage/offset_index_test.cc
#include "storage/offset_index.h"

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

// Entries at offsets 100 + {9, 19, 29} and positions {1000, 2000, 3000}.
OffsetIndex ThreeEntries() {
  OffsetIndex index(100);
  index.Append(109, 1000);
  index.Append(119, 2000);
  index.Append(129, 3000);
  return index;
}

TEST(OffsetIndexTest, LookupFindsTheLastEntryAtOrBeforeTheOffset) {
  const OffsetIndex index = ThreeEntries();
  EXPECT_EQ(index.Lookup(99), std::nullopt);   // below the base
  EXPECT_EQ(index.Lookup(100), std::nullopt);  // before the first entry: scan from 0
  EXPECT_EQ(index.Lookup(108), std::nullopt);
  EXPECT_EQ(index.Lookup(109), (OffsetIndexEntry{109, 1000}));
  EXPECT_EQ(index.Lookup(118), (OffsetIndexEntry{109, 1000}));
  EXPECT_EQ(index.Lookup(119), (OffsetIndexEntry{119, 2000}));
  EXPECT_EQ(index.Lookup(129), (OffsetIndexEntry{129, 3000}));
  EXPECT_EQ(index.Lookup(int64_t{1} << 40), (OffsetIndexEntry{129, 3000}));
}

TEST(OffsetIndexTest, LookupPositionFindsTheLastEntryAtOrBeforeThePosition) {
  const OffsetIndex index = ThreeEntries();
  EXPECT_EQ(index.LookupPosition(0), std::nullopt);
  EXPECT_EQ(index.LookupPosition(999), std::nullopt);
  EXPECT_EQ(index.LookupPosition(1000), (OffsetIndexEntry{109, 1000}));
  EXPECT_EQ(index.LookupPosition(1999), (OffsetIndexEntry{109, 1000}));
  EXPECT_EQ(index.LookupPosition(2000), (OffsetIndexEntry{119, 2000}));
  EXPECT_EQ(index.LookupPosition(uint64_t{1} << 40), (OffsetIndexEntry{129, 3000}));
  EXPECT_EQ(OffsetIndex(0).LookupPosition(5000), std::nullopt);
}

TEST(OffsetIndexTest, LookupAgreesWithALinearScanOnManyEntries) {
  OffsetIndex index(0);
  for (int i = 0; i < 1000; ++i) index.Append(3 * i + 2, static_cast<uint32_t>(100 * i + 50));
  for (int64_t target = 0; target < 3100; ++target) {
    std::optional<OffsetIndexEntry> expected;
    for (size_t i = 0; i < index.size(); ++i) {
      if (index.entry(i).offset <= target) expected = index.entry(i);
    }
    ASSERT_EQ(index.Lookup(target), expected) << "target " << target;
  }
}

TEST(OffsetIndexTest, TruncateDropsEntriesAtAndAfterTheOffset) {
  OffsetIndex index = ThreeEntries();
  index.Truncate(130);
  EXPECT_EQ(index.size(), 3u);
  index.Truncate(120);
  EXPECT_EQ(Entries(index), (std::vector<OffsetIndexEntry>{{109, 1000}, {119, 2000}}));
  index.Truncate(119);
  EXPECT_EQ(Entries(index), (std::vector<OffsetIndexEntry>{{109, 1000}}));
  index.Truncate(0);
  EXPECT_TRUE(index.empty());
  index.Append(105, 500);  // appends continue from the new end
  EXPECT_EQ(index.Lookup(200), (OffsetIndexEntry{105, 500}));
}

TEST(OffsetIndexTest, SavesBigEndianEntriesRelativeToTheBase) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex index(100);
  index.Append(101, 0x01020304);
  ASSERT_OK(index.Save(*file));
  EXPECT_EQ(ReadAll(*file), std::string("\0\0\0\x01\x01\x02\x03\x04", 8));
  EXPECT_EQ(fs.synced_size("0.index"), 8u);
}

TEST(OffsetIndexTest, LoadRoundTripsWhatSaveWrote) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex saved = ThreeEntries();
  ASSERT_OK(saved.Save(*file));
  EXPECT_FALSE(saved.dirty());

  OffsetIndex loaded(100);
  ASSERT_OK(loaded.Load(*file, /*log_size=*/3001));
  EXPECT_EQ(Entries(loaded), Entries(saved));
  EXPECT_FALSE(loaded.dirty());
}

TEST(OffsetIndexTest, SaveAppendsNewEntriesAndCutsTruncatedOnes) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex index = ThreeEntries();
  ASSERT_OK(index.Save(*file));
  index.Append(139, 4000);
  ASSERT_OK(index.Save(*file));
  index.Truncate(119);
  index.Append(125, 2500);
  ASSERT_OK(index.Save(*file));

  OffsetIndex loaded(100);
  ASSERT_OK(loaded.Load(*file, 5000));
  EXPECT_EQ(Entries(loaded), (std::vector<OffsetIndexEntry>{{109, 1000}, {125, 2500}}));
}

TEST(OffsetIndexTest, SaveWithoutChangesTouchesNothing) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex index = ThreeEntries();
  ASSERT_OK(index.Save(*file));
  fs.FailNext(MemFileSystem::Op::kAppend, std::make_error_code(std::errc::io_error));
  fs.FailNext(MemFileSystem::Op::kSync, std::make_error_code(std::errc::io_error));
  EXPECT_OK(index.Save(*file));
}

TEST(OffsetIndexTest, SaveAfterAFailedSaveRewritesTheFile) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex index = ThreeEntries();
  fs.FailNext(MemFileSystem::Op::kSync, std::make_error_code(std::errc::io_error));
  EXPECT_FALSE(index.Save(*file).ok());
  EXPECT_TRUE(index.dirty());
  ASSERT_OK(index.Save(*file));
  OffsetIndex loaded(100);
  ASSERT_OK(loaded.Load(*file, 5000));
  EXPECT_EQ(Entries(loaded), Entries(index));
}

TEST(OffsetIndexTest, ClearMakesTheNextSaveEmptyTheFile) {
  MemFileSystem fs;
  std::unique_ptr<File> file = OpenOrDie(fs, "0.index");
  OffsetIndex index = ThreeEntries();
  ASSERT_OK(index.Save(*file));
  index.Clear();
  ASSERT_OK(index.Save(*file));
  EXPECT_EQ(file->size(), 0u);
}

// Loads `bytes` as an index of a 10000-byte log.
Status LoadBytes(OffsetIndex& index, const std::string& bytes) {
  MemFileSystem fs;
  Result<std::unique_ptr<File>> file = fs.Open("0.index", OpenMode::kCreateOrAppend);
  if (!file.ok()) return file.status();
  if (Status s = (*file)->Append(bytes); !s.ok()) return s;
  return index.Load(**file, 10000);
}

std::string Entry(uint32_t relative_offset, uint32_t position) {
  std::string out;
  for (uint32_t v : {relative_offset, position}) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  }
  return out;
}

TEST(OffsetIndexTest, LoadRejectsWhatAppendCouldNotHaveWritten) {
  const struct {
    const char* what;
    std::string bytes;
  } cases[] = {
      {"a partial entry", Entry(1, 10) + std::string(3, '\0')},
      {"an offset that does not increase", Entry(5, 10) + Entry(5, 20)},
      {"an offset that goes back", Entry(5, 10) + Entry(4, 20)},
      {"a position that does not increase", Entry(5, 10) + Entry(6, 10)},
      {"a position at the end of the log", Entry(5, 10000)},
      {"a position past the log", Entry(5, 10) + Entry(6, 0xffffffff)},
      {"zeroes after the entries", Entry(5, 10) + Entry(0, 0)},
  };
  for (const auto& c : cases) {
    OffsetIndex index(0);
    index.Append(1, 1);
    Status s = LoadBytes(index, c.bytes);
    EXPECT_EQ(s.code(), Errc::kCorruptIndex) << c.what << ": " << s.ToString();
    EXPECT_TRUE(index.empty()) << c.what;
  }
}

TEST(OffsetIndexTest, LoadAcceptsAnEmptyFile) {
  OffsetIndex index(0);
  ASSERT_OK(LoadBytes(index, ""));
  EXPECT_TRUE(index.empty());
}

}  // namespace
}  // namespace brook::storage
