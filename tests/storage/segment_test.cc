// tests/storage/segment_test.cc
//
// Segment behaviour with healthy files: appends, reads, indexes, timestamps,
// truncation and reopening. Damaged files are in segment_recovery_test.cc.
#include "storage/segment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "storage/posix_file_system.h"
#include "tests/storage/segment_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

using testing::AppendAll;
using testing::Concat;
using testing::Entries;
using testing::ExpectedOffsetIndex;
using testing::MakeBatch;
using testing::MakeBatches;
using testing::ReadEverything;
using testing::ReadFile;
using testing::TestBatch;

constexpr char kDir[] = "t-0";
constexpr char kLog[] = "t-0/00000000000000000000.log";

class SegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(fs_.CreateDirs(kDir));
    ASSERT_OK(fs_.SyncDir(""));  // the partition directory itself is not the segment's
  }

  std::unique_ptr<Segment> Create(int64_t base_offset = 0, SegmentConfig config = {}) {
    Result<std::unique_ptr<Segment>> segment = Segment::Create(fs_, kDir, base_offset, config);
    EXPECT_TRUE(segment.ok()) << segment.status().ToString();
    return segment.ok() ? std::move(*segment) : nullptr;
  }
  std::unique_ptr<Segment> Open(Recover recover, int64_t base_offset = 0,
                                SegmentConfig config = {}) {
    Result<std::unique_ptr<Segment>> segment =
        Segment::Open(fs_, kDir, base_offset, config, recover);
    EXPECT_TRUE(segment.ok()) << segment.status().ToString();
    return segment.ok() ? std::move(*segment) : nullptr;
  }

  MemFileSystem fs_;
};

TEST_F(SegmentTest, CreateMakesThreeEmptyFilesThatSurviveACrash) {
  std::unique_ptr<Segment> segment = Create(/*base_offset=*/42);
  ASSERT_NE(segment, nullptr);
  EXPECT_TRUE(segment->is_empty());
  EXPECT_EQ(segment->base_offset(), 42);
  EXPECT_EQ(segment->next_offset(), 42);
  EXPECT_EQ(segment->max_timestamp(), kNoTimestamp);
  fs_.SimulateCrash();
  Result<std::vector<std::string>> names = fs_.List(kDir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names,
            (std::vector<std::string>{"00000000000000000042.index", "00000000000000000042.log",
                                      "00000000000000000042.timeindex"}));
}

TEST_F(SegmentTest, CreateRefusesAnExistingLog) {
  ASSERT_NE(Create(), nullptr);
  Result<std::unique_ptr<Segment>> again = Segment::Create(fs_, kDir, 0);
  EXPECT_EQ(again.status().code(), Errc::kInvalidArgument);
}

TEST_F(SegmentTest, CreateEmptiesLeftoverIndexFiles) {
  ASSERT_OK(testing::AppendFile(fs_, "t-0/00000000000000000000.index", std::string(8, 'x')));
  std::unique_ptr<Segment> segment = Create();
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(testing::ReadFile(fs_, "t-0/00000000000000000000.index"), "");
}

TEST_F(SegmentTest, OpenWithoutALogIsNotFound) {
  for (Recover recover : {Recover::kNo, Recover::kYes}) {
    Result<std::unique_ptr<Segment>> segment = Segment::Open(fs_, kDir, 0, {}, recover);
    EXPECT_EQ(segment.status().code(), Errc::kNotFound);
  }
}

TEST_F(SegmentTest, AppendTracksOffsetsSizeAndMaxTimestamp) {
  std::unique_ptr<Segment> segment = Create();
  const TestBatch a = MakeBatch(0, 3, 10, /*base_timestamp=*/5000);
  const TestBatch b = MakeBatch(3, 2, 10, /*base_timestamp=*/1000);  // older than a
  ASSERT_OK(segment->Append(a.bytes, a.header));
  ASSERT_OK(segment->Append(b.bytes, b.header));
  EXPECT_FALSE(segment->is_empty());
  EXPECT_EQ(segment->next_offset(), 5);
  EXPECT_EQ(segment->size_bytes(), a.bytes.size() + b.bytes.size());
  EXPECT_EQ(segment->max_timestamp(), 5002);
  EXPECT_EQ(testing::ReadFile(fs_, kLog), a.bytes + b.bytes);
}

