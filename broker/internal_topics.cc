// broker/internal_topics.cc
#include "broker/internal_topics.h"

#include <string>

#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("internal_topics");

}  // namespace

std::shared_ptr<storage::PartitionLog> InternalTopicPartition(storage::LogManager& logs,
                                                              std::string_view topic,
                                                              int32_t partitions,
                                                              int32_t partition) {
  std::shared_ptr<storage::PartitionLog> log = logs.Partition(topic, partition);
  if (log != nullptr) return log;
  Result<storage::TopicInfo> created =
      logs.CreateTopic(topic, partitions, {{"cleanup.policy", "compact"}});
  if (!created.ok() && created.status().code() != storage::Errc::kDuplicateTopic) {
    kLog.Error("creating ", topic, ": ", created.status().ToString());
    return nullptr;
  }
  return logs.Partition(topic, partition);
}

int32_t InternalTopicPartitions(const storage::LogManager& logs, std::string_view topic,
                                int32_t configured) {
  std::optional<storage::TopicInfo> info = logs.Topic(topic);
  return info ? info->partitions : configured;
}

Status ForEachInternalBatch(
    const storage::LogManager& logs, std::string_view topic, const std::atomic<bool>* stop,
    const std::function<Status(int32_t partition, const RecordBatchView& batch)>& fn) {
  auto stopped = [stop] { return stop != nullptr && stop->load(); };
  for (int32_t p = 0; !stopped(); ++p) {
    std::shared_ptr<storage::PartitionLog> log = logs.Partition(topic, p);
    if (log == nullptr) break;
    int64_t offset = log->log_start_offset();
    while (offset < log->high_watermark() && !stopped()) {
      Result<storage::ReadResult> read =
          log->Read(offset, 1 << 20, storage::IsolationLevel::kReadUncommitted);
      if (!read.ok()) return read.status();
      if (read->records.empty()) break;
      RecordBatchReader reader(read->records);
      const int64_t before = offset;
      for (;;) {
        Result<std::optional<RecordBatchView>> batch = reader.Next();
        if (!batch.ok()) return batch.status();
        if (!*batch) break;
        offset = (*batch)->header().next_offset();
        if (Status s = fn(p, **batch); !s.ok()) return s;
      }
      if (offset == before) break;
    }
  }
  return Status::Ok();
}

}  // namespace brook::broker
