// storage/mem_file_system.cc
#include "storage/mem_file_system.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <random>
#include <string_view>
#include <utility>

namespace brook::storage {
namespace {

constexpr size_t kOpCount = static_cast<size_t>(MemFileSystem::Op::kSyncDir) + 1;

Status ErrnoStatus(int err, const std::string& path) {
  return Status(std::error_code(err, std::system_category()), path);
}

constexpr size_t kPageBytes = 4096;

// Mappings of removed files, kept for the next large file (see the header).
class MappingPool {
 public:
  struct Region {
    char* data = nullptr;
    size_t capacity = 0;
    size_t touched = 0;  // bytes that were written, rounded up to pages
  };

  static MappingPool& Instance() {
    static MappingPool* pool = new MappingPool();  // never destroyed: files may outlive statics
    return *pool;
  }

  // A region of at least `capacity` bytes, the one with the most touched
  // pages; {} when none fits.
  Region Take(size_t capacity) {
    std::lock_guard lock(mu_);
    auto best = regions_.end();
    for (auto it = regions_.begin(); it != regions_.end(); ++it) {
      if (it->capacity >= capacity && (best == regions_.end() || it->touched > best->touched)) {
        best = it;
      }
    }
    if (best == regions_.end()) return {};
    Region r = *best;
    regions_.erase(best);
    touched_ -= r.touched;
    return r;
  }

  // Keeps the mapping if the pool has room for its touched pages, else unmaps it.
  void Put(Region r) {
    {
      std::lock_guard lock(mu_);
      if (touched_ + r.touched <= kMaxTouchedBytes && regions_.size() < kMaxRegions) {
        ::madvise(r.data, r.touched, MADV_FREE);
        touched_ += r.touched;
        regions_.push_back(r);
        return;
      }
    }
    ::munmap(r.data, r.capacity);
  }

 private:
  static constexpr size_t kMaxTouchedBytes = 64 << 20;
  static constexpr size_t kMaxRegions = 64;

  std::mutex mu_;
  std::vector<Region> regions_;
  size_t touched_ = 0;
};

// A file's bytes. Small files live on the heap; from kMapBytes on, a file
// gets a mapping of its own, grown with mremap(2): the pages move, nothing is
// copied. The memory broker keeps whole segments here, and with a std::string
// every doubling copied the segment and faulted its pages in again.
// (MADV_HUGEPAGE on the mapping was tried and halved the memory broker's
// produce throughput on the machine it was measured on.)
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes& other) { append(other.view()); }
  FileBytes& operator=(const FileBytes& other) {
    if (this != &other) {
      size_ = 0;
      append(other.view());
    }
    return *this;
  }
  ~FileBytes() { Release(); }

  size_t size() const { return size_; }
  std::string_view view() const { return std::string_view(data_, size_); }
  char& operator[](size_t i) { return data_[i]; }