TEST_F(SegmentTest, AppendAcceptsGapsInOffsets) {
  std::unique_ptr<Segment> segment = Create();
  const TestBatch a = MakeBatch(0, 2, 10, 1);
  const TestBatch b = MakeBatch(10, 2, 10, 1);  // as compaction leaves them
  ASSERT_OK(segment->Append(a.bytes, a.header));
  ASSERT_OK(segment->Append(b.bytes, b.header));
  EXPECT_EQ(segment->next_offset(), 12);
  Result<ReadSlice> slice = segment->Read(5, SIZE_MAX, INT64_MAX);
  ASSERT_TRUE(slice.ok()) << slice.status().ToString();
  EXPECT_EQ(slice->base_offset, 10);
}

TEST_F(SegmentTest, ReadFromAnyOffsetStartsWithTheBatchHoldingIt) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 300});
  const std::vector<TestBatch> batches = MakeBatches(0, 30, 5, 40);
  ASSERT_OK(AppendAll(*segment, batches));
  ASSERT_GT(segment->offset_index().size(), 5u);  // the lookups below use the index
  uint64_t position = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    for (int64_t offset = batches[i].header.base_offset; offset < batches[i].header.next_offset();
         ++offset) {
      Result<ReadSlice> slice = segment->Read(offset, SIZE_MAX, INT64_MAX);
      ASSERT_TRUE(slice.ok()) << slice.status().ToString();
      EXPECT_EQ(slice->position, position) << "offset " << offset;
      EXPECT_EQ(slice->base_offset, batches[i].header.base_offset);
      EXPECT_EQ(slice->next_offset, segment->next_offset());
      EXPECT_EQ(slice->ReadBytes().value(), Concat(batches, i)) << "offset " << offset;
    }
    position += batches[i].bytes.size();
  }
}

TEST_F(SegmentTest, ReadStopsAtMaxBytesOnBatchBoundaries) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 6, 2, 50);
  ASSERT_OK(AppendAll(*segment, batches));
  const size_t two_and_a_half = batches[0].bytes.size() * 5 / 2;
  Result<ReadSlice> slice = segment->Read(0, two_and_a_half, INT64_MAX);
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->ReadBytes().value(), Concat(batches, 0, 2));
  EXPECT_EQ(slice->next_offset, batches[2].header.base_offset);

  const size_t exactly_three = Concat(batches, 1, 4).size();
  slice = segment->Read(batches[1].header.base_offset, exactly_three, INT64_MAX);
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->ReadBytes().value(), Concat(batches, 1, 4));
}

TEST_F(SegmentTest, ReadReturnsTheWholeFirstBatchEvenWhenLargerThanMaxBytes) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 3, 2, 500);
  ASSERT_OK(AppendAll(*segment, batches));
  for (size_t max_bytes : {size_t{0}, size_t{1}, batches[1].bytes.size() - 1}) {
    Result<ReadSlice> slice =
        segment->Read(batches[1].header.base_offset + 1, max_bytes, INT64_MAX);
    ASSERT_TRUE(slice.ok());
    EXPECT_EQ(slice->ReadBytes().value(), batches[1].bytes) << "max_bytes " << max_bytes;
  }
}

TEST_F(SegmentTest, ReadNeverIncludesABatchStartingAtOrPastMaxOffset) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 5, 4, 10);  // offsets 0-19
  ASSERT_OK(AppendAll(*segment, batches));
  struct Case {
    int64_t offset;
    int64_t max_offset;
    size_t begin;
    size_t end;
  };
  for (const Case& c : {
           Case{0, 12, 0, 3},  // batch 3 starts at 12
           Case{0, 13, 0, 4},  // batch 3 starts below 13: it goes out whole
           Case{5, 8, 1, 2},
           Case{5, 4, 1, 1},  // the first batch itself is excluded
           Case{6, 6, 1, 2},  // ... but not when it starts below max_offset
           Case{8, 8, 2, 2},
           Case{0, 0, 0, 0},
           Case{0, 20, 0, 5},
       }) {
    Result<ReadSlice> slice = segment->Read(c.offset, SIZE_MAX, c.max_offset);
    ASSERT_TRUE(slice.ok()) << slice.status().ToString();
    EXPECT_EQ(slice->ReadBytes().value(), Concat(batches, c.begin, c.end))
        << "offset " << c.offset << " max_offset " << c.max_offset;
    EXPECT_EQ(slice->empty(), c.begin == c.end);
  }
}

