// tests/storage/segment_recovery_test.cc
//
// Segments reopened after crashes and damage: torn tails, flipped bits,
// missing and corrupt index files, and a seeded randomized run of appends,
// syncs, crashes and damage.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "storage/segment.h"
#include "tests/storage/segment_testing.h"

namespace brook::storage {
namespace {

using testing::AppendAll;
using testing::Concat;
using testing::Entries;
using testing::ExpectedOffsetIndex;
using testing::MakeBatch;
using testing::MakeBatches;
using testing::ReadEverything;
using testing::TestBatch;

constexpr char kDir[] = "t-0";
constexpr char kLog[] = "t-0/00000000000000000000.log";
constexpr char kIndex[] = "t-0/00000000000000000000.index";
constexpr char kTimeIndex[] = "t-0/00000000000000000000.timeindex";
constexpr SegmentConfig kConfig{.index_interval_bytes = 150};

// A file system holding a closed segment at base offset 0 with `batches`.
std::unique_ptr<MemFileSystem> WriteSegment(const std::vector<TestBatch>& batches,
                                            SegmentConfig config = kConfig) {
  auto fs = std::make_unique<MemFileSystem>();
  EXPECT_OK(fs->CreateDirs(kDir));
  EXPECT_OK(fs->SyncDir(""));
  Result<std::unique_ptr<Segment>> segment = Segment::Create(*fs, kDir, 0, config);
  EXPECT_TRUE(segment.ok()) << segment.status().ToString();
  if (!segment.ok()) return fs;
  EXPECT_OK(AppendAll(**segment, batches));
  EXPECT_OK((*segment)->Close());
  return fs;
}

std::unique_ptr<Segment> OpenSegment(MemFileSystem& fs, Recover recover,
                                     SegmentConfig config = kConfig) {
  Result<std::unique_ptr<Segment>> segment = Segment::Open(fs, kDir, 0, config, recover);
  EXPECT_TRUE(segment.ok()) << segment.status().ToString();
  return segment.ok() ? std::move(*segment) : nullptr;
}

// A segment built by appending `batches`, for comparing indexes with.
struct FreshSegment {
  explicit FreshSegment(const std::vector<TestBatch>& batches, SegmentConfig config = kConfig) {
    EXPECT_OK(fs.CreateDirs(kDir));
    segment = std::move(Segment::Create(fs, kDir, 0, config).value());
    EXPECT_OK(AppendAll(*segment, batches));
  }
  MemFileSystem fs;
  std::unique_ptr<Segment> segment;
};

// Everything observable about `segment` is what appending `batches` gives.
void ExpectHolds(const Segment& segment, const std::vector<TestBatch>& batches,
                 SegmentConfig config = kConfig) {
  FreshSegment fresh(batches, config);
  EXPECT_EQ(segment.next_offset(), fresh.segment->next_offset());
  EXPECT_EQ(segment.size_bytes(), fresh.segment->size_bytes());
  EXPECT_EQ(segment.max_timestamp(), fresh.segment->max_timestamp());
  EXPECT_EQ(Entries(segment.offset_index()), Entries(fresh.segment->offset_index()));
  EXPECT_EQ(Entries(segment.time_index()), Entries(fresh.segment->time_index()));
  EXPECT_EQ(ReadEverything(segment, 0), Concat(batches));
}

// Reads from every offset and every timestamp agree with a fresh segment's.
void ExpectLookupsAgree(const Segment& segment, const std::vector<TestBatch>& batches) {
  FreshSegment fresh(batches);
  for (int64_t offset = 0; offset <= fresh.segment->next_offset(); ++offset) {
    ASSERT_EQ(ReadEverything(segment, offset), ReadEverything(*fresh.segment, offset))
        << "offset " << offset;
  }
  for (int64_t ts = 0; ts <= fresh.segment->max_timestamp() + 1; ++ts) {
    ASSERT_EQ(segment.FindOffsetByTimestamp(ts).value(),
              fresh.segment->FindOffsetByTimestamp(ts).value())
        << "timestamp " << ts;
  }
}

std::vector<TestBatch> Prefix(const std::vector<TestBatch>& batches, size_t n) {
  return {batches.begin(), batches.begin() + static_cast<ptrdiff_t>(n)};
}

// Bytes of a batch outside both the CRC and the checks recovery can make on
// them: partition_leader_epoch (the leader stamps it after the producer's CRC).
bool IsLeaderEpochByte(size_t in_batch) { return in_batch >= 12 && in_batch < 16; }
bool IsBaseOffsetByte(size_t in_batch) { return in_batch < 8; }

TEST(SegmentRecoveryTest, ATornTailAtEveryByteOfTheLastBatchIsCutOff) {
  const std::vector<TestBatch> batches = MakeBatches(0, 4, 3, 30);
  const std::vector<TestBatch> kept = Prefix(batches, 3);
  for (size_t cut = 1; cut <= batches.back().bytes.size(); ++cut) {
    for (Recover recover : {Recover::kYes, Recover::kNo}) {
      SCOPED_TRACE("cut " + std::to_string(cut) + (recover == Recover::kYes ? " kYes" : " kNo"));
      std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
      ASSERT_OK(fs->DropTail(kLog, cut));
      std::unique_ptr<Segment> segment = OpenSegment(*fs, recover);
      ASSERT_NE(segment, nullptr);
      ExpectHolds(*segment, kept);
      EXPECT_EQ(testing::ReadFile(*fs, kLog), Concat(kept));  // cut on disk too
      EXPECT_EQ(fs->synced_size(kLog), Concat(kept).size());
    }
  }
}

TEST(SegmentRecoveryTest, AFlippedBitInAnyCheckedByteDropsTheDamagedBatchAndWhatFollows) {
  const std::vector<TestBatch> batches = MakeBatches(0, 4, 2, 20);
  size_t start = 0;
  for (size_t d = 0; d < batches.size(); ++d) {
    const std::vector<TestBatch> kept = Prefix(batches, d);
    for (size_t in_batch = 0; in_batch < batches[d].bytes.size(); ++in_batch) {
      if (IsLeaderEpochByte(in_batch) || IsBaseOffsetByte(in_batch)) continue;  // below
      for (int bit = 0; bit < 8; ++bit) {
        SCOPED_TRACE("batch " + std::to_string(d) + " byte " + std::to_string(in_batch) + " bit " +
                     std::to_string(bit));
        std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
        ASSERT_OK(fs->FlipBit(kLog, start + in_batch, bit));
        std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kYes);
        ASSERT_NE(segment, nullptr);
        ASSERT_EQ(ReadEverything(*segment, 0), Concat(kept));
        ASSERT_EQ(segment->next_offset(), batches[d].header.base_offset);
        ASSERT_EQ(Entries(segment->offset_index()),
                  ExpectedOffsetIndex(kept, kConfig.index_interval_bytes));
      }
    }
    start += batches[d].bytes.size();
  }
}

TEST(SegmentRecoveryTest, AFlippedBaseOffsetBitIsCaughtByTheNeighbouringBatches) {
  // base_offset lies outside the CRC; with dense offsets, a flip in any batch
  // but the last makes it or its successor go out of line.
  const std::vector<TestBatch> batches = MakeBatches(0, 4, 3, 10);
  size_t start = 0;
  for (size_t d = 0; d + 1 < batches.size(); ++d) {
    for (int bit = 0; bit < 64; ++bit) {
      SCOPED_TRACE("batch " + std::to_string(d) + " bit " + std::to_string(bit));
      std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
      ASSERT_OK(fs->FlipBit(kLog, start + 7 - static_cast<size_t>(bit / 8), bit % 8));
      std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kYes);
      ASSERT_NE(segment, nullptr);
      ASSERT_EQ(ReadEverything(*segment, 0), Concat(batches, 0, d));
    }
    start += batches[d].bytes.size();
  }
}

