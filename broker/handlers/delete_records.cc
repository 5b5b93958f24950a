// broker/handlers/delete_records.cc
//
// DeleteRecords v0-2, as Kafka 4.0's Partition.deleteRecordsOnLeader: moves
// the log start offset up to the requested offset (-1: the high watermark)
// and answers the new low watermark. A topic whose cleanup.policy lacks
// "delete" is POLICY_VIOLATION; an offset below -1 or above the high
// watermark OFFSET_OUT_OF_RANGE; an offset below the log start moves nothing.
// Failed partitions answer low watermark -1.
//
// Segment files are deleted on the io thread: the broker has no blocking
// pool yet.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("delete_records");

constexpr int64_t kHighWatermark = -1;
constexpr int64_t kInvalidLowWatermark = -1;

using PartitionResult = DeleteRecordsResponse::DeleteRecordsPartitionResult;

ErrorCode ToDeleteRecordsError(const Status& s) {
  if (s.code() == storage::Errc::kOffsetOutOfRange) return ErrorCode::kOffsetOutOfRange;
  return ErrorCode::kUnknownServerError;  // ours: the caller logs it
}

PartitionResult DeletePartition(RequestContext& ctx, const std::string& topic,
                                const DeleteRecordsRequest::DeleteRecordsPartition& wanted) {
  PartitionResult resp{.partition_index = wanted.partition_index,
                       .low_watermark = kInvalidLowWatermark};
  std::optional<storage::TopicInfo> info = ctx.broker().logs().Topic(topic);
  std::shared_ptr<storage::PartitionLog> log =
      ctx.broker().logs().Partition(topic, wanted.partition_index);
  if (!info || !log) {
    resp.error_code = ErrorCode::kUnknownTopicOrPartition;
    return resp;
  }
  if (info->config.cleanup_policy == storage::CleanupPolicy::kCompact) {
    resp.error_code = ErrorCode::kPolicyViolation;
    return resp;
  }
  const int64_t offset = wanted.offset == kHighWatermark ? log->high_watermark() : wanted.offset;
  if (offset < 0) {
    resp.error_code = ErrorCode::kOffsetOutOfRange;
    return resp;
  }
  if (Status s = log->DeleteRecordsBefore(offset); !s.ok()) {
    resp.error_code = ToDeleteRecordsError(s);
    if (resp.error_code == ErrorCode::kUnknownServerError) {
      kLog.Error("deleting records of ", topic, "-", wanted.partition_index, ": ", s.ToString());
    }
    return resp;
  }
  resp.low_watermark = log->log_start_offset();
  return resp;
}

}  // namespace

asio::awaitable<DeleteRecordsResponse> HandleDeleteRecords(RequestContext& ctx,
                                                           DeleteRecordsRequest req) {
  DeleteRecordsResponse resp;
  for (const auto& topic : req.topics) {
    auto& topic_resp = resp.topics.emplace_back();
    topic_resp.name = topic.name;
    for (const auto& partition : topic.partitions) {
      topic_resp.partitions.push_back(DeletePartition(ctx, topic.name, partition));
    }
  }
  co_return resp;
}

}  // namespace brook::broker