// Read frames its slice from the offset index: whatever the index's density
// and with offset gaps between batches (a compacted segment), it returns
// exactly the batches a walk over every batch would.
TEST_F(SegmentTest, ReadFramedByTheIndexAgreesWithAWalkOverEveryBatch) {
  for (uint32_t interval : {1u, 300u, 700u, 4096u}) {
    SCOPED_TRACE("index interval " + std::to_string(interval));
    std::unique_ptr<Segment> segment = Create(interval * 1000, {.index_interval_bytes = interval});
    std::vector<TestBatch> batches;
    int64_t offset = interval * 1000;
    for (int i = 0; i < 24; ++i) {
      batches.push_back(MakeBatch(offset, 1 + i % 3, 40 + 7 * i, 1000 + offset));
      offset = batches.back().header.next_offset() + (i % 4 == 1 ? 5 : 0);  // some gaps
    }
    ASSERT_OK(AppendAll(*segment, batches));
    for (int64_t at = segment->base_offset(); at < segment->next_offset(); ++at) {
      for (size_t max_bytes : {size_t{0}, size_t{150}, size_t{400}, size_t{1000}, size_t{2500},
                               size_t{4000}, SIZE_MAX}) {
        for (int64_t max_offset : {at, at + 3, at + 17, segment->next_offset(), INT64_MAX}) {
          // The walk: the batch holding `at` (or the first after it), then
          // more while they fit and start below max_offset.
          size_t begin = 0;
          while (begin < batches.size() && batches[begin].header.next_offset() <= at) ++begin;
          size_t end = begin;
          size_t bytes = 0;
          while (end < batches.size() && batches[end].header.base_offset < max_offset &&
                 (end == begin || bytes + batches[end].bytes.size() <= max_bytes)) {
            bytes += batches[end].bytes.size();
            ++end;
          }
          Result<ReadSlice> slice = segment->Read(at, max_bytes, max_offset);
          ASSERT_TRUE(slice.ok()) << slice.status().ToString();
          const std::string where = "offset " + std::to_string(at) + " max_bytes " +
                                    std::to_string(max_bytes) + " max_offset " +
                                    std::to_string(max_offset);
          ASSERT_EQ(slice->ReadBytes().value(), Concat(batches, begin, end)) << where;
          if (begin == end) continue;
          EXPECT_EQ(slice->base_offset, batches[begin].header.base_offset) << where;
          // The next offset after the last batch, or the base of the one after.
          EXPECT_GE(slice->next_offset, batches[end - 1].header.next_offset()) << where;
          if (end < batches.size()) {
            EXPECT_LE(slice->next_offset, batches[end].header.base_offset) << where;
          }
        }
      }
    }
  }
}

// ReadInto frames the batches in the bytes it read; the slice and the bytes
// are Read's and ReadBytes'.
TEST_F(SegmentTest, ReadIntoAgreesWithReadForEveryOffsetAndLimit) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 300});
  const std::vector<TestBatch> batches = MakeBatches(0, 20, 3, 60);
  ASSERT_OK(AppendAll(*segment, batches));
  const size_t batch_bytes = batches[0].bytes.size();
  for (int64_t offset = 0; offset <= segment->next_offset(); ++offset) {
    for (size_t max_bytes :
         {size_t{0}, batch_bytes - 1, batch_bytes * 5 / 2, batch_bytes * 4, SIZE_MAX}) {
      for (int64_t max_offset : {int64_t{0}, offset, offset + 4, int64_t{30}, INT64_MAX}) {
        Result<ReadSlice> expected = segment->Read(offset, max_bytes, max_offset);
        ASSERT_TRUE(expected.ok()) << expected.status().ToString();
        std::string bytes = "left over";
        Result<ReadSlice> slice = segment->ReadInto(offset, max_bytes, max_offset, &bytes);
        ASSERT_TRUE(slice.ok()) << slice.status().ToString();
        const std::string where = "offset " + std::to_string(offset) + " max_bytes " +
                                  std::to_string(max_bytes) + " max_offset " +
                                  std::to_string(max_offset);
        EXPECT_EQ(slice->position, expected->position) << where;
        EXPECT_EQ(slice->size, expected->size) << where;
        EXPECT_EQ(slice->base_offset, expected->base_offset) << where;
        EXPECT_EQ(slice->next_offset, expected->next_offset) << where;
        EXPECT_EQ(bytes, expected->ReadBytes().value()) << where;
      }
    }
  }
  std::string bytes;
  EXPECT_EQ(
      segment->ReadInto(segment->next_offset() + 1, SIZE_MAX, INT64_MAX, &bytes).status().code(),
      Errc::kOffsetOutOfRange);
}

