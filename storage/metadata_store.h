// storage/metadata_store.h
//
// The broker's catalog, kept in RocksDB: topics, per-partition checkpoints,
// cluster facts (cluster id, producer id blocks) and small facts other parts
// of the broker keep through the generic Put/Get/Delete.
//
// Keys: a one-letter namespace, '/', then the name.
//   t/<topic>               TopicRecord
//   c/<topic>/<partition>   PartitionCheckpoint; the partition as 10 zero-padded
//                           decimal digits, so a topic's checkpoints sort by partition
//   m/<fact>                cluster facts:
//     m/cluster_id          the cluster id as text (base64 Uuid, 22 characters)
//     m/next_producer_id    NextProducerId: first id of the next producer id block
// Topic names must not contain '/' (Kafka's never do), so "c/<topic>/" holds
// exactly that topic's checkpoints.
//
// Values of t/, c/ and m/next_producer_id: an int16 record version
// (big-endian), then the record's fields at that version in the flexible
// (KIP-482) encoding of protocol/wire/serde.h: compact strings and arrays, and
// a tagged-field section closing every struct, where later fields go without
// a version bump.
//   TopicRecord v0:          name: string, topic_id: uuid, partitions: int32,
//                            configs: [key: string, value: string, tags], created_ms: int64, tags
//   PartitionCheckpoint v0:  topic: string, partition: int32, log_start_offset: int64,
//                            recovery_point: int64, high_watermark: int64, tags
//   NextProducerId v0:       next_producer_id: int64, tags
// A value that does not decode, names another key than its own, or carries a
// newer version fails its read with Errc::kCorruptMetadata.
//
// Durability: topic creation and deletion, producer id blocks, the cluster id
// and generic facts are written with WriteOptions.sync (RocksDB's log is
// fsynced before the call returns). Checkpoints are not: they are hints, since
// log recovery scans from the recovery point anyway, so one lost to a power cut
// only costs a longer scan. They still reach the write-ahead log before the
// call returns and survive a crash of the process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/base/uuid.h"
#include "protocol/wire/serde.h"

namespace brook::storage {

// One topic config override, as stored in TopicRecord::configs.
struct TopicConfigEntry {
  std::string key;
  std::string value;

  template <typename Io>
  void Serde(Io& io) {
    io.String(key);
    io.String(value);
    io.TaggedFields();
  }
};

struct TopicRecord {
  static constexpr VersionRange kVersions{0, 0};  // max is the version written
  static constexpr int16_t kFirstFlexibleVersion = 0;

  std::string name;
  Uuid topic_id;
  int32_t partitions = 0;
  std::map<std::string, std::string> configs;  // overrides of the broker defaults only
  int64_t created_ms = 0;

  // configs travel as an array of TopicConfigEntry sorted by key; if a stored
  // array repeats a key, the last value wins.
  template <typename Io>
  void Serde(Io& io) {
    io.String(name);
    io.Uuid(topic_id);
    io.Int32(partitions);
    std::vector<TopicConfigEntry> entries;
    if constexpr (!Io::kDecoding) {
      entries.reserve(configs.size());
      for (const auto& [key, value] : configs) entries.push_back({key, value});
    }
    io.Array(entries);
    if constexpr (Io::kDecoding) {
      configs.clear();
      for (TopicConfigEntry& entry : entries) {
        configs[std::move(entry.key)] = std::move(entry.value);
      }
    }
    io.Int64(created_ms);
    io.TaggedFields();
  }

  bool operator==(const TopicRecord&) const = default;
};

// Where a partition's log stood when last checkpointed. Version 1 adds the
// cleaner's position (Kafka keeps it in cleaner-offset-checkpoint).
struct PartitionCheckpoint {
  static constexpr VersionRange kVersions{0, 1};  // max is the version written
  static constexpr int16_t kFirstFlexibleVersion = 0;

  std::string topic;
  int32_t partition = 0;
  int64_t log_start_offset = 0;
  int64_t recovery_point = 0;  // every offset below it was flushed to disk
  int64_t high_watermark = 0;
  // v1+. Compacted topics: every offset below it was cleaned; -1 unknown.
  int64_t first_dirty_offset = -1;
  // v1+. When the cleaner must run again to drop tombstones and markers that
  // have passed delete.retention.ms; -1 none.
  int64_t next_delete_horizon_ms = -1;

