// tests/storage/mem_file_system_test.cc
//
// What only MemFileSystem does: simulated crashes and injected faults. The
// shared behaviour is in file_system_contract_test.cc.
#include "storage/mem_file_system.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "tests/storage/file_system_testing.h"

namespace brook::storage {
namespace {

using testing::AppendFile;
using testing::ReadAll;
using testing::ReadFile;
using Op = MemFileSystem::Op;

std::error_code Errno(int err) { return {err, std::system_category()}; }

std::unique_ptr<File> MustOpen(FileSystem& fs, const std::string& path,
                               OpenMode mode = OpenMode::kCreateOrAppend) {
  Result<std::unique_ptr<File>> file = fs.Open(path, mode);
  if (!file.ok()) {
    ADD_FAILURE() << "open " << path << ": " << file.status().ToString();
    return nullptr;
  }
  return std::move(*file);
}

TEST(MemFileSystemTest, CrashKeepsExactlyTheSyncedPrefix) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append("batch-1;"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append("batch-2;"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append("batch-3 (never synced)"));
  EXPECT_EQ(fs.synced_size("0.log"), 16u);

  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "0.log"), "batch-1;batch-2;");
  EXPECT_EQ(fs.synced_size("0.log"), 16u);
}

TEST(MemFileSystemTest, CrashRevertsOverwritesAndTruncatesSinceTheLastSync) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.index");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append("abcdef"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->WriteAt(0, "XX"));
  ASSERT_OK(file->Truncate(3));

  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "0.index"), "abcdef");
}

TEST(MemFileSystemTest, AFileNeverSyncedComesBackEmpty) {
  MemFileSystem fs;
  ASSERT_OK(AppendFile(fs, "0.log", "lost"));
  ASSERT_OK(fs.SyncDir(""));
  EXPECT_EQ(fs.synced_size("0.log"), 0u);

  fs.SimulateCrash();
  EXPECT_TRUE(fs.Exists("0.log"));
  EXPECT_EQ(ReadFile(fs, "0.log"), "");
}

TEST(MemFileSystemTest, AnUnsyncedNewFileVanishesAfterACrash) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("synced data, but the name never was"));
  ASSERT_OK(file->Sync());

  fs.SimulateCrash();
  EXPECT_FALSE(fs.Exists("0.log"));
  Result<std::vector<std::string>> root = fs.List("");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_TRUE(root->empty());
}

TEST(MemFileSystemTest, ANewFileSurvivesACrashOnceItsDirectoryIsSynced) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("t/p-0"));
  std::unique_ptr<File> file = MustOpen(fs, "t/p-0/0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("data"));
  ASSERT_OK(file->Sync());
  // Every new directory on the way must be made durable in its parent too.
  ASSERT_OK(fs.SyncDir("t/p-0"));
  ASSERT_OK(fs.SyncDir("t"));
  ASSERT_OK(fs.SyncDir(""));

  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "t/p-0/0.log"), "data");
}

TEST(MemFileSystemTest, AFileInAnUnsyncedNewDirectoryVanishesAfterACrash) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("t/p-0"));
  ASSERT_OK(AppendFile(fs, "t/p-0/0.log", "data"));
  ASSERT_OK(fs.SyncDir("t/p-0"));
  ASSERT_OK(fs.SyncDir(""));  // "t" is durable, but "t/p-0" is not in it

  fs.SimulateCrash();
  EXPECT_TRUE(fs.Exists("t"));
  EXPECT_FALSE(fs.Exists("t/p-0"));
}