TEST_F(SegmentTest, ReadAtTheEndIsEmptyAndOutsideIsOutOfRange) {
  std::unique_ptr<Segment> segment = Create(/*base_offset=*/100);
  const std::vector<TestBatch> batches = MakeBatches(100, 2, 3, 10);
  ASSERT_OK(AppendAll(*segment, batches));
  Result<ReadSlice> slice = segment->Read(106, SIZE_MAX, INT64_MAX);
  ASSERT_TRUE(slice.ok());
  EXPECT_TRUE(slice->empty());
  EXPECT_EQ(slice->position, segment->size_bytes());
  EXPECT_EQ(slice->ReadBytes().value(), "");
  EXPECT_EQ(segment->Read(107, SIZE_MAX, INT64_MAX).status().code(), Errc::kOffsetOutOfRange);
  EXPECT_EQ(segment->Read(99, SIZE_MAX, INT64_MAX).status().code(), Errc::kOffsetOutOfRange);
}

TEST_F(SegmentTest, ReadOfAnEmptySegmentIsEmpty) {
  std::unique_ptr<Segment> segment = Create(/*base_offset=*/7);
  Result<ReadSlice> slice = segment->Read(7, SIZE_MAX, INT64_MAX);
  ASSERT_TRUE(slice.ok());
  EXPECT_TRUE(slice->empty());
}

TEST_F(SegmentTest, IndexGetsAnEntryPerIntervalOfAppendedBytes) {
  for (uint32_t interval : {0u, 100u, 1000u, 4096u}) {
    MemFileSystem fs;
    ASSERT_OK(fs.CreateDirs(kDir));
    Result<std::unique_ptr<Segment>> segment =
        Segment::Create(fs, kDir, 0, {.index_interval_bytes = interval});
    ASSERT_TRUE(segment.ok());
    const std::vector<TestBatch> batches = MakeBatches(0, 100, 3, 100);
    ASSERT_OK(AppendAll(**segment, batches));
    const std::vector<OffsetIndexEntry> expected = ExpectedOffsetIndex(batches, interval);
    EXPECT_EQ(Entries((*segment)->offset_index()), expected) << "interval " << interval;
    EXPECT_GT(expected.size(), 0u);
    // Timestamps grow with offsets here, so each offset entry has a time entry.
    EXPECT_EQ((*segment)->time_index().size(), expected.size()) << "interval " << interval;
  }
}

TEST_F(SegmentTest, FindOffsetByTimestampMatchesALinearScan) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 200});
  std::mt19937_64 rng(17);
  std::vector<TestBatch> batches;
  int64_t offset = 0;
  for (int i = 0; i < 200; ++i) {
    const int records = 1 + static_cast<int>(rng() % 3);
    // Mostly rising, sometimes back in time, as producers' clocks are.
    const int64_t timestamp = 1000 + 10 * i + static_cast<int64_t>(rng() % 200) - 100;
    batches.push_back(MakeBatch(offset, records, 20, timestamp));
    offset = batches.back().header.next_offset();
  }
  ASSERT_OK(AppendAll(*segment, batches));
  ASSERT_GT(segment->time_index().size(), 10u);
  for (int64_t ts = 0; ts <= segment->max_timestamp() + 1; ++ts) {
    std::optional<int64_t> expected;
    for (const TestBatch& b : batches) {
      if (b.header.max_timestamp >= ts) {
        expected = b.header.base_offset;
        break;
      }
    }
    Result<std::optional<int64_t>> found = segment->FindOffsetByTimestamp(ts);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_EQ(*found, expected) << "timestamp " << ts;
  }
}

TEST_F(SegmentTest, FindOffsetByTimestampOfAnEmptySegmentIsNothing) {
  std::unique_ptr<Segment> segment = Create();
  Result<std::optional<int64_t>> found = segment->FindOffsetByTimestamp(0);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::nullopt);
}

TEST_F(SegmentTest, TruncateToDropsBatchesFromTheOffsetAndAppendsContinue) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 250});
  const std::vector<TestBatch> batches = MakeBatches(0, 40, 3, 30);
  ASSERT_OK(AppendAll(*segment, batches));
  ASSERT_OK(segment->Sync());
  const size_t keep = 25;
  ASSERT_OK(segment->TruncateTo(batches[keep].header.base_offset));

  const std::vector<TestBatch> kept(batches.begin(), batches.begin() + keep);
  EXPECT_EQ(segment->next_offset(), batches[keep].header.base_offset);
  EXPECT_EQ(segment->size_bytes(), Concat(kept).size());
  EXPECT_EQ(segment->max_timestamp(), kept.back().header.max_timestamp);
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(kept));
  EXPECT_EQ(Entries(segment->offset_index()), ExpectedOffsetIndex(kept, 250));

  // Appending the same batches again gives what appending them once gave.
  const std::vector<TestBatch> rest(batches.begin() + keep, batches.end());
  ASSERT_OK(AppendAll(*segment, rest));
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches));
  EXPECT_EQ(Entries(segment->offset_index()), ExpectedOffsetIndex(batches, 250));
  MemFileSystem fresh_fs;
  ASSERT_OK(fresh_fs.CreateDirs(kDir));
  std::unique_ptr<Segment> fresh =
      std::move(Segment::Create(fresh_fs, kDir, 0, {.index_interval_bytes = 250}).value());
  ASSERT_OK(AppendAll(*fresh, batches));
  EXPECT_EQ(Entries(segment->time_index()), Entries(fresh->time_index()));
}

