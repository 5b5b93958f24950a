// tests/storage/file_system_contract_test.cc
//
// The FileSystem contract, run against PosixFileSystem (in a temp dir) and
// MemFileSystem alike: storage code tested on memory must see the disk's
// behaviour.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/file_system.h"
#include "storage/mem_file_system.h"
#include "storage/posix_file_system.h"
#include "tests/storage/file_system_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

using testing::AppendFile;
using testing::ReadAll;
using testing::ReadFile;

struct PosixEnv {
  brook::testing::TempDir dir;
  PosixFileSystem fs{dir.path()};
};

struct MemEnv {
  MemFileSystem fs;
};

// The in-memory broker's variant: no durability model.
struct UntrackedMemEnv {
  MemFileSystem fs{MemFileSystem::Options{.track_durability = false}};
};

struct EnvNames {
  template <typename T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, PosixEnv>) return "Posix";
    if constexpr (std::is_same_v<T, UntrackedMemEnv>) return "UntrackedMem";
    return "Mem";
  }
};

template <typename Env>
class FileSystemContractTest : public ::testing::Test {
 protected:
  FileSystem& fs() { return env_.fs; }

  // Opens `path` or fails the test; check with ASSERT_NE(file, nullptr).
  std::unique_ptr<File> Open(const std::string& path, OpenMode mode = OpenMode::kCreateOrAppend) {
    Result<std::unique_ptr<File>> file = fs().Open(path, mode);
    if (!file.ok()) {
      ADD_FAILURE() << "open " << path << ": " << file.status().ToString();
      return nullptr;
    }
    return std::move(*file);
  }

 private:
  Env env_;
};

using Envs = ::testing::Types<PosixEnv, MemEnv, UntrackedMemEnv>;
TYPED_TEST_SUITE(FileSystemContractTest, Envs, EnvNames);

TYPED_TEST(FileSystemContractTest, AppendsAreReadBackAndCounted) {
  std::unique_ptr<File> file = this->Open("a.log");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->size(), 0u);
  ASSERT_OK(file->Append("hello"));
  ASSERT_OK(file->Append(" world"));
  ASSERT_OK(file->Append(""));
  EXPECT_EQ(file->size(), 11u);

  std::string out;
  ASSERT_OK(file->ReadAt(0, 11, &out));
  EXPECT_EQ(out, "hello world");
  ASSERT_OK(file->ReadAt(6, 5, &out));
  EXPECT_EQ(out, "world");
}

TYPED_TEST(FileSystemContractTest, ReadAtPastTheEndIsShort) {
  std::unique_ptr<File> file = this->Open("a.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("hello world"));

  std::string out = "stale";
  ASSERT_OK(file->ReadAt(8, 10, &out));
  EXPECT_EQ(out, "rld");
  out = "stale";
  ASSERT_OK(file->ReadAt(11, 4, &out));
  EXPECT_EQ(out, "");
  out = "stale";
  ASSERT_OK(file->ReadAt(1000, 4, &out));
  EXPECT_EQ(out, "");
}

TYPED_TEST(FileSystemContractTest, BinaryBytesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += std::string(1 << 20, '\0');  // a large write, past any single-page path
  std::unique_ptr<File> file = this->Open("bin");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append(bytes));
  EXPECT_EQ(ReadAll(*file), bytes);
}

TYPED_TEST(FileSystemContractTest, WriteAtOverwritesAndMayExtend) {
  std::unique_ptr<File> file = this->Open("a.index");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("abcdef"));
  ASSERT_OK(file->WriteAt(2, "XY"));
  EXPECT_EQ(ReadAll(*file), "abXYef");
  EXPECT_EQ(file->size(), 6u);

  ASSERT_OK(file->WriteAt(5, "123"));
  EXPECT_EQ(ReadAll(*file), "abXYe123");
  EXPECT_EQ(file->size(), 8u);
  ASSERT_OK(file->WriteAt(8, "+"));
  // Appends continue at the new end.
  ASSERT_OK(file->Append("!"));
  EXPECT_EQ(ReadAll(*file), "abXYe123+!");
  EXPECT_EQ(file->size(), 10u);
}

