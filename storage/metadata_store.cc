// storage/metadata_store.cc
#include "storage/metadata_store.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>
#include <rocksdb/write_batch.h>

#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

#include "protocol/base/logging.h"
#include "storage/errors.h"

namespace brook::storage {

BROOK_SERDE_DEFINE(TopicRecord);
BROOK_SERDE_DEFINE(PartitionCheckpoint);

namespace {

const Logger kLog("storage");

constexpr std::string_view kTopicPrefix = "t/";
constexpr std::string_view kCheckpointPrefix = "c/";
constexpr std::string_view kClusterIdKey = "m/cluster_id";
constexpr std::string_view kNextProducerIdKey = "m/next_producer_id";
constexpr size_t kPartitionDigits = 10;  // enough for any int32

// Value of m/next_producer_id.
struct NextProducerId {
  static constexpr VersionRange kVersions{0, 0};
  static constexpr int16_t kFirstFlexibleVersion = 0;

  int64_t next_producer_id = 0;

  template <typename Io>
  void Serde(Io& io) {
    io.Int64(next_producer_id);
    io.TaggedFields();
  }
};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string TopicKey(std::string_view name) { return std::string(kTopicPrefix).append(name); }

std::string CheckpointPrefix(std::string_view topic) {
  return std::string(kCheckpointPrefix).append(topic).append("/");
}

// REQUIRES: partition >= 0.
std::string CheckpointKey(std::string_view topic, int32_t partition) {
  std::string digits = std::to_string(partition);
  return CheckpointPrefix(topic) + std::string(kPartitionDigits - digits.size(), '0') + digits;
}

// The partition of a checkpoint key's suffix, or nullopt if it is not 10 digits.
std::optional<int32_t> ParsePartition(std::string_view digits) {
  if (digits.size() != kPartitionDigits) return std::nullopt;
  int64_t partition = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    partition = partition * 10 + (c - '0');
  }
  if (partition > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return static_cast<int32_t>(partition);
}

// Names that would break the key layout; the broker checks Kafka's own rules.
Status CheckTopicName(std::string_view name) {
  if (name.empty()) return Status(Errc::kInvalidArgument, "empty topic name");
  if (name.find('/') != std::string_view::npos) {
    return Status(Errc::kInvalidArgument, "topic name " + Quoted(name) + " contains '/'");
  }
  return Status::Ok();
}

Status CheckPartition(std::string_view topic, int32_t partition) {
  if (partition >= 0) return Status::Ok();
  return Status(Errc::kInvalidArgument,
                "negative partition " + std::to_string(partition) + " of topic " + Quoted(topic));
}

Status FromRocksDb(const rocksdb::Status& s, const std::string& context) {
  std::error_code code;
  if (s.IsNotFound()) {
    code = Errc::kNotFound;
  } else if (s.IsCorruption()) {
    code = Errc::kCorruptMetadata;
  } else if (s.IsInvalidArgument() || s.IsNotSupported()) {
    code = Errc::kInvalidArgument;
  } else {
    code = std::make_error_code(std::errc::io_error);
  }
  return Status(code, context + ": " + s.ToString());
}

Status Corrupt(std::string_view key, const std::string& what) {
  return Status(Errc::kCorruptMetadata, "value of " + std::string(key) + ": " + what);
}

// int16 version, then the record at that version (see the header).
template <typename R>
std::string EncodeValue(const R& record) {
  constexpr int16_t kVersion = R::kVersions.max;
  std::string out;
  wire::Encoder(out, kVersion, /*flexible=*/true).Int16(kVersion);
  wire::EncodeTo(out, record, kVersion);
  return out;
}

template <typename R>
Result<R> DecodeValue(std::string_view key, std::string_view value) {
  int16_t version = 0;
  wire::Decoder header(value, /*version=*/0, /*flexible=*/true);
  header.Int16(version);
  if (!header.ok()) return Corrupt(key, "no record version");
  if (!R::kVersions.Contains(version)) {
    return Corrupt(key, "unsupported record version " + std::to_string(version));
  }
  Result<R> record = wire::Decode<R>(value.substr(sizeof(int16_t)), version);
  if (!record.ok()) {
    return Corrupt(key, "record v" + std::to_string(version) + " " + record.status().ToString());
  }
  return record;
}

Result<TopicRecord> DecodeTopic(std::string_view key, std::string_view name,
                                std::string_view value) {
  Result<TopicRecord> topic = DecodeValue<TopicRecord>(key, value);
  if (topic.ok() && topic->name != name) return Corrupt(key, "names topic " + Quoted(topic->name));
  return topic;
}

Result<PartitionCheckpoint> DecodeCheckpoint(std::string_view key, std::string_view topic,
                                             int32_t partition, std::string_view value) {
  Result<PartitionCheckpoint> checkpoint = DecodeValue<PartitionCheckpoint>(key, value);
  if (checkpoint.ok() && (checkpoint->topic != topic || checkpoint->partition != partition)) {
    return Corrupt(
        key, "names partition " + checkpoint->topic + "-" + std::to_string(checkpoint->partition));
  }
  return checkpoint;
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

struct MetadataStore::Impl {
  ~Impl() {
    if (db == nullptr) return;
    rocksdb::Status s = db->Close();
    if (!s.ok()) kLog.Warn("closing metadata store ", path, ": ", s.ToString());
    db.reset();  // before mem_env, which it may use
  }

  // `env` is null for the default (disk) Env.
  Status OpenDb(const std::string& db_path, std::unique_ptr<rocksdb::Env> env) {
    path = db_path;
    mem_env = std::move(env);
    rocksdb::Options options;
    options.OptimizeForSmallDb();  // a catalog: a few thousand small values
    options.create_if_missing = true;
    if (mem_env != nullptr) options.env = mem_env.get();
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
    if (!s.ok()) return FromRocksDb(s, "opening metadata store " + path);
    db.reset(raw);
    return Status::Ok();
  }

  // kNotFound (with the key as context) if absent.
  Result<std::string> Get(std::string_view key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
    if (s.IsNotFound()) return Status(Errc::kNotFound, std::string(key));
    if (!s.ok()) return FromRocksDb(s, "reading " + std::string(key));
    return value;
  }

  Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch,
               std::string_view what) {
    rocksdb::Status s = db->Write(options, &batch);
    if (!s.ok()) return FromRocksDb(s, "writing " + std::string(what));
    return Status::Ok();
  }

  // Calls fn(key, value) for every key starting with `prefix`, in key order,
  // until fn returns an error.
  template <typename Fn>
  Status Scan(std::string_view prefix, Fn&& fn) const {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
         it->Next()) {
      Status s = fn(it->key().ToStringView(), it->value().ToStringView());
      if (!s.ok()) return s;
    }
    if (!it->status().ok()) return FromRocksDb(it->status(), "scanning " + std::string(prefix));
    return Status::Ok();
  }

