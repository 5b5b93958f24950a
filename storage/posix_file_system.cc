// storage/posix_file_system.cc
#include "storage/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

namespace brook::storage {
namespace {

Status ErrnoStatus(int err, const std::string& path) {
  return Status(std::error_code(err, std::system_category()), path);
}

// One open descriptor. The size is kept here (fstat once at open) so size()
// costs no syscall, and the descriptor's offset is kept at that size so a
// plain write() appends. O_APPEND is not used: on Linux it makes pwrite()
// ignore its offset, which would break WriteAt.
class PosixFile : public File {
 public:
  PosixFile(int fd, std::string path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixFile() override { ::close(fd_); }

  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, path_);
      }
      if (n == 0) return ErrnoStatus(EIO, path_);  // write(2) made no progress
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        out->clear();
        return ErrnoStatus(errno, path_);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    out->resize(done);
    return Status::Ok();
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    if (offset > size_) return ErrnoStatus(EINVAL, path_);
    const uint64_t old_size = size_;
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (n == 0) {
        errno = EIO;
        break;
      }
      offset += static_cast<uint64_t>(n);
      size_ = std::max(size_, offset);
      data.remove_prefix(static_cast<size_t>(n));
    }
    const int write_errno = data.empty() ? 0 : errno;
    // The file grew: move the append offset to the new end.
    if (size_ != old_size) {
      if (Status s = SeekToEnd(); !s.ok()) return s;
    }
    if (write_errno != 0) return ErrnoStatus(write_errno, path_);
    return Status::Ok();
  }

  uint64_t size() const override { return size_; }

  Status Sync() override {
    while (::fdatasync(fd_) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, path_);
    }
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, path_);
    }
    size_ = size;
    return SeekToEnd();
  }

  // Overwriting cached pages spares the kernel allocating (and, for a file
  // that was truncated, freeing) them again.
  Status Rewind() override {
    size_ = 0;
    return SeekToEnd();
  }

  int native_handle() const override { return fd_; }

 private:
  Status SeekToEnd() {
    if (::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0) return ErrnoStatus(errno, path_);
    return Status::Ok();
  }

  int fd_;
  std::string path_;
  uint64_t size_;
};

int OpenRetryingEintr(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

PosixFileSystem::PosixFileSystem(std::string root) : root_(std::move(root)) {}

std::string PosixFileSystem::FullPath(const std::string& path) const {
  if (path.empty()) return root_;
  return root_ + "/" + path;
}

Result<std::unique_ptr<File>> PosixFileSystem::Open(const std::string& path, OpenMode mode) {
  const std::string full = FullPath(path);
  int flags = O_RDWR | O_CLOEXEC;
  if (mode == OpenMode::kCreateOrAppend) flags |= O_CREAT;
  int fd = OpenRetryingEintr(full, flags, 0644);
  if (fd < 0) return ErrnoStatus(errno, full);
  struct stat st;
  if (::fstat(fd, &st) != 0 || ::lseek(fd, st.st_size, SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus(err, full);
  }
  return std::unique_ptr<File>(
      std::make_unique<PosixFile>(fd, full, static_cast<uint64_t>(st.st_size)));
}

bool PosixFileSystem::Exists(const std::string& path) const {
  struct stat st;
  return ::stat(FullPath(path).c_str(), &st) == 0;
}

Status PosixFileSystem::CreateDirs(const std::string& path) {
  const std::string full = FullPath(path);
  // mkdir each prefix in turn; the ones that already exist must be directories.
  for (size_t end = 0; end != std::string::npos;) {
    end = full.find('/', end + 1);
    const std::string prefix = full.substr(0, end);
    if (prefix.empty() || prefix.back() == '/') continue;
    if (::mkdir(prefix.c_str(), 0755) == 0) continue;
    int err = errno;
    if (err != EEXIST) return ErrnoStatus(err, prefix);
    struct stat st;
    if (::stat(prefix.c_str(), &st) != 0) return ErrnoStatus(errno, prefix);
    if (!S_ISDIR(st.st_mode)) return ErrnoStatus(ENOTDIR, prefix);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PosixFileSystem::List(const std::string& dir) const {
  const std::string full = FullPath(dir);
  DIR* d = ::opendir(full.c_str());
  if (d == nullptr) return ErrnoStatus(errno, full);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(d);
    if (entry == nullptr) break;
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoStatus(err, full);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixFileSystem::Remove(const std::string& path) {
  const std::string full = FullPath(path);
  if (path.empty()) return ErrnoStatus(EBUSY, full);  // the root stays
  struct stat st;
  if (::lstat(full.c_str(), &st) != 0) return ErrnoStatus(errno, full);
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(full.c_str()) != 0) return ErrnoStatus(errno, full);
    return Status::Ok();
  }
  std::error_code ec;
  std::filesystem::remove_all(full, ec);
  // libstdc++ reports errno values; keep them in the system category like the rest.
  if (ec) return ErrnoStatus(ec.value(), full);
  return Status::Ok();
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  const std::string full_from = FullPath(from);
  const std::string full_to = FullPath(to);
  if (::rename(full_from.c_str(), full_to.c_str()) != 0) {
    return ErrnoStatus(errno, full_from + " -> " + full_to);
  }
  return Status::Ok();
}

Status PosixFileSystem::SyncDir(const std::string& dir) {
  const std::string full = FullPath(dir);
  int fd = OpenRetryingEintr(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, full);
  Status status;
  while (::fsync(fd) != 0) {
    if (errno != EINTR) {
      status = ErrnoStatus(errno, full);
      break;
    }
  }
  ::close(fd);
  return status;
}

}  // namespace brook::storage