TYPED_TEST(FileSystemContractTest, WriteAtPastTheEndIsInvalid) {
  std::unique_ptr<File> file = this->Open("a.index");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("abc"));
  Status s = file->WriteAt(4, "x");
  EXPECT_EQ(s.code(), std::errc::invalid_argument) << s.ToString();
  EXPECT_EQ(ReadAll(*file), "abc");
}

TYPED_TEST(FileSystemContractTest, TruncateShrinksAndAppendsContinueAtTheNewEnd) {
  std::unique_ptr<File> file = this->Open("a.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("0123456789"));
  ASSERT_OK(file->Truncate(4));
  EXPECT_EQ(file->size(), 4u);
  EXPECT_EQ(ReadAll(*file), "0123");
  ASSERT_OK(file->Append("ab"));
  EXPECT_EQ(ReadAll(*file), "0123ab");
}

TYPED_TEST(FileSystemContractTest, TruncateGrowsWithZeros) {
  std::unique_ptr<File> file = this->Open("a.index");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("ab"));
  ASSERT_OK(file->Truncate(5));
  EXPECT_EQ(file->size(), 5u);
  EXPECT_EQ(ReadAll(*file), std::string("ab\0\0\0", 5));
  ASSERT_OK(file->Append("c"));
  EXPECT_EQ(ReadAll(*file), std::string("ab\0\0\0c", 6));
}

TYPED_TEST(FileSystemContractTest, ReopenKeepsTheData) {
  {
    std::unique_ptr<File> file = this->Open("a.log");
    ASSERT_NE(file, nullptr);
    ASSERT_OK(file->Append("first"));
  }
  {
    std::unique_ptr<File> file = this->Open("a.log", OpenMode::kReadWrite);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->size(), 5u);
    EXPECT_EQ(ReadAll(*file), "first");
  }
  {
    std::unique_ptr<File> file = this->Open("a.log", OpenMode::kCreateOrAppend);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->size(), 5u);
    ASSERT_OK(file->Append("+second"));
  }
  EXPECT_EQ(ReadFile(this->fs(), "a.log"), "first+second");
}

TYPED_TEST(FileSystemContractTest, AppendAfterReopenForReadWriteGoesToTheEnd) {
  ASSERT_OK(AppendFile(this->fs(), "a.log", "abc"));
  std::unique_ptr<File> file = this->Open("a.log", OpenMode::kReadWrite);
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("d"));
  EXPECT_EQ(ReadAll(*file), "abcd");
}

TYPED_TEST(FileSystemContractTest, TwoHandlesSeeTheSameFile) {
  std::unique_ptr<File> writer = this->Open("a.log");
  ASSERT_NE(writer, nullptr);
  std::unique_ptr<File> reader = this->Open("a.log", OpenMode::kReadWrite);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->Append("shared"));
  std::string out;
  ASSERT_OK(reader->ReadAt(0, 100, &out));
  EXPECT_EQ(out, "shared");
}

TYPED_TEST(FileSystemContractTest, ExistsSeesFilesAndDirectories) {
  EXPECT_TRUE(this->fs().Exists(""));
  EXPECT_FALSE(this->fs().Exists("t"));
  ASSERT_OK(this->fs().CreateDirs("t/p-0"));
  ASSERT_OK(AppendFile(this->fs(), "t/p-0/0.log", "x"));
  EXPECT_TRUE(this->fs().Exists("t"));
  EXPECT_TRUE(this->fs().Exists("t/p-0"));
  EXPECT_TRUE(this->fs().Exists("t/p-0/0.log"));
  EXPECT_FALSE(this->fs().Exists("t/p-0/1.log"));
  EXPECT_FALSE(this->fs().Exists("t/p-0/0.log/x"));
}

TYPED_TEST(FileSystemContractTest, CreateDirsIsRecursiveAndIdempotent) {
  ASSERT_OK(this->fs().CreateDirs("a/b/c"));
  ASSERT_OK(this->fs().CreateDirs("a/b/c"));
  ASSERT_OK(this->fs().CreateDirs("a/b"));
  ASSERT_OK(this->fs().CreateDirs(""));
  EXPECT_TRUE(this->fs().Exists("a/b/c"));
  ASSERT_OK(AppendFile(this->fs(), "a/f", "x"));
  EXPECT_FALSE(this->fs().CreateDirs("a/f").ok());
  EXPECT_FALSE(this->fs().CreateDirs("a/f/g").ok());
}

