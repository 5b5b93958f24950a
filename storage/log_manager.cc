// storage/log_manager.cc
#include "storage/log_manager.h"

#include <algorithm>

#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/file_system.h"
#include "storage/metadata_store.h"
#include "storage/topic_config.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

}  // namespace

std::string LogManager::PartitionDir(std::string_view topic, int32_t partition) {
  return std::string(topic) + "-" + std::to_string(partition);
}

Result<std::unique_ptr<LogManager>> LogManager::Open(Options options) {
  if (options.fs == nullptr || options.catalog == nullptr || !options.now) {
    return Status(Errc::kInvalidArgument, "log manager needs a file system, catalog and clock");
  }
  std::unique_ptr<LogManager> manager(new LogManager(std::move(options)));
  Result<std::vector<TopicRecord>> records = manager->catalog_.ListTopics();
  if (!records.ok()) return records.status();
  std::lock_guard lock(manager->mu_);
  for (const TopicRecord& record : *records) {
    Result<LogConfig> config = ApplyTopicConfigs(manager->defaults_, record.configs);
    if (!config.ok()) {
      return Status(config.status().code(), record.name + ": " + config.status().context());
    }
    TopicEntry entry{.info = TopicInfo{.name = record.name,
                                       .topic_id = record.topic_id,
                                       .partitions = record.partitions,
                                       .overrides = record.configs,
                                       .config = *config}};
    Result<std::vector<PartitionCheckpoint>> checkpoints =
        manager->catalog_.ListCheckpoints(record.name);
    if (!checkpoints.ok()) return checkpoints.status();
    for (int32_t p = 0; p < record.partitions; ++p) {
      LogStart start;
      for (const PartitionCheckpoint& c : *checkpoints) {
        if (c.partition == p) {
          start = LogStart{.log_start_offset = c.log_start_offset,
                           .recovery_point = c.recovery_point,
                           .first_dirty_offset = c.first_dirty_offset};
          if (c.next_delete_horizon_ms >= 0) {
            start.next_delete_horizon_ms = c.next_delete_horizon_ms;
          }
        }
      }
      Result<std::shared_ptr<PartitionLog>> log = manager->OpenPartition(entry.info, p, start);
      if (!log.ok()) return log.status();
      entry.partitions.push_back(std::move(log).value());
    }
    manager->topics_.emplace(record.name, std::move(entry));
  }
  kLog.Info("loaded ", manager->topics_.size(), " topics");
  return manager;
}

LogManager::~LogManager() {
  Status s = Close();
  if (!s.ok()) kLog.Error("closing the logs: ", s.ToString());
}

Result<std::shared_ptr<PartitionLog>> LogManager::OpenPartition(const TopicInfo& topic,
                                                                int32_t partition, LogStart start) {
  Result<std::unique_ptr<PartitionLog>> log =
      PartitionLog::Open(fs_, PartitionDir(topic.name, partition), topic.config, start, now_);
  if (!log.ok()) return log.status();
  return std::shared_ptr<PartitionLog>(std::move(log).value());
}

Result<TopicInfo> LogManager::CreateTopic(std::string_view name, int32_t partitions,
                                          const std::map<std::string, std::string>& configs,
                                          ValidateOnly validate_only) {
  if (Status s = ValidateTopicName(name); !s.ok()) return s;
  if (partitions < 1) {
    return Status(Errc::kInvalidArgument, "number of partitions must be larger than 0");
  }
  Result<LogConfig> config = ApplyTopicConfigs(defaults_, configs);
  if (!config.ok()) return config.status();
  std::lock_guard lock(mu_);
  if (closed_) return Status(Errc::kInvalidArgument, "log manager is closed");
  if (topics_.contains(name)) {
    return Status(Errc::kDuplicateTopic, "topic '" + std::string(name) + "' already exists");
  }
  TopicInfo info{.name = std::string(name),
                 .topic_id = Uuid::Random(),
                 .partitions = partitions,
                 .overrides = configs,
                 .config = *config};
  if (validate_only == ValidateOnly::kYes) return info;
  // The catalog first: a crash after it leaves a topic whose partition
  // directories are created empty at the next start.
  Status put = catalog_.PutTopic(TopicRecord{.name = info.name,
                                             .topic_id = info.topic_id,
                                             .partitions = partitions,
                                             .configs = configs,
                                             .created_ms = now_()});
  if (!put.ok()) return put;
  TopicEntry entry{.info = info};
  for (int32_t p = 0; p < partitions; ++p) {
    Result<std::shared_ptr<PartitionLog>> log = OpenPartition(info, p, LogStart{});
    if (!log.ok()) return log.status();
    entry.partitions.push_back(std::move(log).value());
  }
  topics_.emplace(info.name, std::move(entry));
  kLog.Info("created topic ", info.name, " with ", partitions, " partitions, id ",
            info.topic_id.ToBase64());
  return info;
}

Status LogManager::DeleteTopic(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status(Errc::kNotFound, "topic '" + std::string(name) + "' does not exist");
  }
  if (Status s = catalog_.DeleteTopic(name); !s.ok()) return s;
  Status result;
  for (const std::shared_ptr<PartitionLog>& log : it->second.partitions) {
    Status s = log->Remove();
    if (result.ok()) result = s;
  }
  topics_.erase(it);
  kLog.Info("deleted topic ", name);
  return result;
}

