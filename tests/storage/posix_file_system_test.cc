// tests/storage/posix_file_system_test.cc
//
// What only PosixFileSystem does: real descriptors, errno and full paths in
// errors, and data that outlives the process that wrote it. The shared
// behaviour is in file_system_contract_test.cc.
#include "storage/posix_file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

#include "tests/storage/file_system_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

std::string ReadWithIfstream(const std::string& full_path) {
  std::ifstream in(full_path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class PosixFileSystemTest : public ::testing::Test {
 protected:
  brook::testing::TempDir dir_;
  PosixFileSystem fs_{dir_.path()};
};

TEST_F(PosixFileSystemTest, WritesLandInTheRootDirectory) {
  ASSERT_OK(fs_.CreateDirs("t/p-0"));
  Result<std::unique_ptr<File>> file = fs_.Open("t/p-0/0.log", OpenMode::kCreateOrAppend);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_OK((*file)->Append("on disk"));
  EXPECT_EQ(ReadWithIfstream(dir_.path() + "/t/p-0/0.log"), "on disk");
}

TEST_F(PosixFileSystemTest, FilesAreOpenedCloseOnExec) {
  Result<std::unique_ptr<File>> file = fs_.Open("0.log", OpenMode::kCreateOrAppend);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const int fd = (*file)->native_handle();
  ASSERT_GE(fd, 0);
  const int flags = ::fcntl(fd, F_GETFD);
  ASSERT_GE(flags, 0);
  EXPECT_TRUE(flags & FD_CLOEXEC);
}

TEST_F(PosixFileSystemTest, NativeHandleIsTheOpenDescriptor) {
  Result<std::unique_ptr<File>> file = fs_.Open("0.log", OpenMode::kCreateOrAppend);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_OK((*file)->Append("12345"));
  struct stat st;
  ASSERT_EQ(::fstat((*file)->native_handle(), &st), 0);
  EXPECT_EQ(st.st_size, 5);
}

TEST_F(PosixFileSystemTest, SizeOfAnExistingFileComesFromOpen) {
  {
    std::ofstream out(dir_.path() + "/old.log", std::ios::binary);
    out << "written elsewhere";
  }
  Result<std::unique_ptr<File>> file = fs_.Open("old.log", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 17u);
  ASSERT_OK((*file)->Append("!"));
  EXPECT_EQ(ReadWithIfstream(dir_.path() + "/old.log"), "written elsewhere!");
}

TEST_F(PosixFileSystemTest, ErrorsCarryErrnoAndTheFullPath) {
  Result<std::unique_ptr<File>> file = fs_.Open("t/missing.log", OpenMode::kReadWrite);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), std::error_code(ENOENT, std::system_category()));
  EXPECT_EQ(file.status().context(), dir_.path() + "/t/missing.log");

  Status s = fs_.Remove("gone");
  EXPECT_EQ(s.code(), std::error_code(ENOENT, std::system_category()));
  EXPECT_EQ(s.context(), dir_.path() + "/gone");
}

TEST_F(PosixFileSystemTest, CreateDirsMakesAMissingRoot) {
  const std::string root = dir_.path() + "/not/yet";
  PosixFileSystem fs(root);
  EXPECT_FALSE(fs.Exists(""));
  ASSERT_OK(fs.CreateDirs(""));
  ASSERT_OK(fs.CreateDirs("a"));
  struct stat st;
  ASSERT_EQ(::stat((root + "/a").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(PosixFileSystemTest, CreateDirsThroughAFileIsENOTDIR) {
  ASSERT_OK(testing::AppendFile(fs_, "f", "x"));
  EXPECT_EQ(fs_.CreateDirs("f/g").code(), std::error_code(ENOTDIR, std::system_category()));
}

TEST_F(PosixFileSystemTest, SyncDirOnAFileFails) {
  ASSERT_OK(testing::AppendFile(fs_, "f", "x"));
  EXPECT_EQ(fs_.SyncDir("f").code(), std::error_code(ENOTDIR, std::system_category()));
}

// Kills the child on scope exit, so a failed assertion never leaves it behind.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;

  // Sends SIGKILL and reaps the child; its wait status.
  int KillAndWait() {
    int status = 0;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

std::string Record(int i) { return "record-" + std::to_string(i) + ";"; }

// Runs in the forked child: appends and syncs, reports through the pipe, then
// appends a little more without syncing and waits to be killed. Never returns
// (returning would run the parent's test teardown in the child).
[[noreturn]] void AppendSyncAndWaitToBeKilled(const std::string& root, int report_fd) {
  PosixFileSystem fs(root);
  char report = 'e';
  Result<std::unique_ptr<File>> file = fs.Open("0.log", OpenMode::kCreateOrAppend);
  bool ok = file.ok() && fs.SyncDir("").ok();
  for (int i = 0; ok && i < 100; ++i) {
    ok = (*file)->Append(Record(i)).ok() && (i % 10 != 9 || (*file)->Sync().ok());
  }
  if (ok) report = 'k';
  if (::write(report_fd, &report, 1) != 1 || !ok) ::_exit(1);
  for (int i = 100; i < 110; ++i) (void)(*file)->Append(Record(i));
  for (;;) ::pause();
}

TEST_F(PosixFileSystemTest, SyncedAppendsSurviveSigkill) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    AppendSyncAndWaitToBeKilled(dir_.path(), fds[1]);
  }
  ChildGuard child(pid);
  ::close(fds[1]);
  char report = 0;
  ssize_t n;
  do {
    n = ::read(fds[0], &report, 1);
  } while (n < 0 && errno == EINTR);
  ::close(fds[0]);
  ASSERT_EQ(n, 1) << "the child died before reporting";
  ASSERT_EQ(report, 'k') << "the child failed to append or sync";

  const int status = child.KillAndWait();
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  std::string synced;
  for (int i = 0; i < 100; ++i) synced += Record(i);
  Result<std::unique_ptr<File>> file = fs_.Open("0.log", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_GE((*file)->size(), synced.size());
  std::string prefix;
  ASSERT_OK((*file)->ReadAt(0, synced.size(), &prefix));
  EXPECT_EQ(prefix, synced);
}

}  // namespace
}  // namespace brook::storage