TEST(MemFileSystemTest, AnUnsyncedRenameRevertsAfterACrash) {
  MemFileSystem fs;
  std::unique_ptr<File> old_file = MustOpen(fs, "meta");
  ASSERT_NE(old_file, nullptr);
  ASSERT_OK(old_file->Append("old"));
  ASSERT_OK(old_file->Sync());
  std::unique_ptr<File> tmp = MustOpen(fs, "meta.tmp");
  ASSERT_NE(tmp, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(tmp->Append("new"));
  ASSERT_OK(tmp->Sync());
  ASSERT_OK(fs.Rename("meta.tmp", "meta"));
  EXPECT_EQ(ReadFile(fs, "meta"), "new");

  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "meta"), "old");
  EXPECT_EQ(ReadFile(fs, "meta.tmp"), "new");
}

TEST(MemFileSystemTest, ASyncedRenameSurvivesACrash) {
  MemFileSystem fs;
  ASSERT_OK(AppendFile(fs, "meta", "old"));
  std::unique_ptr<File> tmp = MustOpen(fs, "meta.tmp");
  ASSERT_NE(tmp, nullptr);
  ASSERT_OK(tmp->Append("new"));
  ASSERT_OK(tmp->Sync());
  ASSERT_OK(fs.Rename("meta.tmp", "meta"));
  ASSERT_OK(fs.SyncDir(""));

  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "meta"), "new");
  EXPECT_FALSE(fs.Exists("meta.tmp"));
}

TEST(MemFileSystemTest, ARenameAcrossDirectoriesNeedsBothSynced) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("a"));
  ASSERT_OK(fs.CreateDirs("b"));
  ASSERT_OK(fs.SyncDir(""));
  std::unique_ptr<File> file = MustOpen(fs, "a/f");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("x"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(fs.SyncDir("a"));
  ASSERT_OK(fs.Rename("a/f", "b/f"));
  ASSERT_OK(fs.SyncDir("b"));  // but not "a"

  fs.SimulateCrash();
  // Both names survive, as two separate files.
  EXPECT_EQ(ReadFile(fs, "a/f"), "x");
  EXPECT_EQ(ReadFile(fs, "b/f"), "x");
  ASSERT_OK(AppendFile(fs, "a/f", "y"));
  EXPECT_EQ(ReadFile(fs, "b/f"), "x");
}

TEST(MemFileSystemTest, AnUnsyncedRemoveRevertsAfterACrash) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("t"));
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(AppendFile(fs, "t/0.log", ""));
  ASSERT_OK(AppendFile(fs, "t/1.log", ""));
  ASSERT_OK(fs.SyncDir("t"));
  ASSERT_OK(fs.Remove("t/0.log"));
  ASSERT_OK(fs.Remove("t/1.log"));
  ASSERT_OK(fs.SyncDir("t"));
  ASSERT_OK(AppendFile(fs, "t/1.log", ""));  // recreated, never synced

  fs.SimulateCrash();
  Result<std::vector<std::string>> names = fs.List("t");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_TRUE(names->empty());

  ASSERT_OK(fs.Remove("t"));
  fs.SimulateCrash();
  EXPECT_TRUE(fs.Exists("t"));
}

TEST(MemFileSystemTest, ACrashInvalidatesOpenFiles) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append("abc"));
  ASSERT_OK(file->Sync());

  fs.SimulateCrash();
  std::string out;
  EXPECT_EQ(file->Append("x").code(), Errno(EBADF));
  EXPECT_EQ(file->ReadAt(0, 3, &out).code(), Errno(EBADF));
  EXPECT_EQ(file->WriteAt(0, "x").code(), Errno(EBADF));
  EXPECT_EQ(file->Sync().code(), Errno(EBADF));
  EXPECT_EQ(file->Truncate(0).code(), Errno(EBADF));
  // The file itself is fine, through a new handle.
  std::unique_ptr<File> reopened = MustOpen(fs, "0.log", OpenMode::kReadWrite);
  ASSERT_NE(reopened, nullptr);
  ASSERT_OK(reopened->Append("d"));
  EXPECT_EQ(ReadAll(*reopened), "abcd");
}