Status LogManager::CreatePartitions(std::string_view name, int32_t total,
                                    ValidateOnly validate_only) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status(Errc::kNotFound, "topic '" + std::string(name) + "' does not exist");
  }
  TopicEntry& entry = it->second;
  if (total <= entry.info.partitions) {
    return Status(Errc::kInvalidArgument,
                  "topic currently has " + std::to_string(entry.info.partitions) + " partitions, " +
                      std::to_string(total) + " would not be an increase");
  }
  if (validate_only == ValidateOnly::kYes) return Status::Ok();
  TopicRecord record{.name = entry.info.name,
                     .topic_id = entry.info.topic_id,
                     .partitions = total,
                     .configs = entry.info.overrides,
                     .created_ms = now_()};
  if (Status s = catalog_.PutTopic(record); !s.ok()) return s;
  for (int32_t p = entry.info.partitions; p < total; ++p) {
    Result<std::shared_ptr<PartitionLog>> log = OpenPartition(entry.info, p, LogStart{});
    if (!log.ok()) return log.status();
    entry.partitions.push_back(std::move(log).value());
  }
  entry.info.partitions = total;
  return Status::Ok();
}

Status LogManager::SetTopicConfigs(std::string_view name,
                                   const std::map<std::string, std::string>& configs,
                                   ValidateOnly validate_only) {
  Result<LogConfig> config = ApplyTopicConfigs(defaults_, configs);
  if (!config.ok()) return config.status();
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status(Errc::kNotFound, "topic '" + std::string(name) + "' does not exist");
  }
  if (validate_only == ValidateOnly::kYes) return Status::Ok();
  TopicEntry& entry = it->second;
  TopicRecord record{.name = entry.info.name,
                     .topic_id = entry.info.topic_id,
                     .partitions = entry.info.partitions,
                     .configs = configs,
                     .created_ms = now_()};
  if (Status s = catalog_.PutTopic(record); !s.ok()) return s;
  entry.info.overrides = configs;
  entry.info.config = *config;
  for (const std::shared_ptr<PartitionLog>& log : entry.partitions) log->set_config(*config);
  return Status::Ok();
}

std::optional<TopicInfo> LogManager::Topic(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return it->second.info;
}

std::optional<TopicInfo> LogManager::TopicById(const Uuid& id) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, entry] : topics_) {
    if (entry.info.topic_id == id) return entry.info;
  }
  return std::nullopt;
}

std::vector<TopicInfo> LogManager::Topics() const {
  std::lock_guard lock(mu_);
  std::vector<TopicInfo> out;
  for (const auto& [name, entry] : topics_) out.push_back(entry.info);
  return out;
}

std::shared_ptr<PartitionLog> LogManager::Partition(std::string_view topic,
                                                    int32_t partition) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 ||
      partition >= static_cast<int32_t>(it->second.partitions.size())) {
    return nullptr;
  }
  return it->second.partitions[static_cast<size_t>(partition)];
}

Status LogManager::Checkpoint() {
  std::vector<PartitionCheckpoint> checkpoints;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, entry] : topics_) {
      for (size_t p = 0; p < entry.partitions.size(); ++p) {
        const PartitionLog& log = *entry.partitions[p];
        checkpoints.push_back(PartitionCheckpoint{
            .topic = name,
            .partition = static_cast<int32_t>(p),
            .log_start_offset = log.log_start_offset(),
            .recovery_point = log.recovery_point(),
            .high_watermark = log.high_watermark(),
            .first_dirty_offset = log.first_dirty_offset(),
            .next_delete_horizon_ms = log.next_delete_horizon_ms().value_or(-1)});
      }
    }
  }
  return catalog_.PutCheckpoints(checkpoints);
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::AllLogsLocked() const {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  for (const auto& [name, entry] : topics_) {
    logs.insert(logs.end(), entry.partitions.begin(), entry.partitions.end());
  }
  return logs;
}

Status LogManager::RunMaintenance() {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  {
    std::lock_guard lock(mu_);
    logs = AllLogsLocked();
  }
  Status first;
  for (const std::shared_ptr<PartitionLog>& log : logs) {
    if (log->config().cleanup_policy != CleanupPolicy::kDelete) {
      Result<CleanStats> cleaned = log->Compact();
      if (first.ok() && !cleaned.ok()) first = cleaned.status();
    }
    Result<int> retention = log->ApplyRetention();
    log->ExpireProducers();
    if (first.ok() && !retention.ok()) first = retention.status();
  }
  Status checkpoint = Checkpoint();
  return first.ok() ? checkpoint : first;
}

Status LogManager::FlushDue() {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  {
    std::lock_guard lock(mu_);
    logs = AllLogsLocked();
  }
  Status first;
  for (const std::shared_ptr<PartitionLog>& log : logs) {
    Status rolled = log->FlushRolled();
    Status due = log->FlushIfDue();
    if (first.ok() && !rolled.ok()) first = rolled;
    if (first.ok() && !due.ok()) first = due;
  }
  return first;
}

Status LogManager::Close() {
  std::vector<std::shared_ptr<PartitionLog>> logs;
  {
    std::lock_guard lock(mu_);
    if (closed_) return Status::Ok();
    logs = AllLogsLocked();
  }
  Status first;
  for (const std::shared_ptr<PartitionLog>& log : logs) {
    Status s = log->Close();
    if (first.ok() && !s.ok()) first = s;
  }
  Status checkpoint = Checkpoint();
  std::lock_guard lock(mu_);
  closed_ = true;
  return first.ok() ? checkpoint : first;
}

}  // namespace brook::storage