TEST(SegmentRecoveryTest, TheLastBatchBaseOffsetIsCheckedOnlyAgainstItsNeighbourAndTheSegment) {
  const std::vector<TestBatch> batches = MakeBatches(0, 3, 3, 10);  // the last at offset 6
  const size_t last = Concat(batches, 0, 2).size();
  struct Case {
    int bit;
    bool caught;
  };
  for (const Case& c : {
           Case{1, true},   // 6 -> 4: below the previous batch's end
           Case{2, true},   // 6 -> 2
           Case{40, true},  // too far past the segment base for a 32-bit index
           Case{63, true},  // negative
           Case{0, false},  // 6 -> 7: a gap, as compaction leaves; nothing to tell them apart
       }) {
    SCOPED_TRACE("bit " + std::to_string(c.bit));
    std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
    ASSERT_OK(fs->FlipBit(kLog, last + 7 - static_cast<size_t>(c.bit / 8), c.bit % 8));
    std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kYes);
    ASSERT_NE(segment, nullptr);
    if (c.caught) {
      EXPECT_EQ(ReadEverything(*segment, 0), Concat(batches, 0, 2));
    } else {
      EXPECT_EQ(segment->next_offset(), 10);
    }
  }
}

TEST(SegmentRecoveryTest, TheLeaderEpochIsOutsideEveryCheck) {
  const std::vector<TestBatch> batches = MakeBatches(0, 3, 3, 10);
  std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
  ASSERT_OK(fs->FlipBit(kLog, batches[0].bytes.size() + 13, 4));
  std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kYes);
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->next_offset(), 9);
  EXPECT_EQ(segment->size_bytes(), Concat(batches).size());
}