  void append(std::string_view bytes) {
    if (bytes.empty()) return;
    Reserve(size_ + bytes.size());
    std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  // Overwrites [offset, offset + bytes.size()), growing the file if needed.
  // REQUIRES: offset <= size().
  void write(size_t offset, std::string_view bytes) {
    if (offset + bytes.size() > size_) resize(offset + bytes.size());
    if (!bytes.empty()) std::memcpy(data_ + offset, bytes.data(), bytes.size());
  }
  // Grows with zero bytes or cuts.
  void resize(size_t n) {
    if (n > size_) {
      Reserve(n);
      std::memset(data_ + size_, 0, n - size_);
    }
    touched_ = std::max(touched_, size_);
    size_ = n;
  }

 private:
  static constexpr size_t kMapBytes = 1 << 20;

  void Reserve(size_t n) {
    if (n <= capacity_) return;
    size_t capacity = std::max({n, capacity_ * 2, size_t{256}});
    if (capacity < kMapBytes) {
      void* p = std::realloc(data_, capacity);
      if (p == nullptr) throw std::bad_alloc();
      data_ = static_cast<char*>(p);
      capacity_ = capacity;
      return;
    }
    capacity = (capacity + kPageBytes - 1) / kPageBytes * kPageBytes;
    void* p;
    if (mapped_) {
      p = ::mremap(data_, capacity_, capacity, MREMAP_MAYMOVE);
    } else if (MappingPool::Region r = MappingPool::Instance().Take(capacity); r.data != nullptr) {
      p = r.data;
      capacity = r.capacity;
      touched_ = r.touched;
    } else {
      p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (!mapped_) {
      if (size_ > 0) std::memcpy(p, data_, size_);
      std::free(data_);
      mapped_ = true;
    }
    data_ = static_cast<char*>(p);
    capacity_ = capacity;
  }

  void Release();

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t touched_ = 0;  // of a mapping: bytes ever written (its pages are resident)
  bool mapped_ = false;
};

void FileBytes::Release() {
  if (!mapped_) {
    std::free(data_);
    return;
  }
  const size_t written = std::max(touched_, size_);
  const size_t touched = std::min(capacity_, (written + kPageBytes - 1) / kPageBytes * kPageBytes);
  MappingPool::Instance().Put({.data = data_, .capacity = capacity_, .touched = touched});
}

// A file or a directory; shared_ptr so that open Files keep an unlinked file
// alive and so that a directory's synced entries can still point at nodes it
// no longer lists.
struct Node {
  explicit Node(bool dir) : is_dir(dir) {}

  bool is_dir;
  // A file's current bytes, and its bytes as of the last Sync().
  FileBytes data;
  FileBytes synced;
  // data and synced agree below this offset, so Sync copies only the rest
  // (an append-only log syncs what was appended, not the whole file).
  size_t synced_prefix = 0;
  // A directory's current entries, and its entries as of the last SyncDir().
  std::map<std::string, std::shared_ptr<Node>> entries;
  std::map<std::string, std::shared_ptr<Node>> synced_entries;
};

using NodePtr = std::shared_ptr<Node>;

// Splits a '/'-separated path into its names, ignoring empty and "." ones;
// "" is the root. ".." is refused: every path stays under the root.
Result<std::vector<std::string>> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    std::string name = path.substr(begin, end - begin);
    if (name == "..") return ErrnoStatus(EINVAL, path);
    if (!name.empty() && name != ".") parts.push_back(std::move(name));
    begin = end + 1;
  }
  return parts;
}

void XorByte(char& byte, uint8_t mask) {
  byte = static_cast<char>(static_cast<uint8_t>(byte) ^ mask);
}

}  // namespace

class MemTree {
 public:
  explicit MemTree(bool track)
      : track_durability(track), root_(std::make_shared<Node>(/*dir=*/true)) {}

  // MemFileSystem::Options::track_durability.
  const bool track_durability;

  // Held for every operation on the tree or on a file's node.
  std::mutex mu;

  // Bumped by every crash; a File opened in an older epoch is dead.
  uint64_t epoch() const { return epoch_; }

  // The injected failure for `op`, if one is pending; consumes it.
  std::error_code TakeFault(MemFileSystem::Op op) {
    Fault& fault = faults_[static_cast<size_t>(op)];
    if (fault.remaining <= 0) return {};
    --fault.remaining;
    return fault.ec;
  }

  void SetFault(MemFileSystem::Op op, std::error_code ec, int count) {
    faults_[static_cast<size_t>(op)] = Fault{ec, count};
  }

  // The node at `parts` (the first `count` of them), or ENOENT / ENOTDIR.
  Result<NodePtr> Find(const std::vector<std::string>& parts, size_t count,
                       const std::string& path) const {
    NodePtr node = root_;
    for (size_t i = 0; i < count; ++i) {
      if (!node->is_dir) return ErrnoStatus(ENOTDIR, path);
      auto it = node->entries.find(parts[i]);
      if (it == node->entries.end()) return ErrnoStatus(ENOENT, path);
      node = it->second;
    }
    return node;
  }
  Result<NodePtr> Find(const std::vector<std::string>& parts, const std::string& path) const {
    return Find(parts, parts.size(), path);
  }

  // The directory holding the last name of `parts`. REQUIRES: !parts.empty().
  Result<NodePtr> FindParent(const std::vector<std::string>& parts, const std::string& path) const {
    Result<NodePtr> parent = Find(parts, parts.size() - 1, path);
    if (!parent.ok()) return parent;
    if (!(*parent)->is_dir) return ErrnoStatus(ENOTDIR, path);
    return parent;
  }

  // The regular file at `path`, for the fault injectors.
  Result<NodePtr> FindFile(const std::string& path) const {
    Result<std::vector<std::string>> parts = SplitPath(path);
    if (!parts.ok()) return parts.status();
    Result<NodePtr> node = Find(*parts, path);
    if (node.ok() && (*node)->is_dir) return ErrnoStatus(EISDIR, path);
    return node;
  }

