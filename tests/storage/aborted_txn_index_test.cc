// tests/storage/aborted_txn_index_test.cc
#include "storage/aborted_txn_index.h"

#include <gtest/gtest.h>

#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "tests/storage/file_system_testing.h"

namespace brook::storage {
namespace {

using testing::AppendFile;
using testing::ReadFile;

constexpr char kPath[] = "t-0/00000000000000000100.txnindex";
constexpr int64_t kBase = 100;

AbortedTxnIndex MustOpen(FileSystem& fs, const std::string& path = kPath,
                         int64_t base_offset = kBase) {
  Result<AbortedTxnIndex> index = AbortedTxnIndex::Open(fs, path, base_offset);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return std::move(index).value();
}

// Three aborted transactions:
//   producer 1: offsets 100-110, LSO 105 (producer 2's transaction was open)
//   producer 2: 105-120, LSO 121
//   producer 3: 130-140, LSO 141
std::vector<AbortedTxn> Sample() {
  return {
      {.producer_id = 1, .first_offset = 100, .last_offset = 110, .last_stable_offset = 105},
      {.producer_id = 2, .first_offset = 105, .last_offset = 120, .last_stable_offset = 121},
      {.producer_id = 3, .first_offset = 130, .last_offset = 140, .last_stable_offset = 141},
  };
}

class AbortedTxnIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(fs_.CreateDirs("t-0"));
    ASSERT_OK(fs_.SyncDir(""));
  }
  MemFileSystem fs_;
};

// As Kafka's, the file exists only once a transaction was aborted in the
// segment; the Sync after it makes the new file's name durable too.
TEST_F(AbortedTxnIndexTest, TheFirstAppendCreatesTheFileAndSyncMakesItDurable) {
  AbortedTxnIndex index = MustOpen(fs_);
  EXPECT_EQ(index.file(), nullptr);
  EXPECT_FALSE(fs_.Exists(kPath));
  ASSERT_OK(index.Sync());   // nothing to sync
  ASSERT_OK(index.Reset());  // nothing to cut
  ASSERT_OK(index.TruncateTo(kBase));
  EXPECT_FALSE(fs_.Exists(kPath));
  EXPECT_TRUE(index.Collect(0, 1000).aborted.empty());

  ASSERT_OK(index.Append(Sample()[0]));
  EXPECT_NE(index.file(), nullptr);
  EXPECT_TRUE(fs_.Exists(kPath));
  ASSERT_OK(index.Sync());
  fs_.SimulateCrash();
  AbortedTxnIndex reopened = MustOpen(fs_);
  EXPECT_EQ(reopened.entries(), std::vector<AbortedTxn>{Sample()[0]});
}

TEST_F(AbortedTxnIndexTest, EntriesAreWrittenAsKafkaDoes) {
  AbortedTxnIndex index = MustOpen(fs_);
  ASSERT_OK(index.Append({.producer_id = 0x0102030405060708,
                          .first_offset = 0x11,
                          .last_offset = 0x122,
                          .last_stable_offset = 0x1333}));
  const std::string expected(
      "\x00\x00"                           // version 0
      "\x01\x02\x03\x04\x05\x06\x07\x08"   // producer_id
      "\x00\x00\x00\x00\x00\x00\x00\x11"   // first_offset
      "\x00\x00\x00\x00\x00\x00\x01\x22"   // last_offset
      "\x00\x00\x00\x00\x00\x00\x13\x33",  // last_stable_offset
      kAbortedTxnEntrySize);
  EXPECT_EQ(ReadFile(fs_, kPath), expected);
}

TEST_F(AbortedTxnIndexTest, SyncedEntriesSurviveACrashAndReload) {
  {
    AbortedTxnIndex index = MustOpen(fs_);
    for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
    ASSERT_OK(index.Sync());
  }
  fs_.SimulateCrash();
  AbortedTxnIndex index = MustOpen(fs_);
  EXPECT_EQ(index.entries(), Sample());
  EXPECT_EQ(index.truncated_bytes(), 0u);
}

TEST_F(AbortedTxnIndexTest, CollectReturnsTheTransactionsOverlappingTheFetch) {
  AbortedTxnIndex index = MustOpen(fs_);
  for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
  const std::vector<AbortedTxn> all = Sample();

  // [111, 115): only producer 2's transaction (105-120) overlaps; producer 1's
  // ended at 110. Producer 2's LSO 121 >= 115: complete.
  CollectedAbortedTxns got = index.Collect(111, 115);
  EXPECT_EQ(got.aborted, (std::vector<AbortedTxn>{all[1]}));
  EXPECT_TRUE(got.complete);

  // [110, 111): the last offset of producer 1's transaction is inclusive.
  got = index.Collect(110, 111);
  EXPECT_EQ(got.aborted, (std::vector<AbortedTxn>{all[0], all[1]}));

  // [121, 130): between transactions, and the end is exclusive.
  got = index.Collect(121, 130);
  EXPECT_TRUE(got.aborted.empty());
  EXPECT_TRUE(got.complete);

  // [90, 200): all of them; no LSO reaches 200, so later segments may add more.
  got = index.Collect(90, 200);
  EXPECT_EQ(got.aborted, all);
  EXPECT_FALSE(got.complete);
}

TEST_F(AbortedTxnIndexTest, CollectStopsAtTheFirstStableOffsetPastTheFetchEnd) {
  AbortedTxnIndex index = MustOpen(fs_);
  for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
  // [100, 104): producer 1's LSO 105 >= 104 ends the search before producer 2,
  // whose transaction starts at 105 anyway.
  CollectedAbortedTxns got = index.Collect(100, 104);
  EXPECT_EQ(got.aborted, (std::vector<AbortedTxn>{Sample()[0]}));
  EXPECT_TRUE(got.complete);
}