TEST_F(SegmentTest, TruncateToKeepsTheBatchHoldingTheOffset) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 4, 5, 10);  // offsets 0-19
  ASSERT_OK(AppendAll(*segment, batches));
  ASSERT_OK(segment->TruncateTo(12));  // inside batch 2 (10-14)
  EXPECT_EQ(segment->next_offset(), 15);
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches, 0, 3));
  ASSERT_OK(segment->TruncateTo(15));
  EXPECT_EQ(segment->next_offset(), 15);
  ASSERT_OK(segment->TruncateTo(100));
  EXPECT_EQ(segment->next_offset(), 15);
}

TEST_F(SegmentTest, TruncateToTheBaseEmptiesTheSegment) {
  std::unique_ptr<Segment> segment = Create(/*base_offset=*/10, {.index_interval_bytes = 50});
  ASSERT_OK(AppendAll(*segment, MakeBatches(10, 10, 2, 20)));
  ASSERT_OK(segment->TruncateTo(0));
  EXPECT_TRUE(segment->is_empty());
  EXPECT_EQ(segment->next_offset(), 10);
  EXPECT_EQ(segment->max_timestamp(), kNoTimestamp);
  EXPECT_TRUE(segment->offset_index().empty());
  EXPECT_TRUE(segment->time_index().empty());
  EXPECT_EQ(testing::ReadFile(fs_, "t-0/00000000000000000010.index"), "");
}

TEST_F(SegmentTest, TruncateToIsDurable) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 100});
  const std::vector<TestBatch> batches = MakeBatches(0, 10, 2, 20);
  ASSERT_OK(AppendAll(*segment, batches));
  ASSERT_OK(segment->Sync());
  ASSERT_OK(segment->TruncateTo(batches[4].header.base_offset));
  fs_.SimulateCrash();
  segment = Open(Recover::kNo, 0, {.index_interval_bytes = 100});
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches, 0, 4));
  EXPECT_EQ(Entries(segment->offset_index()),
            ExpectedOffsetIndex({batches.begin(), batches.begin() + 4}, 100));
}

TEST_F(SegmentTest, ReopenWithoutRecoveryRestoresTheSameState) {
  const SegmentConfig config{.index_interval_bytes = 200};
  std::unique_ptr<Segment> segment = Create(/*base_offset=*/5, config);
  const std::vector<TestBatch> batches = MakeBatches(5, 50, 3, 40);
  ASSERT_OK(AppendAll(*segment, batches));
  const std::vector<OffsetIndexEntry> index = Entries(segment->offset_index());
  const std::vector<TimeIndexEntry> time_index = Entries(segment->time_index());
  const int64_t max_timestamp = segment->max_timestamp();
  ASSERT_OK(segment->Close());
  segment.reset();

  for (Recover recover : {Recover::kNo, Recover::kYes}) {
    segment = Open(recover, 5, config);
    ASSERT_NE(segment, nullptr);
    EXPECT_EQ(segment->next_offset(), batches.back().header.next_offset());
    EXPECT_EQ(segment->size_bytes(), Concat(batches).size());
    EXPECT_EQ(segment->max_timestamp(), max_timestamp);
    EXPECT_EQ(Entries(segment->offset_index()), index);
    EXPECT_EQ(Entries(segment->time_index()), time_index);
    EXPECT_EQ(ReadEverything(*segment, 5), Concat(batches));
    // Appends continue where they left off.
    const TestBatch next = MakeBatch(segment->next_offset(), 1, 1, 1);
    ASSERT_OK(segment->Append(next.bytes, next.header));
    ASSERT_OK(segment->TruncateTo(next.header.base_offset));
    ASSERT_OK(segment->Close());
    segment.reset();
  }
}