  template <typename Io>
  void Serde(Io& io) {
    io.String(topic);
    io.Int32(partition);
    io.Int64(log_start_offset);
    io.Int64(recovery_point);
    io.Int64(high_watermark);
    if (io.version() >= 1) {
      io.Int64(first_dirty_offset);
      io.Int64(next_delete_horizon_ms);
    }
    io.TaggedFields();
  }

  bool operator==(const PartitionCheckpoint&) const = default;
};

BROOK_SERDE_EXTERN(TopicRecord);
BROOK_SERDE_EXTERN(PartitionCheckpoint);

// Thread-safe: RocksDB is, and one internal mutex makes each read-modify-write
// (PutTopic/DeleteTopic, GetOrCreateClusterId, AllocateProducerIdBlock) atomic
// with respect to the others. Owns the database and closes it on destruction.
// Writes block on the disk (synced ones on fsync): callers on io threads hand
// them to the blocking pool.
class MetadataStore {
 public:
  // Opens the database in directory `path`, creating it if missing.
  static Result<std::unique_ptr<MetadataStore>> Open(const std::string& path);
  // A database in RocksDB's in-memory Env, gone when the store is destroyed;
  // otherwise the same code as Open. For embedded test brokers.
  static Result<std::unique_ptr<MetadataStore>> OpenInMemory();

  ~MetadataStore();
  MetadataStore(const MetadataStore&) = delete;
  MetadataStore& operator=(const MetadataStore&) = delete;

  // --- Topics ---

  // Creates or replaces the topic's record. Synced.
  // kInvalidArgument if the name is empty or contains '/'.
  Status PutTopic(const TopicRecord& topic);
  // Removes the topic's record and all its checkpoints in one synced batch;
  // kNotFound if there is no such topic. A checkpoint written for the topic
  // after this returns would survive it: stop the topic's logs first.
  Status DeleteTopic(std::string_view name);
  // kNotFound if there is no such topic.
  Result<TopicRecord> GetTopic(std::string_view name) const;
  // Every topic, ordered by name.
  Result<std::vector<TopicRecord>> ListTopics() const;

  // --- Checkpoints ---

  // Writes all of them or none, in one batch, not synced (see the file comment).
  // kInvalidArgument (and nothing written) if a topic name is invalid or a
  // partition is negative.
  Status PutCheckpoints(std::span<const PartitionCheckpoint> checkpoints);
  // kNotFound if none was written for that partition.
  Result<PartitionCheckpoint> GetCheckpoint(std::string_view topic, int32_t partition) const;
  // The topic's checkpoints ordered by partition; empty if there are none.
  Result<std::vector<PartitionCheckpoint>> ListCheckpoints(std::string_view topic) const;

  // --- Cluster facts ---

  // The cluster id, created (a random Uuid in Kafka's base64 form) and synced
  // on the first call; the same on every later call and after reopening.
  Result<std::string> GetOrCreateClusterId();
  // Reserves `block_size` producer ids and returns the first. The next free
  // id is synced before returning, so no id is handed out twice, even across
  // a crash; ids of a block not used up before a restart are skipped.
  // kInvalidArgument if block_size < 1; std::errc::value_too_large once the
  // int64 id space is used up.
  Result<int64_t> AllocateProducerIdBlock(int32_t block_size);

  // --- Generic facts ---
  //
  // Raw keys and values, not checked against the layout above: callers keep
  // their facts under m/<fact> and leave t/, c/ and the m/ keys listed above
  // to the methods that own them.

  // Synced. kInvalidArgument for an empty key.
  Status Put(std::string_view key, std::string_view value);
  // kNotFound if the key is absent.
  Result<std::string> Get(std::string_view key) const;
  // Synced; OK if the key is absent.
  Status Delete(std::string_view key);

 private:
  struct Impl;  // the RocksDB handles; defined in metadata_store.cc
  explicit MetadataStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace brook::storage