TEST(SegmentRecoveryTest, BytesAfterTheLastBatchAreCutOff) {
  const std::vector<TestBatch> batches = MakeBatches(0, 3, 3, 10);
  for (const std::string& tail : {std::string(1, '\0'), std::string(4096, '\0'),  // preallocated
                                  std::string(100, '\x5a'), batches[0].bytes}) {  // an old batch
    for (Recover recover : {Recover::kYes, Recover::kNo}) {
      std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
      ASSERT_OK(testing::AppendFile(*fs, kLog, tail));
      std::unique_ptr<Segment> segment = OpenSegment(*fs, recover);
      ASSERT_NE(segment, nullptr);
      ExpectHolds(*segment, batches);
    }
  }
}

TEST(SegmentRecoveryTest, AnEmptyLogRecoversEmpty) {
  std::unique_ptr<MemFileSystem> fs = WriteSegment({});
  std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kYes);
  ASSERT_NE(segment, nullptr);
  EXPECT_TRUE(segment->is_empty());
  EXPECT_EQ(segment->next_offset(), 0);
}

TEST(SegmentRecoveryTest, MissingIndexFilesAreRebuiltAndSaved) {
  const std::vector<TestBatch> batches = MakeBatches(0, 40, 3, 20);
  for (const char* missing : {kIndex, kTimeIndex}) {
    for (Recover recover : {Recover::kNo, Recover::kYes}) {
      SCOPED_TRACE(missing);
      std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
      ASSERT_OK(fs->Remove(missing));
      ASSERT_OK(fs->SyncDir(kDir));
      std::unique_ptr<Segment> segment = OpenSegment(*fs, recover);
      ASSERT_NE(segment, nullptr);
      ExpectHolds(*segment, batches);
      ExpectLookupsAgree(*segment, batches);
      segment.reset();
      fs->SimulateCrash();  // the rebuilt files were saved, synced and linked durably
      FreshSegment fresh(batches);
      ASSERT_OK(fresh.segment->Sync());
      EXPECT_EQ(testing::ReadFile(*fs, kIndex), testing::ReadFile(fresh.fs, kIndex));
      EXPECT_EQ(testing::ReadFile(*fs, kTimeIndex), testing::ReadFile(fresh.fs, kTimeIndex));
    }
  }
}

TEST(SegmentRecoveryTest, IndexFilesFailingTheirChecksAreRebuilt) {
  const std::vector<TestBatch> batches = MakeBatches(0, 40, 3, 20);
  const struct {
    const char* what;
    const char* path;
    std::function<Status(MemFileSystem&)> damage;
  } cases[] = {
      {"partial offset entry", kIndex, [](MemFileSystem& fs) { return fs.DropTail(kIndex, 3); }},
      {"preallocated offset index", kIndex,
       [](MemFileSystem& fs) { return testing::AppendFile(fs, kIndex, std::string(80, '\0')); }},
      {"offset entry out of order", kIndex,
       [](MemFileSystem& fs) { return fs.FlipBit(kIndex, 8 + 2, 7); }},
      {"position past the log", kIndex,
       [](MemFileSystem& fs) { return fs.FlipBit(kIndex, 8 + 4, 6); }},
      {"scrambled offset index", kIndex,
       [](MemFileSystem& fs) { return fs.CorruptRange(kIndex, 16, 16, 99); }},
      {"partial time entry", kTimeIndex,
       [](MemFileSystem& fs) { return fs.DropTail(kTimeIndex, 5); }},
      {"time entry out of order", kTimeIndex,
       [](MemFileSystem& fs) { return fs.FlipBit(kTimeIndex, 12 + 1, 5); }},
      {"time entry past the offset index", kTimeIndex,
       [](MemFileSystem& fs) { return fs.FlipBit(kTimeIndex, 12 * 3 - 2, 3); }},
      {"scrambled time index", kTimeIndex,
       [](MemFileSystem& fs) { return fs.CorruptRange(kTimeIndex, 12, 24, 7); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
    ASSERT_GE(fs->synced_size(c.path), 36u);
    ASSERT_OK(c.damage(*fs));
    std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kNo);
    ASSERT_NE(segment, nullptr);
    ExpectHolds(*segment, batches);
    ExpectLookupsAgree(*segment, batches);
  }
}

TEST(SegmentRecoveryTest, AShortButValidIndexIsCompletedFromTheLog) {
  const std::vector<TestBatch> batches = MakeBatches(0, 40, 3, 20);
  std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
  ASSERT_OK(fs->DropTail(kIndex, 5 * OffsetIndex::kEntrySize));
  ASSERT_OK(fs->DropTail(kTimeIndex, 5 * TimeIndex::kEntrySize));
  std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kNo);
  ASSERT_NE(segment, nullptr);
  ExpectHolds(*segment, batches);
}