TEST_F(SegmentTest, ReopenWithoutRecoveryIndexesWhatWasAppendedAfterTheLastSave) {
  const SegmentConfig config{.index_interval_bytes = 200};
  std::unique_ptr<Segment> segment = Create(0, config);
  const std::vector<TestBatch> batches = MakeBatches(0, 60, 3, 40);
  ASSERT_OK(AppendAll(*segment, {batches.begin(), batches.begin() + 20}));
  ASSERT_OK(segment->Sync());
  ASSERT_OK(AppendAll(*segment, {batches.begin() + 20, batches.end()}));
  const std::vector<TimeIndexEntry> time_index = Entries(segment->time_index());
  const int64_t max_timestamp = segment->max_timestamp();
  segment.reset();  // no Sync: the index files hold the first 20 batches' entries

  segment = Open(Recover::kNo, 0, config);
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->next_offset(), batches.back().header.next_offset());
  EXPECT_EQ(Entries(segment->offset_index()), ExpectedOffsetIndex(batches, 200));
  EXPECT_EQ(Entries(segment->time_index()), time_index);
  EXPECT_EQ(segment->max_timestamp(), max_timestamp);
}

TEST_F(SegmentTest, ForEachBatchVisitsEveryBatchHoldingAnOffsetFromTheStart) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 100});
  const std::vector<TestBatch> batches = MakeBatches(0, 20, 4, 30);
  ASSERT_OK(AppendAll(*segment, batches));
  for (int64_t from : {int64_t{0}, int64_t{13}, int64_t{40}, int64_t{79}, int64_t{80}}) {
    std::vector<int64_t> seen;
    ASSERT_OK(segment->ForEachBatch(from, [&](const RecordBatchView& batch) {
      seen.push_back(batch.header().base_offset);
      EXPECT_EQ(batch.bytes(), batches[seen.size() - 1 + static_cast<size_t>(from / 4)].bytes);
      return Status::Ok();
    }));
    std::vector<int64_t> expected;
    for (int64_t base = from / 4 * 4; base < 80; base += 4) expected.push_back(base);
    EXPECT_EQ(seen, expected) << "from " << from;
  }
}

TEST_F(SegmentTest, ForEachBatchStopsAtTheFirstError) {
  std::unique_ptr<Segment> segment = Create();
  ASSERT_OK(AppendAll(*segment, MakeBatches(0, 5, 1, 10)));
  int calls = 0;
  Status s = segment->ForEachBatch(0, [&](const RecordBatchView&) {
    return ++calls == 2 ? Status(Errc::kInvalidTxnState, "second") : Status::Ok();
  });
  EXPECT_EQ(s.code(), Errc::kInvalidTxnState);
  EXPECT_EQ(calls, 2);
}

TEST_F(SegmentTest, AppendPastTheRelativeOffsetLimitIsSegmentFull) {
  std::unique_ptr<Segment> segment = Create();
  const TestBatch ok = MakeBatch(Segment::kMaxRelativeOffset - 1, 2, 1, 1);  // last = limit
  ASSERT_OK(segment->Append(ok.bytes, ok.header));
  const TestBatch too_far = MakeBatch(Segment::kMaxRelativeOffset + 1, 1, 1, 1);
  Status s = segment->Append(too_far.bytes, too_far.header);
  EXPECT_EQ(s.code(), Errc::kSegmentFull);
  EXPECT_EQ(segment->size_bytes(), ok.bytes.size());
  EXPECT_EQ(testing::ReadFile(fs_, kLog), ok.bytes);
}

TEST_F(SegmentTest, SyncedAppendsSurviveACrashAndLaterOnesMayNot) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 6, 2, 20);
  ASSERT_OK(AppendAll(*segment, {batches.begin(), batches.begin() + 4}));
  ASSERT_OK(segment->Sync());
  ASSERT_OK(AppendAll(*segment, {batches.begin() + 4, batches.end()}));
  fs_.SimulateCrash();
  segment = Open(Recover::kYes);
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches, 0, 4));
  EXPECT_EQ(segment->next_offset(), batches[4].header.base_offset);
}

TEST_F(SegmentTest, SyncSavesTheIndexesAfterTheLog) {
  std::unique_ptr<Segment> segment = Create(0, {.index_interval_bytes = 50});
  ASSERT_OK(AppendAll(*segment, MakeBatches(0, 10, 2, 20)));
  ASSERT_OK(segment->Sync());
  const size_t entries = segment->offset_index().size();
  EXPECT_EQ(fs_.synced_size("t-0/00000000000000000000.index"), entries * OffsetIndex::kEntrySize);
  EXPECT_EQ(fs_.synced_size("t-0/00000000000000000000.timeindex"),
            segment->time_index().size() * TimeIndex::kEntrySize);
  EXPECT_EQ(fs_.synced_size(kLog), segment->size_bytes());
}

