// storage/log_manager.h
//
// All partition logs of a broker and the catalog that names them. Topics live
// in the MetadataStore (name, id, partition count, config overrides); each
// partition is the directory `<topic>-<partition>` under the file system's
// root (log.dirs), opened at start with the recovery point of its last
// checkpoint, so only what was written after it is scanned.
//
// The memory backend is the same code on a MemFileSystem and an in-memory
// MetadataStore.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/base/uuid.h"
#include "storage/log_config.h"
#include "storage/partition_log.h"

namespace brook::storage {

class FileSystem;
class MetadataStore;

struct TopicInfo {
  std::string name;
  Uuid topic_id;
  int32_t partitions = 0;
  std::map<std::string, std::string> overrides;  // topic configs set by the user
  LogConfig config;                              // defaults + overrides

  bool operator==(const TopicInfo&) const = default;
};

enum class ValidateOnly { kNo, kYes };

// Thread-safe: topics_ is guarded by mu_; partition logs guard themselves.
class LogManager {
 public:
  struct Options {
    FileSystem* fs = nullptr;          // must outlive the manager
    MetadataStore* catalog = nullptr;  // must outlive the manager
    LogConfig defaults;                // the broker's log.* settings
    PartitionLog::NowMs now;
  };

  // Opens every topic of the catalog and recovers its partitions.
  static Result<std::unique_ptr<LogManager>> Open(Options options);
  ~LogManager();

  // Errors: kInvalidArgument (name: INVALID_TOPIC_EXCEPTION; partitions < 1:
  // INVALID_PARTITIONS; a config: INVALID_CONFIG; the message says which),
  // kDuplicateTopic (TOPIC_ALREADY_EXISTS).
  Result<TopicInfo> CreateTopic(std::string_view name, int32_t partitions,
                                const std::map<std::string, std::string>& configs,
                                ValidateOnly validate_only = ValidateOnly::kNo);
  // Errors: kNotFound (UNKNOWN_TOPIC_OR_PARTITION).
  Status DeleteTopic(std::string_view name);
  // Grows the topic to `total` partitions. Errors: kNotFound, kInvalidArgument
  // (not more than now: INVALID_PARTITIONS).
  Status CreatePartitions(std::string_view name, int32_t total,
                          ValidateOnly validate_only = ValidateOnly::kNo);
  // Replaces the topic's overrides. Errors: kNotFound, kInvalidArgument.
  Status SetTopicConfigs(std::string_view name, const std::map<std::string, std::string>& configs,
                         ValidateOnly validate_only = ValidateOnly::kNo);

  std::optional<TopicInfo> Topic(std::string_view name) const;
  std::optional<TopicInfo> TopicById(const Uuid& id) const;
  std::vector<TopicInfo> Topics() const;  // sorted by name
  // nullptr when the topic or partition does not exist. The log stays usable
  // while the caller holds it, even if the topic is deleted meanwhile.
  std::shared_ptr<PartitionLog> Partition(std::string_view topic, int32_t partition) const;

  // Writes every partition's log start offset, recovery point and high
  // watermark to the catalog (Kafka's offset checkpoint files).
  Status Checkpoint();
  // Compaction, retention and producer expiration for every partition; the
  // broker calls it every log.retention.check.interval.ms. Returns the first
  // error, after trying all.
  Status RunMaintenance();
  // Flushes that are due: segments rolled since the last flush (every
  // policy) and flush.ms intervals. The broker calls it every second.
  Status FlushDue();
  // Closes every log and writes a final checkpoint.
  Status Close();

  const LogConfig& defaults() const { return defaults_; }

 private:
  struct TopicEntry {
    TopicInfo info;
    std::vector<std::shared_ptr<PartitionLog>> partitions;
  };

  LogManager(Options options)
      : fs_(*options.fs),
        catalog_(*options.catalog),
        defaults_(options.defaults),
        now_(std::move(options.now)) {}

  // Every partition of every topic, for work done on each outside mu_.
  // REQUIRES: mu_ held.
  std::vector<std::shared_ptr<PartitionLog>> AllLogsLocked() const;
  Result<std::shared_ptr<PartitionLog>> OpenPartition(const TopicInfo& topic, int32_t partition,
                                                      LogStart start);
  static std::string PartitionDir(std::string_view topic, int32_t partition);

  FileSystem& fs_;
  MetadataStore& catalog_;
  const LogConfig defaults_;
  const PartitionLog::NowMs now_;
  mutable std::mutex mu_;
  std::map<std::string, TopicEntry, std::less<>> topics_;  // guarded by mu_
  bool closed_ = false;                                    // guarded by mu_
};

}  // namespace brook::storage