  const NodePtr& root() const { return root_; }

  // Replaces the tree with what SyncDir and Sync made durable.
  // Without durability tracking everything written survives.
  void Crash() {
    if (track_durability) {
      std::vector<const Node*> ancestors;
      root_ = RestoreDir(*root_, ancestors);
    }
    ++epoch_;
  }

 private:
  struct Fault {
    std::error_code ec;
    int remaining = 0;
  };

  // Rebuilds a directory from its synced entries. Nodes are copied, so a file
  // reachable under two names (a rename made durable in only one of its
  // directories) becomes two independent files, as after fsck. `ancestors`
  // breaks the cycles that stale synced entries can form.
  static NodePtr RestoreDir(const Node& dir, std::vector<const Node*>& ancestors) {
    auto copy = std::make_shared<Node>(/*dir=*/true);
    ancestors.push_back(&dir);
    for (const auto& [name, child] : dir.synced_entries) {
      NodePtr restored;
      if (child->is_dir) {
        if (std::find(ancestors.begin(), ancestors.end(), child.get()) != ancestors.end()) continue;
        restored = RestoreDir(*child, ancestors);
      } else {
        restored = std::make_shared<Node>(/*dir=*/false);
        restored->data = child->synced;
        restored->synced = child->synced;
        restored->synced_prefix = child->synced.size();
      }
      copy->entries.emplace(name, restored);
      copy->synced_entries.emplace(name, std::move(restored));
    }
    ancestors.pop_back();
    return copy;
  }

  NodePtr root_;
  uint64_t epoch_ = 0;
  std::array<Fault, kOpCount> faults_{};
};

namespace {

using Op = MemFileSystem::Op;

// A handle on one file node. Every call locks the tree's mutex, so faults and
// crashes injected from another thread are seen at once.
class MemFile : public File {
 public:
  MemFile(std::shared_ptr<MemTree> tree, NodePtr node, std::string path)
      : tree_(std::move(tree)),
        node_(std::move(node)),
        path_(std::move(path)),
        epoch_(tree_->epoch()) {}

  Status Append(std::string_view data) override {
    std::lock_guard lock(tree_->mu);
    if (Status s = Check(Op::kAppend); !s.ok()) return s;
    node_->synced_prefix = std::min(node_->synced_prefix, node_->data.size());
    node_->data.append(data);
    return Status::Ok();
  }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    std::lock_guard lock(tree_->mu);
    out->clear();
    if (epoch_ != tree_->epoch()) return ErrnoStatus(EBADF, path_);
    if (offset < node_->data.size()) out->assign(node_->data.view().substr(offset, n));
    return Status::Ok();
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    std::lock_guard lock(tree_->mu);
    if (Status s = Check(Op::kWriteAt); !s.ok()) return s;
    FileBytes& bytes = node_->data;
    if (offset > bytes.size()) return ErrnoStatus(EINVAL, path_);
    node_->synced_prefix = std::min<size_t>(node_->synced_prefix, offset);
    bytes.write(offset, data);
    return Status::Ok();
  }

  uint64_t size() const override {
    std::lock_guard lock(tree_->mu);
    return node_->data.size();
  }

  Status Sync() override {
    std::lock_guard lock(tree_->mu);
    if (Status s = Check(Op::kSync); !s.ok()) return s;
    if (!tree_->track_durability) return Status::Ok();
    Node& node = *node_;
    const size_t keep = std::min({node.synced_prefix, node.synced.size(), node.data.size()});
    node.synced.resize(keep);
    node.synced.append(node.data.view().substr(keep));
    node.synced_prefix = node.data.size();
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    std::lock_guard lock(tree_->mu);
    if (Status s = Check(Op::kTruncate); !s.ok()) return s;
    node_->synced_prefix =
        std::min<size_t>(node_->synced_prefix, std::min(size, node_->data.size()));
    node_->data.resize(size);  // grows with zero bytes, like ftruncate
    return Status::Ok();
  }

 private:
  // EBADF after a crash, else the injected failure for `op` if any.
  // REQUIRES: tree_->mu held.
  Status Check(Op op) {
    if (epoch_ != tree_->epoch()) return ErrnoStatus(EBADF, path_);
    if (std::error_code ec = tree_->TakeFault(op)) return Status(ec, path_);
    return Status::Ok();
  }