TEST(MemFileSystemTest, DropTailCutsSyncedAndUnsyncedBytes) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append("012345"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append("6789"));

  ASSERT_OK(fs.DropTail("0.log", 3));  // unsynced bytes only
  EXPECT_EQ(ReadAll(*file), "0123456");
  EXPECT_EQ(file->size(), 7u);
  EXPECT_EQ(fs.synced_size("0.log"), 6u);

  ASSERT_OK(fs.DropTail("0.log", 5));  // into the synced bytes
  EXPECT_EQ(ReadAll(*file), "01");
  EXPECT_EQ(fs.synced_size("0.log"), 2u);
  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "0.log"), "01");

  EXPECT_EQ(fs.DropTail("0.log", 3).code(), Errno(EINVAL));
  EXPECT_EQ(fs.DropTail("missing", 1).code(), Errno(ENOENT));
  ASSERT_OK(fs.DropTail("0.log", 2));
  EXPECT_EQ(ReadFile(fs, "0.log"), "");
}

TEST(MemFileSystemTest, FlipBitChangesOneBitDurably) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append(std::string(4, '\0')));
  ASSERT_OK(file->Sync());

  ASSERT_OK(fs.FlipBit("0.log", 1, 3));
  ASSERT_OK(fs.FlipBit("0.log", 3, 7));
  const std::string flipped("\x00\x08\x00\x80", 4);
  EXPECT_EQ(ReadAll(*file), flipped);
  fs.SimulateCrash();
  EXPECT_EQ(ReadFile(fs, "0.log"), flipped);

  EXPECT_EQ(fs.FlipBit("0.log", 4, 0).code(), Errno(EINVAL));
  EXPECT_EQ(fs.FlipBit("0.log", 0, 8).code(), Errno(EINVAL));
  EXPECT_EQ(fs.FlipBit("0.log", 0, -1).code(), Errno(EINVAL));
  EXPECT_EQ(fs.FlipBit("missing", 0, 0).code(), Errno(ENOENT));
  ASSERT_OK(fs.CreateDirs("d"));
  EXPECT_EQ(fs.FlipBit("d", 0, 0).code(), Errno(EISDIR));
}

TEST(MemFileSystemTest, CorruptRangeChangesEveryByteInRangeAndNothingElse) {
  const std::string original(64, 'a');
  std::string corrupted[2];
  for (std::string& result : corrupted) {
    MemFileSystem fs;
    ASSERT_OK(AppendFile(fs, "0.log", original));
    ASSERT_OK(fs.CorruptRange("0.log", 10, 20, /*seed=*/42));
    result = ReadFile(fs, "0.log");
  }
  EXPECT_EQ(corrupted[0], corrupted[1]);  // same seed, same bytes
  ASSERT_EQ(corrupted[0].size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    if (i >= 10 && i < 30) {
      EXPECT_NE(corrupted[0][i], original[i]) << "byte " << i;
    } else {
      EXPECT_EQ(corrupted[0][i], original[i]) << "byte " << i;
    }
  }

  MemFileSystem fs;
  ASSERT_OK(AppendFile(fs, "0.log", original));
  ASSERT_OK(fs.CorruptRange("0.log", 10, 20, /*seed=*/43));
  EXPECT_NE(ReadFile(fs, "0.log"), corrupted[0]);
  EXPECT_EQ(fs.CorruptRange("0.log", 60, 5, 1).code(), Errno(EINVAL));
  ASSERT_OK(fs.CorruptRange("0.log", 64, 0, 1));
}

TEST(MemFileSystemTest, FailNextFailsExactlyTheNextCountAppends) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  fs.FailNext(Op::kAppend, Errno(ENOSPC), /*count=*/2);

  Status s = file->Append("x");
  EXPECT_EQ(s.code(), Errno(ENOSPC));
  EXPECT_EQ(s.context(), "0.log");
  EXPECT_EQ(file->Append("x").code(), Errno(ENOSPC));
  EXPECT_EQ(file->size(), 0u);  // a failed append writes nothing
  ASSERT_OK(file->Append("ok"));
  EXPECT_EQ(ReadAll(*file), "ok");
}