  std::string path;
  std::unique_ptr<rocksdb::Env> mem_env;  // OpenInMemory only; outlives db
  std::unique_ptr<rocksdb::DB> db;
  // Serializes the read-modify-write operations (see the class comment).
  std::mutex mu;
};

MetadataStore::MetadataStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetadataStore::~MetadataStore() = default;

Result<std::unique_ptr<MetadataStore>> MetadataStore::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  Status s = impl->OpenDb(path, /*env=*/nullptr);
  if (!s.ok()) return s;
  kLog.Info("opened metadata store ", path);
  return std::unique_ptr<MetadataStore>(new MetadataStore(std::move(impl)));
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::OpenInMemory() {
  auto impl = std::make_unique<Impl>();
  Status s =
      impl->OpenDb("/brook-metadata",
                   std::unique_ptr<rocksdb::Env>(rocksdb::NewMemEnv(rocksdb::Env::Default())));
  if (!s.ok()) return s;
  kLog.Info("opened in-memory metadata store");
  return std::unique_ptr<MetadataStore>(new MetadataStore(std::move(impl)));
}

// --- Topics ---

Status MetadataStore::PutTopic(const TopicRecord& topic) {
  if (Status s = CheckTopicName(topic.name); !s.ok()) return s;
  const std::string key = TopicKey(topic.name);
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(key), ToSlice(EncodeValue(topic)));
  std::lock_guard lock(impl_->mu);
  return impl_->Write(Synced(), batch, key);
}

Status MetadataStore::DeleteTopic(std::string_view name) {
  if (Status s = CheckTopicName(name); !s.ok()) return s;
  const std::string key = TopicKey(name);
  // Every checkpoint key of the topic sorts in [c/<name>/, c/<name>0): '0' follows '/'.
  const std::string checkpoints_begin = CheckpointPrefix(name);
  std::string checkpoints_end = checkpoints_begin;
  checkpoints_end.back() = '/' + 1;
  rocksdb::WriteBatch batch;
  batch.Delete(ToSlice(key));
  batch.DeleteRange(ToSlice(checkpoints_begin), ToSlice(checkpoints_end));

  std::lock_guard lock(impl_->mu);
  Result<std::string> existing = impl_->Get(key);
  if (!existing.ok()) {
    if (existing.status().code() == Errc::kNotFound) {
      return Status(Errc::kNotFound, "topic " + Quoted(name));
    }
    return existing.status();
  }
  return impl_->Write(Synced(), batch, key);
}

Result<TopicRecord> MetadataStore::GetTopic(std::string_view name) const {
  if (Status s = CheckTopicName(name); !s.ok()) return s;
  const std::string key = TopicKey(name);
  Result<std::string> value = impl_->Get(key);
  if (!value.ok()) {
    if (value.status().code() == Errc::kNotFound) {
      return Status(Errc::kNotFound, "topic " + Quoted(name));
    }
    return value.status();
  }
  return DecodeTopic(key, name, *value);
}