// Overwrites the position of offset index entry `entry` in the file.
Status SetIndexPosition(MemFileSystem& fs, uint64_t entry, uint32_t position) {
  Result<std::unique_ptr<File>> file = fs.Open(kIndex, OpenMode::kReadWrite);
  if (!file.ok()) return file.status();
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<char>(position >> shift));
  if (Status s = (*file)->WriteAt(entry * OffsetIndex::kEntrySize + 4, bytes); !s.ok()) return s;
  return (*file)->Sync();
}

TEST(SegmentRecoveryTest, AnIndexEntryThatPassesItsChecksButMisleadsIsNotFollowed) {
  const std::vector<TestBatch> batches = MakeBatches(0, 40, 3, 20);
  const std::vector<OffsetIndexEntry> entries =
      ExpectedOffsetIndex(batches, kConfig.index_interval_bytes);
  ASSERT_GE(entries.size(), 4u);
  // The batch after each entry's, so positions still increase and stay in the log.
  auto batch_after = [&](const OffsetIndexEntry& e) {
    size_t position = 0;
    for (const TestBatch& b : batches) {
      if (position > e.position) return static_cast<uint32_t>(position);
      position += b.bytes.size();
    }
    return static_cast<uint32_t>(position);
  };
  const struct {
    const char* what;
    uint64_t entry;
    uint32_t position;
  } cases[] = {
      {"middle entry inside a batch", entries.size() / 2, entries[entries.size() / 2].position + 1},
      {"middle entry at the next batch", entries.size() / 2,
       batch_after(entries[entries.size() / 2])},
      {"last entry inside a batch", entries.size() - 1, entries.back().position + 1},
      {"last entry at the next batch", entries.size() - 1, batch_after(entries.back())},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::unique_ptr<MemFileSystem> fs = WriteSegment(batches);
    ASSERT_OK(SetIndexPosition(*fs, c.entry, c.position));
    std::unique_ptr<Segment> segment = OpenSegment(*fs, Recover::kNo);
    ASSERT_NE(segment, nullptr);
    // A bad last entry fails the scan that resumes from it: everything is rebuilt.
    if (c.entry + 1 == entries.size()) ExpectHolds(*segment, batches);
    ExpectLookupsAgree(*segment, batches);
    int64_t next = 0;
    ASSERT_OK(segment->ForEachBatch(0, [&](const RecordBatchView& batch) {
      EXPECT_EQ(batch.header().base_offset, next);
      next = batch.header().next_offset();
      return Status::Ok();
    }));
    EXPECT_EQ(next, segment->next_offset());
  }
}