TEST_F(AbortedTxnIndexTest, AppendRefusesEntriesOutOfOrder) {
  AbortedTxnIndex index = MustOpen(fs_);
  ASSERT_OK(index.Append(Sample()[1]));
  EXPECT_EQ(index.Append(Sample()[0]).code(), Errc::kInvalidArgument);  // last offset 110 < 120
  EXPECT_EQ(index.Append(Sample()[1]).code(), Errc::kInvalidArgument);  // equal
  EXPECT_EQ(index.Append({.producer_id = 4, .first_offset = 150, .last_offset = 149}).code(),
            Errc::kInvalidArgument);
  EXPECT_EQ(index.entries().size(), 1u);
  EXPECT_EQ(ReadFile(fs_, kPath).size(), kAbortedTxnEntrySize);
}

TEST_F(AbortedTxnIndexTest, AFailedAppendRecordsNothing) {
  AbortedTxnIndex index = MustOpen(fs_);
  fs_.FailNext(MemFileSystem::Op::kAppend, std::make_error_code(std::errc::no_space_on_device));
  EXPECT_FALSE(index.Append(Sample()[0]).ok());
  EXPECT_TRUE(index.entries().empty());
  ASSERT_OK(index.Append(Sample()[0]));
  EXPECT_EQ(ReadFile(fs_, kPath).size(), kAbortedTxnEntrySize);
}

TEST_F(AbortedTxnIndexTest, TruncateToDropsTheMarkersAtAndAboveTheOffset) {
  AbortedTxnIndex index = MustOpen(fs_);
  for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
  ASSERT_OK(index.TruncateTo(141));  // nothing at or above 141
  EXPECT_EQ(index.entries().size(), 3u);
  ASSERT_OK(index.TruncateTo(120));  // producer 2's marker is at 120
  EXPECT_EQ(index.entries(), (std::vector<AbortedTxn>{Sample()[0]}));
  EXPECT_EQ(ReadFile(fs_, kPath).size(), kAbortedTxnEntrySize);
  // Appends continue after the cut.
  ASSERT_OK(index.Append(Sample()[2]));
  EXPECT_EQ(MustOpen(fs_).entries(), (std::vector<AbortedTxn>{Sample()[0], Sample()[2]}));
}

TEST_F(AbortedTxnIndexTest, ResetDropsEverything) {
  AbortedTxnIndex index = MustOpen(fs_);
  for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
  ASSERT_OK(index.Reset());
  EXPECT_TRUE(index.entries().empty());
  EXPECT_EQ(ReadFile(fs_, kPath), "");
}

TEST_F(AbortedTxnIndexTest, ATornEntryIsCutAndReported) {
  {
    AbortedTxnIndex index = MustOpen(fs_);
    for (const AbortedTxn& txn : Sample()) ASSERT_OK(index.Append(txn));
  }
  ASSERT_OK(fs_.DropTail(kPath, 5));
  AbortedTxnIndex index = MustOpen(fs_);
  EXPECT_EQ(index.truncated_bytes(), kAbortedTxnEntrySize - 5);
  EXPECT_EQ(index.entries(), (std::vector<AbortedTxn>{Sample()[0], Sample()[1]}));
  EXPECT_EQ(ReadFile(fs_, kPath).size(), 2 * kAbortedTxnEntrySize);
  ASSERT_OK(index.Append(Sample()[2]));
  EXPECT_EQ(MustOpen(fs_).entries(), Sample());
}

TEST_F(AbortedTxnIndexTest, ANewFileSurvivesACrashOnceSynced) {
  {
    AbortedTxnIndex index = MustOpen(fs_);
    ASSERT_OK(index.Append(Sample()[0]));
    ASSERT_OK(index.Sync());
  }
  fs_.SimulateCrash();
  EXPECT_EQ(MustOpen(fs_).entries().size(), 1u);
}

// An entry whose fields a valid index cannot hold: the caller must rebuild.
void ExpectCorrupt(MemFileSystem& fs, const AbortedTxn& bad, int16_t version = 0) {
  ASSERT_OK(fs.Remove(kPath));
  {
    AbortedTxnIndex index = MustOpen(fs);
    ASSERT_OK(index.Append(Sample()[1]));
  }
  std::string entry;
  entry.push_back(static_cast<char>(version >> 8));
  entry.push_back(static_cast<char>(version & 0xff));
  for (int64_t v : {bad.producer_id, bad.first_offset, bad.last_offset, bad.last_stable_offset}) {
    for (int shift = 56; shift >= 0; shift -= 8) entry.push_back(static_cast<char>(v >> shift));
  }
  ASSERT_OK(AppendFile(fs, kPath, entry));
  Result<AbortedTxnIndex> index = AbortedTxnIndex::Open(fs, kPath, kBase);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), Errc::kCorruptIndex) << index.status().ToString();
}

TEST_F(AbortedTxnIndexTest, LoadRejectsEntriesAValidIndexCannotHold) {
  ASSERT_OK(AppendFile(fs_, kPath, ""));
  ExpectCorrupt(fs_, Sample()[2], /*version=*/1);
  ExpectCorrupt(fs_, Sample()[0]);  // last offset 110 before the previous 120
  ExpectCorrupt(fs_, {.producer_id = 5, .first_offset = 150, .last_offset = 140});
  // Below the base offset: a segment at 200 cannot hold a marker at 120.
  ASSERT_OK(fs_.Remove(kPath));
  { ASSERT_OK(MustOpen(fs_).Append(Sample()[1])); }
  EXPECT_EQ(AbortedTxnIndex::Open(fs_, kPath, 200).status().code(), Errc::kCorruptIndex);
}

}  // namespace
}  // namespace brook::storage
