// broker/internal_topics.cc
#include "broker/internal_topics.h"

#include <string>

#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/log_manager.h"

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

}  // namespace brook::broker