TYPED_TEST(FileSystemContractTest, ListGivesSortedNames) {
  ASSERT_OK(this->fs().CreateDirs("t/p-0"));
  ASSERT_OK(this->fs().CreateDirs("t/a-dir/inner"));
  for (const char* name : {"t/b.log", "t/00000000000000000010.log", "t/a.log", "t/Z"}) {
    ASSERT_OK(AppendFile(this->fs(), name, "x"));
  }
  Result<std::vector<std::string>> names = this->fs().List("t");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names, (std::vector<std::string>{"00000000000000000010.log", "Z", "a-dir", "a.log",
                                              "b.log", "p-0"}));

  Result<std::vector<std::string>> root = this->fs().List("");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, std::vector<std::string>{"t"});

  Result<std::vector<std::string>> empty = this->fs().List("t/p-0");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
}

TYPED_TEST(FileSystemContractTest, ListFailsOnMissingDirectoriesAndFiles) {
  Result<std::vector<std::string>> missing = this->fs().List("nope");
  EXPECT_EQ(missing.status().code(), std::errc::no_such_file_or_directory);
  ASSERT_OK(AppendFile(this->fs(), "f", "x"));
  Result<std::vector<std::string>> file = this->fs().List("f");
  EXPECT_EQ(file.status().code(), std::errc::not_a_directory);
}

TYPED_TEST(FileSystemContractTest, RemoveDeletesAFile) {
  ASSERT_OK(AppendFile(this->fs(), "a.log", "x"));
  ASSERT_OK(AppendFile(this->fs(), "b.log", "x"));
  ASSERT_OK(this->fs().Remove("a.log"));
  EXPECT_FALSE(this->fs().Exists("a.log"));
  EXPECT_TRUE(this->fs().Exists("b.log"));
}

TYPED_TEST(FileSystemContractTest, RemoveDeletesADirectoryTree) {
  ASSERT_OK(this->fs().CreateDirs("t/p-0/deep/er"));
  ASSERT_OK(this->fs().CreateDirs("t/p-1"));
  ASSERT_OK(AppendFile(this->fs(), "t/p-0/0.log", "x"));
  ASSERT_OK(AppendFile(this->fs(), "t/p-0/deep/er/f", "x"));
  ASSERT_OK(AppendFile(this->fs(), "t/p-1/0.log", "x"));
  ASSERT_OK(AppendFile(this->fs(), "t-other", "x"));

  ASSERT_OK(this->fs().Remove("t/p-0"));
  EXPECT_FALSE(this->fs().Exists("t/p-0"));
  EXPECT_FALSE(this->fs().Exists("t/p-0/deep/er/f"));
  EXPECT_TRUE(this->fs().Exists("t/p-1/0.log"));

  ASSERT_OK(this->fs().Remove("t"));
  EXPECT_FALSE(this->fs().Exists("t"));
  EXPECT_TRUE(this->fs().Exists("t-other"));
  Result<std::vector<std::string>> root = this->fs().List("");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, std::vector<std::string>{"t-other"});
}