Result<std::vector<TopicRecord>> MetadataStore::ListTopics() const {
  std::vector<TopicRecord> topics;
  Status s = impl_->Scan(kTopicPrefix, [&](std::string_view key, std::string_view value) {
    Result<TopicRecord> topic = DecodeTopic(key, key.substr(kTopicPrefix.size()), value);
    if (!topic.ok()) return topic.status();
    topics.push_back(std::move(topic).value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return topics;
}

// --- Checkpoints ---

Status MetadataStore::PutCheckpoints(std::span<const PartitionCheckpoint> checkpoints) {
  if (checkpoints.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (const PartitionCheckpoint& checkpoint : checkpoints) {
    if (Status s = CheckTopicName(checkpoint.topic); !s.ok()) return s;
    if (Status s = CheckPartition(checkpoint.topic, checkpoint.partition); !s.ok()) return s;
    batch.Put(ToSlice(CheckpointKey(checkpoint.topic, checkpoint.partition)),
              ToSlice(EncodeValue(checkpoint)));
  }
  return impl_->Write(rocksdb::WriteOptions(), batch,
                      std::to_string(checkpoints.size()) + " checkpoints");
}

Result<PartitionCheckpoint> MetadataStore::GetCheckpoint(std::string_view topic,
                                                         int32_t partition) const {
  if (Status s = CheckTopicName(topic); !s.ok()) return s;
  if (Status s = CheckPartition(topic, partition); !s.ok()) return s;
  const std::string key = CheckpointKey(topic, partition);
  Result<std::string> value = impl_->Get(key);
  if (!value.ok()) {
    if (value.status().code() == Errc::kNotFound) {
      return Status(Errc::kNotFound,
                    "checkpoint of " + std::string(topic) + "-" + std::to_string(partition));
    }
    return value.status();
  }
  return DecodeCheckpoint(key, topic, partition, *value);
}

Result<std::vector<PartitionCheckpoint>> MetadataStore::ListCheckpoints(
    std::string_view topic) const {
  if (Status s = CheckTopicName(topic); !s.ok()) return s;
  const std::string prefix = CheckpointPrefix(topic);
  std::vector<PartitionCheckpoint> checkpoints;
  Status s = impl_->Scan(prefix, [&](std::string_view key, std::string_view value) {
    std::optional<int32_t> partition = ParsePartition(key.substr(prefix.size()));
    if (!partition) {
      return Status(Errc::kCorruptMetadata, "malformed checkpoint key " + std::string(key));
    }
    Result<PartitionCheckpoint> checkpoint = DecodeCheckpoint(key, topic, *partition, value);
    if (!checkpoint.ok()) return checkpoint.status();
    checkpoints.push_back(std::move(checkpoint).value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return checkpoints;
}

// --- Cluster facts ---

Result<std::string> MetadataStore::GetOrCreateClusterId() {
  std::lock_guard lock(impl_->mu);
  Result<std::string> existing = impl_->Get(kClusterIdKey);
  if (existing.ok()) {
    if (!Uuid::FromBase64(*existing)) {
      return Corrupt(kClusterIdKey, "not a base64 uuid: " + Quoted(*existing));
    }
    return existing;
  }
  if (existing.status().code() != Errc::kNotFound) return existing.status();

  std::string cluster_id = Uuid::Random().ToBase64();
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(kClusterIdKey), ToSlice(cluster_id));
  if (Status s = impl_->Write(Synced(), batch, kClusterIdKey); !s.ok()) return s;
  kLog.Info("created cluster id ", cluster_id);
  return cluster_id;
}

Result<int64_t> MetadataStore::AllocateProducerIdBlock(int32_t block_size) {
  if (block_size < 1) {
    return Status(Errc::kInvalidArgument, "producer id block size " + std::to_string(block_size));
  }
  std::lock_guard lock(impl_->mu);
  NextProducerId next;
  Result<std::string> existing = impl_->Get(kNextProducerIdKey);
  if (existing.ok()) {
    Result<NextProducerId> stored = DecodeValue<NextProducerId>(kNextProducerIdKey, *existing);
    if (!stored.ok()) return stored.status();
    if (stored->next_producer_id < 0) {
      return Corrupt(kNextProducerIdKey,
                     "negative producer id " + std::to_string(stored->next_producer_id));
    }
    next = *stored;
  } else if (existing.status().code() != Errc::kNotFound) {
    return existing.status();
  }

  const int64_t first = next.next_producer_id;
  if (first > std::numeric_limits<int64_t>::max() - block_size) {
    return Status(std::make_error_code(std::errc::value_too_large),
                  "producer ids exhausted at " + std::to_string(first));
  }
  next.next_producer_id = first + block_size;
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(kNextProducerIdKey), ToSlice(EncodeValue(next)));
  if (Status s = impl_->Write(Synced(), batch, kNextProducerIdKey); !s.ok()) return s;
  return first;
}

// --- Generic facts ---

Status MetadataStore::Put(std::string_view key, std::string_view value) {
  if (key.empty()) return Status(Errc::kInvalidArgument, "empty metadata key");
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(key), ToSlice(value));
  return impl_->Write(Synced(), batch, key);
}

Result<std::string> MetadataStore::Get(std::string_view key) const { return impl_->Get(key); }

Status MetadataStore::Delete(std::string_view key) {
  rocksdb::WriteBatch batch;
  batch.Delete(ToSlice(key));
  return impl_->Write(Synced(), batch, key);
}

}  // namespace brook::storage