TEST_F(SegmentTest, SyncReportsFailures) {
  std::unique_ptr<Segment> segment = Create();
  ASSERT_OK(AppendAll(*segment, MakeBatches(0, 2, 2, 20)));
  fs_.FailNext(MemFileSystem::Op::kSync, std::make_error_code(std::errc::io_error));
  EXPECT_EQ(segment->Sync().code(), std::errc::io_error);
  EXPECT_OK(segment->Sync());
}

TEST_F(SegmentTest, AFailedAppendChangesNothing) {
  std::unique_ptr<Segment> segment = Create();
  const std::vector<TestBatch> batches = MakeBatches(0, 3, 2, 20);
  ASSERT_OK(segment->Append(batches[0].bytes, batches[0].header));
  fs_.FailNext(MemFileSystem::Op::kAppend, std::make_error_code(std::errc::no_space_on_device));
  EXPECT_EQ(segment->Append(batches[1].bytes, batches[1].header).code(),
            std::errc::no_space_on_device);
  EXPECT_EQ(segment->next_offset(), batches[1].header.base_offset);
  ASSERT_OK(segment->Append(batches[1].bytes, batches[1].header));
  ASSERT_OK(segment->Append(batches[2].bytes, batches[2].header));
  EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches));
}

// Retire empties the files and renames them "*.deleted"; Create with
// `reuse` takes them under its own names, empty, and creates what it cannot
// take; the reused segment reads and reopens like a new one.
TEST_F(SegmentTest, RetiredFilesAreReusedEmptyByTheNextCreate) {
  std::unique_ptr<Segment> old = Create(0, {.index_interval_bytes = 100});
  ASSERT_OK(AppendAll(*old, MakeBatches(0, 6, 2, 50)));
  ASSERT_OK(old->Sync());
  ASSERT_OK(old->Retire(Segment::KeepBytes::kNo));
  old.reset();
  EXPECT_EQ(fs_.List(kDir).value(),
            (std::vector<std::string>{"00000000000000000000.index.deleted",
                                      "00000000000000000000.log.deleted",
                                      "00000000000000000000.timeindex.deleted"}));
  ASSERT_OK(fs_.Remove(std::string(kDir) + "/00000000000000000000.timeindex.deleted"));

  Result<std::unique_ptr<Segment>> reused =
      Segment::Create(fs_, kDir, 100, {.index_interval_bytes = 100}, true, /*reuse=*/0);
  ASSERT_TRUE(reused.ok()) << reused.status().ToString();
  EXPECT_EQ(fs_.List(kDir).value(),
            (std::vector<std::string>{"00000000000000000100.index", "00000000000000000100.log",
                                      "00000000000000000100.timeindex"}));
  EXPECT_EQ((*reused)->size_bytes(), 0u);
  EXPECT_EQ(ReadFile(fs_, std::string(kDir) + "/00000000000000000100.index"), "");
  const std::vector<TestBatch> batches = MakeBatches(100, 3, 2, 50);
  ASSERT_OK(AppendAll(**reused, batches));
  ASSERT_OK((*reused)->Close());
  reused->reset();
  std::unique_ptr<Segment> reopened = Open(Recover::kNo, 100, {.index_interval_bytes = 100});
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->next_offset(), batches.back().header.next_offset());
  Result<ReadSlice> slice = reopened->Read(100, SIZE_MAX, INT64_MAX);
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->ReadBytes().value(), Concat(batches));
}

// Remove deletes the files; the deletion is durable once the owner syncs
// the directory.
TEST_F(SegmentTest, RemoveDeletesTheFilesAndTheDirectorySyncMakesItDurable) {
  std::unique_ptr<Segment> segment = Create();
  ASSERT_OK(AppendAll(*segment, MakeBatches(0, 3, 2, 20)));
  ASSERT_OK(segment->Sync());
  ASSERT_OK(segment->Remove());
  segment.reset();
  Result<std::vector<std::string>> names = fs_.List(kDir);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  ASSERT_OK(fs_.SyncDir(kDir));
  fs_.SimulateCrash();
  names = fs_.List(kDir);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
}