TEST(MemFileSystemTest, AFailedSyncMakesNothingDurable) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs.SyncDir(""));
  ASSERT_OK(file->Append("abc"));
  fs.FailNext(Op::kSync, Errno(EIO));
  EXPECT_EQ(file->Sync().code(), Errno(EIO));
  EXPECT_EQ(fs.synced_size("0.log"), 0u);
  ASSERT_OK(file->Sync());
  EXPECT_EQ(fs.synced_size("0.log"), 3u);
}

TEST(MemFileSystemTest, AFailedOpenCreatesNothing) {
  MemFileSystem fs;
  fs.FailNext(Op::kOpen, Errno(EMFILE));
  Result<std::unique_ptr<File>> file = fs.Open("0.log", OpenMode::kCreateOrAppend);
  EXPECT_EQ(file.status().code(), Errno(EMFILE));
  EXPECT_FALSE(fs.Exists("0.log"));
  EXPECT_NE(MustOpen(fs, "0.log"), nullptr);
}

TEST(MemFileSystemTest, AFailedRenameMovesNothing) {
  MemFileSystem fs;
  ASSERT_OK(AppendFile(fs, "a", "x"));
  fs.FailNext(Op::kRename, Errno(EIO));
  EXPECT_EQ(fs.Rename("a", "b").code(), Errno(EIO));
  EXPECT_TRUE(fs.Exists("a"));
  EXPECT_FALSE(fs.Exists("b"));
  ASSERT_OK(fs.Rename("a", "b"));
}

TEST(MemFileSystemTest, FailNextCoversTheOtherOperations) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  fs.FailNext(Op::kWriteAt, Errno(EIO));
  fs.FailNext(Op::kTruncate, Errno(EIO));
  fs.FailNext(Op::kCreateDirs, Errno(ENOSPC));
  fs.FailNext(Op::kRemove, Errno(EIO));
  fs.FailNext(Op::kSyncDir, Errno(EIO));
  EXPECT_EQ(file->WriteAt(0, "x").code(), Errno(EIO));
  EXPECT_EQ(file->Truncate(0).code(), Errno(EIO));
  EXPECT_EQ(fs.CreateDirs("d").code(), Errno(ENOSPC));
  EXPECT_FALSE(fs.Exists("d"));
  EXPECT_EQ(fs.Remove("0.log").code(), Errno(EIO));
  EXPECT_TRUE(fs.Exists("0.log"));
  EXPECT_EQ(fs.SyncDir("").code(), Errno(EIO));
  fs.SimulateCrash();
  EXPECT_FALSE(fs.Exists("0.log"));  // the failed SyncDir made nothing durable
}

TEST(MemFileSystemTest, FailNextWithCountZeroCancels) {
  MemFileSystem fs;
  std::unique_ptr<File> file = MustOpen(fs, "0.log");
  ASSERT_NE(file, nullptr);
  fs.FailNext(Op::kAppend, Errno(ENOSPC), 5);
  fs.FailNext(Op::kAppend, Errno(ENOSPC), 0);
  EXPECT_OK(file->Append("x"));
}

TEST(MemFileSystemTest, PathsAreNormalisedAndStayUnderTheRoot) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("t//p-0/"));
  ASSERT_OK(AppendFile(fs, "./t/p-0//0.log", "x"));
  EXPECT_EQ(ReadFile(fs, "t/p-0/0.log"), "x");
  EXPECT_EQ(fs.Open("t/../x", OpenMode::kCreateOrAppend).status().code(), Errno(EINVAL));
  EXPECT_EQ(fs.Remove("").code(), Errno(EBUSY));
}