TYPED_TEST(FileSystemContractTest, RemoveOfAMissingPathIsENOENT) {
  EXPECT_EQ(this->fs().Remove("nope").code(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(this->fs().Remove("no/such/dir").code(), std::errc::no_such_file_or_directory);
}

TYPED_TEST(FileSystemContractTest, RemoveRefusesTheRoot) {
  ASSERT_OK(AppendFile(this->fs(), "a.log", "x"));
  EXPECT_EQ(this->fs().Remove("").code(), std::errc::device_or_resource_busy);
  EXPECT_TRUE(this->fs().Exists("a.log"));
}

TYPED_TEST(FileSystemContractTest, AnOpenFileOutlivesItsName) {
  std::unique_ptr<File> file = this->Open("a.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("still here"));
  ASSERT_OK(this->fs().Remove("a.log"));
  EXPECT_FALSE(this->fs().Exists("a.log"));
  EXPECT_EQ(ReadAll(*file), "still here");
  ASSERT_OK(file->Append("!"));
  EXPECT_OK(file->Sync());
}

TYPED_TEST(FileSystemContractTest, RenameMovesAFile) {
  ASSERT_OK(this->fs().CreateDirs("d"));
  ASSERT_OK(AppendFile(this->fs(), "a.tmp", "data"));
  ASSERT_OK(this->fs().Rename("a.tmp", "d/a"));
  EXPECT_FALSE(this->fs().Exists("a.tmp"));
  EXPECT_EQ(ReadFile(this->fs(), "d/a"), "data");
}

TYPED_TEST(FileSystemContractTest, RenameReplacesTheTarget) {
  ASSERT_OK(AppendFile(this->fs(), "meta", "old contents, longer"));
  ASSERT_OK(AppendFile(this->fs(), "meta.tmp", "new"));
  std::unique_ptr<File> old_handle = this->Open("meta", OpenMode::kReadWrite);
  ASSERT_NE(old_handle, nullptr);

  ASSERT_OK(this->fs().Rename("meta.tmp", "meta"));
  EXPECT_FALSE(this->fs().Exists("meta.tmp"));
  EXPECT_EQ(ReadFile(this->fs(), "meta"), "new");
  // A handle opened before keeps the replaced file.
  EXPECT_EQ(ReadAll(*old_handle), "old contents, longer");
  Result<std::vector<std::string>> root = this->fs().List("");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, std::vector<std::string>{"meta"});
}

TYPED_TEST(FileSystemContractTest, RenameMovesADirectoryWithItsContents) {
  ASSERT_OK(this->fs().CreateDirs("t-0.tmp/sub"));
  ASSERT_OK(AppendFile(this->fs(), "t-0.tmp/sub/0.log", "x"));
  ASSERT_OK(this->fs().Rename("t-0.tmp", "t-0"));
  EXPECT_FALSE(this->fs().Exists("t-0.tmp"));
  EXPECT_EQ(ReadFile(this->fs(), "t-0/sub/0.log"), "x");
}

TYPED_TEST(FileSystemContractTest, RenameOfAMissingFileIsENOENT) {
  EXPECT_EQ(this->fs().Rename("nope", "other").code(), std::errc::no_such_file_or_directory);
  ASSERT_OK(AppendFile(this->fs(), "a", "x"));
  EXPECT_EQ(this->fs().Rename("a", "no/such/dir/a").code(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(ReadFile(this->fs(), "a"), "x");
}

TYPED_TEST(FileSystemContractTest, OpenForReadWriteOfAMissingFileIsENOENT) {
  Result<std::unique_ptr<File>> file = this->fs().Open("missing.log", OpenMode::kReadWrite);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), std::errc::no_such_file_or_directory);
  EXPECT_EQ(file.status().code().category(), std::system_category());
  EXPECT_NE(file.status().context().find("missing.log"), std::string::npos)
      << file.status().ToString();
  EXPECT_FALSE(this->fs().Exists("missing.log"));
}

TYPED_TEST(FileSystemContractTest, OpenInAMissingDirectoryIsENOENT) {
  Result<std::unique_ptr<File>> file = this->fs().Open("no/dir/a.log", OpenMode::kCreateOrAppend);
  EXPECT_EQ(file.status().code(), std::errc::no_such_file_or_directory);
}

TYPED_TEST(FileSystemContractTest, OpenOfADirectoryIsEISDIR) {
  ASSERT_OK(this->fs().CreateDirs("d"));
  for (OpenMode mode : {OpenMode::kCreateOrAppend, OpenMode::kReadWrite}) {
    Result<std::unique_ptr<File>> file = this->fs().Open("d", mode);
    EXPECT_EQ(file.status().code(), std::errc::is_a_directory);
  }
}

TYPED_TEST(FileSystemContractTest, SyncAndSyncDirSucceed) {
  ASSERT_OK(this->fs().CreateDirs("t/p-0"));
  std::unique_ptr<File> file = this->Open("t/p-0/0.log");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Append("data"));
  EXPECT_OK(file->Sync());
  EXPECT_OK(file->Sync());  // nothing new: still fine
  EXPECT_OK(this->fs().SyncDir("t/p-0"));
  EXPECT_OK(this->fs().SyncDir("t"));
  EXPECT_OK(this->fs().SyncDir(""));
  EXPECT_EQ(this->fs().SyncDir("nope").code(), std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace brook::storage