  std::shared_ptr<MemTree> tree_;
  NodePtr node_;
  std::string path_;
  uint64_t epoch_;
};

}  // namespace

MemFileSystem::MemFileSystem() : MemFileSystem(Options{}) {}
MemFileSystem::MemFileSystem(Options options)
    : tree_(std::make_shared<MemTree>(options.track_durability)) {}

MemFileSystem::~MemFileSystem() = default;

Result<std::unique_ptr<File>> MemFileSystem::Open(const std::string& path, OpenMode mode) {
  std::lock_guard lock(tree_->mu);
  if (std::error_code ec = tree_->TakeFault(Op::kOpen)) return Status(ec, path);
  Result<std::vector<std::string>> parts = SplitPath(path);
  if (!parts.ok()) return parts.status();
  if (parts->empty()) return ErrnoStatus(EISDIR, path);
  Result<NodePtr> parent = tree_->FindParent(*parts, path);
  if (!parent.ok()) return parent.status();
  auto& entries = (*parent)->entries;
  auto it = entries.find(parts->back());
  NodePtr node;
  if (it != entries.end()) {
    if (it->second->is_dir) return ErrnoStatus(EISDIR, path);
    node = it->second;
  } else if (mode == OpenMode::kCreateOrAppend) {
    node = std::make_shared<Node>(/*dir=*/false);
    entries.emplace(parts->back(), node);
  } else {
    return ErrnoStatus(ENOENT, path);
  }
  return std::unique_ptr<File>(std::make_unique<MemFile>(tree_, std::move(node), path));
}

bool MemFileSystem::Exists(const std::string& path) const {
  std::lock_guard lock(tree_->mu);
  Result<std::vector<std::string>> parts = SplitPath(path);
  return parts.ok() && tree_->Find(*parts, path).ok();
}

Status MemFileSystem::CreateDirs(const std::string& path) {
  std::lock_guard lock(tree_->mu);
  if (std::error_code ec = tree_->TakeFault(Op::kCreateDirs)) return Status(ec, path);
  Result<std::vector<std::string>> parts = SplitPath(path);
  if (!parts.ok()) return parts.status();
  NodePtr node = tree_->root();
  for (const std::string& name : *parts) {
    auto [it, inserted] = node->entries.try_emplace(name);
    if (inserted) {
      it->second = std::make_shared<Node>(/*dir=*/true);
    } else if (!it->second->is_dir) {
      return ErrnoStatus(ENOTDIR, path);
    }
    node = it->second;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> MemFileSystem::List(const std::string& dir) const {
  std::lock_guard lock(tree_->mu);
  Result<std::vector<std::string>> parts = SplitPath(dir);
  if (!parts.ok()) return parts.status();
  Result<NodePtr> node = tree_->Find(*parts, dir);
  if (!node.ok()) return node.status();
  if (!(*node)->is_dir) return ErrnoStatus(ENOTDIR, dir);
  std::vector<std::string> names;
  names.reserve((*node)->entries.size());
  for (const auto& entry : (*node)->entries) names.push_back(entry.first);  // map: sorted
  return names;
}

Status MemFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(tree_->mu);
  if (std::error_code ec = tree_->TakeFault(Op::kRemove)) return Status(ec, path);
  Result<std::vector<std::string>> parts = SplitPath(path);
  if (!parts.ok()) return parts.status();
  if (parts->empty()) return ErrnoStatus(EBUSY, path);  // the root stays
  Result<NodePtr> parent = tree_->FindParent(*parts, path);
  if (!parent.ok()) return parent.status();
  if ((*parent)->entries.erase(parts->back()) == 0) return ErrnoStatus(ENOENT, path);
  return Status::Ok();
}

Status MemFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(tree_->mu);
  const std::string context = from + " -> " + to;
  if (std::error_code ec = tree_->TakeFault(Op::kRename)) return Status(ec, context);
  Result<std::vector<std::string>> from_parts = SplitPath(from);
  if (!from_parts.ok()) return from_parts.status();
  Result<std::vector<std::string>> to_parts = SplitPath(to);
  if (!to_parts.ok()) return to_parts.status();
  if (from_parts->empty() || to_parts->empty()) return ErrnoStatus(EBUSY, context);

  Result<NodePtr> from_parent = tree_->FindParent(*from_parts, context);
  if (!from_parent.ok()) return from_parent.status();
  auto from_it = (*from_parent)->entries.find(from_parts->back());
  if (from_it == (*from_parent)->entries.end()) return ErrnoStatus(ENOENT, context);
  NodePtr node = from_it->second;
  Result<NodePtr> to_parent = tree_->FindParent(*to_parts, context);
  if (!to_parent.ok()) return to_parent.status();

  auto to_it = (*to_parent)->entries.find(to_parts->back());
  if (to_it != (*to_parent)->entries.end()) {
    const NodePtr& existing = to_it->second;
    if (existing == node) return Status::Ok();  // same file: rename(2) does nothing
    if (node->is_dir && !existing->is_dir) return ErrnoStatus(ENOTDIR, context);
    if (!node->is_dir && existing->is_dir) return ErrnoStatus(EISDIR, context);
    if (existing->is_dir && !existing->entries.empty()) return ErrnoStatus(ENOTEMPTY, context);
  }
  // A directory cannot move inside itself.
  if (node->is_dir && to_parts->size() > from_parts->size() &&
      std::equal(from_parts->begin(), from_parts->end(), to_parts->begin())) {
    return ErrnoStatus(EINVAL, context);
  }
  (*from_parent)->entries.erase(from_it);
  (*to_parent)->entries[to_parts->back()] = std::move(node);
  return Status::Ok();
}