// Rounds of random appends, syncs, crashes and damage, each followed by a
// reopen that must keep exactly the batches before the first damaged one
// that the crash left, which include every batch synced before it.
TEST(SegmentRecoveryTest, RandomAppendsSyncsCrashesAndDamage) {
  constexpr uint64_t kSeed = 20240611;
  constexpr int kRounds = 2000;
  const SegmentConfig config{.index_interval_bytes = 512};
  std::mt19937_64 rng(kSeed);
  auto uniform = [&rng](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };

  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs(kDir));
  ASSERT_OK(fs.SyncDir(""));
  std::unique_ptr<Segment> segment = std::move(Segment::Create(fs, kDir, 0, config).value());
  std::vector<TestBatch> batches;  // what the segment holds, in order
  size_t synced = 0;               // how many of them were synced by us

  int crashes = 0;
  int damaged = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " round " + std::to_string(round));
    const uint64_t action = uniform(0, 9);
    if (action <= 4) {
      for (uint64_t n = uniform(1, 4); n > 0; --n) {
        const int64_t base = segment->next_offset();
        batches.push_back(MakeBatch(base, static_cast<int>(uniform(1, 5)), uniform(0, 200),
                                    1000 + 10 * round + static_cast<int64_t>(uniform(0, 50))));
        ASSERT_OK(segment->Append(batches.back().bytes, batches.back().header));
      }
      continue;
    }
    if (action <= 6) {
      ASSERT_OK(segment->Sync());
      synced = batches.size();
      continue;
    }
    if (action == 9) {  // clean restart, perhaps with a cut index file
      ASSERT_OK(segment->Close());
      segment.reset();
      synced = batches.size();
      // Any cut of the offset index is noticed (the time index then reaches
      // past it). A time index cut at an entry boundary is not: a time index
      // that passes its checks is trusted, as Kafka trusts it.
      const bool offsets = uniform(0, 1);
      const std::string index = offsets ? kIndex : kTimeIndex;
      const uint64_t index_size = testing::ReadFile(fs, index).size();
      uint64_t cut = index_size > 0 && uniform(0, 1) ? uniform(1, index_size) : 0;
      if (!offsets && cut % TimeIndex::kEntrySize == 0) cut = 0;
      if (cut > 0) ASSERT_OK(fs.DropTail(index, cut));
      segment = OpenSegment(fs, Recover::kNo, config);
      ASSERT_NE(segment, nullptr);
      ExpectHolds(*segment, batches, config);
      continue;
    }

    // 7: power cut, then maybe damage; 8: damage with everything written.
    segment.reset();
    if (action == 7) {
      fs.SimulateCrash();
      ++crashes;
      // The crash keeps whole batches: a prefix holding at least the synced ones.
      size_t survived = 0;
      for (uint64_t bytes = 0; survived < batches.size(); ++survived) {
        bytes += batches[survived].bytes.size();
        if (bytes > fs.synced_size(kLog)) break;
      }
      ASSERT_GE(survived, synced) << "a synced batch was lost";
      ASSERT_EQ(fs.synced_size(kLog), Concat(batches, 0, survived).size());
      batches.resize(survived);
    }
    const std::string log = testing::ReadFile(fs, kLog);
    size_t keep = batches.size();
    const uint64_t damage = action == 8 ? uniform(1, 2) : uniform(0, 2);
    if (damage != 0 && !log.empty()) {
      ++damaged;
      uint64_t at = 0;  // the first damaged byte
      if (damage == 1) {
        const uint64_t cut = uniform(1, std::min<uint64_t>(log.size(), 400));
        ASSERT_OK(fs.DropTail(kLog, cut));
        at = log.size() - cut;
      } else {
        const size_t d = uniform(0, batches.size() - 1);
        size_t in_batch;
        do {
          // Half the flips land in the header, where each field has its own check.
          in_batch =
              uniform(0, uniform(0, 1) ? kRecordBatchHeaderSize - 1 : batches[d].bytes.size() - 1);
        } while (IsLeaderEpochByte(in_batch) ||
                 (IsBaseOffsetByte(in_batch) && d + 1 == batches.size()));
        at = Concat(batches, 0, d).size() + in_batch;
        ASSERT_OK(fs.FlipBit(kLog, at, static_cast<int>(uniform(0, 7))));
      }
      uint64_t end = 0;
      for (keep = 0; keep < batches.size(); ++keep) {
        end += batches[keep].bytes.size();
        if (end > at) break;
      }
    }
    segment = OpenSegment(fs, Recover::kYes, config);
    ASSERT_NE(segment, nullptr);
    batches.resize(keep);
    synced = std::min(synced, keep);
    ExpectHolds(*segment, batches, config);
    // Offsets stay dense, and nothing served fails its CRC.
    int64_t expected_base = 0;
    ASSERT_OK(segment->ForEachBatch(0, [&](const RecordBatchView& batch) {
      EXPECT_EQ(batch.header().base_offset, expected_base);
      EXPECT_TRUE(RecordBatchView::Parse(batch.bytes(), CrcCheck::kVerify).ok());
      expected_base = batch.header().next_offset();
      return Status::Ok();
    }));
    EXPECT_EQ(expected_base, segment->next_offset());
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(crashes, 10);
  EXPECT_GT(damaged, 10);
  EXPECT_GT(batches.size(), 10u);
}

}  // namespace
}  // namespace brook::storage