TEST(SegmentPosixTest, AppendSyncAndReopenOnRealFiles) {
  brook::testing::TempDir dir;
  PosixFileSystem fs(dir.path());
  ASSERT_OK(fs.CreateDirs("topic-3"));
  const SegmentConfig config{.index_interval_bytes = 1024};
  const std::vector<TestBatch> batches = MakeBatches(1000, 40, 10, 100);
  {
    Result<std::unique_ptr<Segment>> segment = Segment::Create(fs, "topic-3", 1000, config);
    ASSERT_TRUE(segment.ok()) << segment.status().ToString();
    ASSERT_OK(AppendAll(**segment, batches));
    ASSERT_OK((*segment)->Sync());
    ASSERT_OK((*segment)->Close());
  }
  for (Recover recover : {Recover::kNo, Recover::kYes}) {
    Result<std::unique_ptr<Segment>> segment = Segment::Open(fs, "topic-3", 1000, config, recover);
    ASSERT_TRUE(segment.ok()) << segment.status().ToString();
    EXPECT_EQ((*segment)->next_offset(), batches.back().header.next_offset());
    EXPECT_EQ(Entries((*segment)->offset_index()), ExpectedOffsetIndex(batches, 1024));
    Result<ReadSlice> slice = (*segment)->Read(1205, SIZE_MAX, INT64_MAX);
    ASSERT_TRUE(slice.ok()) << slice.status().ToString();
    EXPECT_GE(slice->file->native_handle(), 0);  // sendfile-able
    EXPECT_EQ(slice->ReadBytes().value(), Concat(batches, 20));
  }
  EXPECT_EQ(std::filesystem::file_size(dir.path() + "/topic-3/00000000000000001000.log"),
            Concat(batches).size());
  EXPECT_EQ(std::filesystem::file_size(dir.path() + "/topic-3/00000000000000001000.index"),
            ExpectedOffsetIndex(batches, 1024).size() * OffsetIndex::kEntrySize);
}

// A reused .log that kept its bytes is overwritten in place: the old tail
// past the new batches is cut when the segment stops being active (Trim,
// Close); if the process dies first, recovery cuts it (its batches' offsets
// lie below the segment's base).
TEST(SegmentPosixTest, AReusedLogIsOverwrittenInPlaceAndItsOldTailCut) {
  brook::testing::TempDir dir;
  PosixFileSystem fs(dir.path());
  ASSERT_OK(fs.CreateDirs("topic-4"));
  const SegmentConfig config{.index_interval_bytes = 1024};
  const std::string log = dir.path() + "/topic-4/00000000000000000200.log";
  const std::vector<TestBatch> old_batches = MakeBatches(0, 40, 10, 100);
  const std::vector<TestBatch> new_batches = MakeBatches(200, 12, 10, 100);
  ASSERT_LT(Concat(new_batches).size(), Concat(old_batches).size());
  for (bool close : {true, false}) {
    SCOPED_TRACE(close ? "closed" : "died");
    const std::vector<std::string> leftovers = fs.List("topic-4").value();
    for (const std::string& name : leftovers) ASSERT_OK(fs.Remove("topic-4/" + name));
    {
      Result<std::unique_ptr<Segment>> old = Segment::Create(fs, "topic-4", 0, config);
      ASSERT_TRUE(old.ok());
      ASSERT_OK(AppendAll(**old, old_batches));
      ASSERT_OK((*old)->Retire(Segment::KeepBytes::kYes));
    }
    {
      Result<std::unique_ptr<Segment>> reused =
          Segment::Create(fs, "topic-4", 200, config, true, /*reuse=*/0);
      ASSERT_TRUE(reused.ok()) << reused.status().ToString();
      EXPECT_EQ((*reused)->size_bytes(), 0u);
      ASSERT_OK(AppendAll(**reused, new_batches));
      // Overwritten in place: the file still holds the old tail.
      EXPECT_EQ(std::filesystem::file_size(log), Concat(old_batches).size());
      Result<ReadSlice> slice = (*reused)->Read(200, SIZE_MAX, INT64_MAX);
      ASSERT_TRUE(slice.ok());
      EXPECT_EQ(slice->ReadBytes().value(), Concat(new_batches));
      if (close) {
        ASSERT_OK((*reused)->Close());
        EXPECT_EQ(std::filesystem::file_size(log), Concat(new_batches).size());
      }
    }
    Result<std::unique_ptr<Segment>> opened =
        Segment::Open(fs, "topic-4", 200, config, Recover::kYes);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ((*opened)->next_offset(), new_batches.back().header.next_offset());
    EXPECT_EQ((*opened)->size_bytes(), Concat(new_batches).size());
    EXPECT_EQ(std::filesystem::file_size(log), Concat(new_batches).size());
    Result<ReadSlice> slice = (*opened)->Read(200, SIZE_MAX, INT64_MAX);
    ASSERT_TRUE(slice.ok());
    EXPECT_EQ(slice->ReadBytes().value(), Concat(new_batches));
    ASSERT_OK((*opened)->Close());
  }
}

}  // namespace
}  // namespace brook::storage