Status MemFileSystem::SyncDir(const std::string& dir) {
  std::lock_guard lock(tree_->mu);
  if (std::error_code ec = tree_->TakeFault(Op::kSyncDir)) return Status(ec, dir);
  Result<std::vector<std::string>> parts = SplitPath(dir);
  if (!parts.ok()) return parts.status();
  Result<NodePtr> node = tree_->Find(*parts, dir);
  if (!node.ok()) return node.status();
  if (!(*node)->is_dir) return ErrnoStatus(ENOTDIR, dir);
  if (tree_->track_durability) (*node)->synced_entries = (*node)->entries;
  return Status::Ok();
}

void MemFileSystem::SimulateCrash() {
  std::lock_guard lock(tree_->mu);
  tree_->Crash();
}

Status MemFileSystem::DropTail(const std::string& path, uint64_t bytes) {
  std::lock_guard lock(tree_->mu);
  Result<NodePtr> node = tree_->FindFile(path);
  if (!node.ok()) return node.status();
  Node& file = **node;
  if (bytes > file.data.size()) return ErrnoStatus(EINVAL, path);
  file.data.resize(file.data.size() - bytes);
  // The bytes are gone from the disk too.
  if (file.synced.size() > file.data.size()) file.synced.resize(file.data.size());
  return Status::Ok();
}

Status MemFileSystem::FlipBit(const std::string& path, uint64_t byte_offset, int bit) {
  std::lock_guard lock(tree_->mu);
  Result<NodePtr> node = tree_->FindFile(path);
  if (!node.ok()) return node.status();
  Node& file = **node;
  if (byte_offset >= file.data.size() || bit < 0 || bit > 7) return ErrnoStatus(EINVAL, path);
  const auto mask = static_cast<uint8_t>(1u << bit);
  XorByte(file.data[byte_offset], mask);
  if (byte_offset < file.synced.size()) XorByte(file.synced[byte_offset], mask);
  return Status::Ok();
}

Status MemFileSystem::CorruptRange(const std::string& path, uint64_t offset, uint64_t n,
                                   uint64_t seed) {
  std::lock_guard lock(tree_->mu);
  Result<NodePtr> node = tree_->FindFile(path);
  if (!node.ok()) return node.status();
  Node& file = **node;
  if (offset > file.data.size() || n > file.data.size() - offset) {
    return ErrnoStatus(EINVAL, path);
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> nonzero(1, 255);
  for (uint64_t i = offset; i < offset + n; ++i) {
    // XOR with a non-zero byte: random, and never the byte that was there.
    const auto mask = static_cast<uint8_t>(nonzero(rng));
    XorByte(file.data[i], mask);
    if (i < file.synced.size()) XorByte(file.synced[i], mask);
  }
  return Status::Ok();
}

void MemFileSystem::FailNext(Op op, std::error_code ec, int count) {
  std::lock_guard lock(tree_->mu);
  tree_->SetFault(op, ec, count);
}

uint64_t MemFileSystem::synced_size(const std::string& path) const {
  std::lock_guard lock(tree_->mu);
  Result<NodePtr> node = tree_->FindFile(path);
  return node.ok() ? (*node)->synced.size() : 0;
}

}  // namespace brook::storage