TEST(MemFileSystemTest, RenameRefusesWhatRename2Refuses) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("d/sub"));
  ASSERT_OK(fs.CreateDirs("full/x"));
  ASSERT_OK(fs.CreateDirs("empty"));
  ASSERT_OK(AppendFile(fs, "f", "x"));
  EXPECT_EQ(fs.Rename("d", "d/sub/d").code(), Errno(EINVAL));
  EXPECT_EQ(fs.Rename("d", "full").code(), Errno(ENOTEMPTY));
  EXPECT_EQ(fs.Rename("d", "f").code(), Errno(ENOTDIR));
  EXPECT_EQ(fs.Rename("f", "empty").code(), Errno(EISDIR));
  ASSERT_OK(fs.Rename("f", "f"));
  ASSERT_OK(fs.Rename("d", "empty"));
  EXPECT_TRUE(fs.Exists("empty/sub"));
}

TEST(MemFileSystemTest, WithoutDurabilityTrackingACrashLosesNothing) {
  MemFileSystem fs(MemFileSystem::Options{.track_durability = false});
  ASSERT_OK(fs.CreateDirs("d"));
  std::unique_ptr<File> file = MustOpen(fs, "d/0.log");
  ASSERT_OK(file->Append("synced"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append(" and not"));
  ASSERT_OK(fs.Rename("d/0.log", "d/1.log"));
  fs.SimulateCrash();
  EXPECT_EQ(file->Append("x").code(), Errno(EBADF));  // open files still die
  EXPECT_EQ(ReadFile(fs, "d/1.log"), "synced and not");
  EXPECT_FALSE(fs.Exists("d/0.log"));
}

TEST(MemFileSystemTest, LargeFilesReuseTheMappingsOfRemovedOnes) {
  // Two generations of 4 MiB files: the second reads back exactly what it
  // wrote, whatever the recycled mapping held before.
  MemFileSystem fs(MemFileSystem::Options{.track_durability = false});
  for (char fill : {'a', 'b'}) {
    for (int i = 0; i < 3; ++i) {
      const std::string name = std::to_string(i) + ".log";
      std::unique_ptr<File> file = MustOpen(fs, name);
      ASSERT_NE(file, nullptr);
      const std::string chunk(64 << 10, static_cast<char>(fill + i));
      for (int k = 0; k < 64; ++k) ASSERT_OK(file->Append(chunk));
      ASSERT_OK(file->Truncate((4 << 20) - 1));
    }
    for (int i = 0; i < 3; ++i) {
      const std::string name = std::to_string(i) + ".log";
      const std::string data = ReadFile(fs, name);
      ASSERT_EQ(data.size(), (4u << 20) - 1);
      EXPECT_EQ(data.find_first_not_of(static_cast<char>(fill + i)), std::string::npos);
      ASSERT_OK(fs.Remove(name));
    }
  }
  // A new file after the removals starts empty.
  std::unique_ptr<File> fresh = MustOpen(fs, "fresh.log");
  EXPECT_EQ(fresh->size(), 0u);
  ASSERT_OK(fresh->Append(std::string(2 << 20, 'z')));
  EXPECT_EQ(ReadFile(fs, "fresh.log"), std::string(2 << 20, 'z'));
}

TEST(MemFileSystemTest, ConcurrentWritersAndReadersAreSafe) {
  MemFileSystem fs;
  constexpr int kThreads = 4;
  constexpr int kAppends = 500;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&fs, t] {
      std::unique_ptr<File> file = MustOpen(fs, "f" + std::to_string(t));
      if (file == nullptr) return;
      for (int i = 0; i < kAppends; ++i) {
        EXPECT_OK(file->Append("0123456789"));
        if (i % 50 == 0) EXPECT_OK(file->Sync());
        Result<std::vector<std::string>> names = fs.List("");
        EXPECT_TRUE(names.ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(ReadFile(fs, "f" + std::to_string(t)).size(), 10u * kAppends);
  }
}

}  // namespace
}  // namespace brook::storage
