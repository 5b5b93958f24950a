// broker/handlers/offset_for_leader_epoch.cc
//
// OffsetForLeaderEpoch v2-4 (consumers validating their position after a
// leader change, KIP-320), as Kafka 4.0's Partition.lastOffsetForLeaderEpoch
// and LeaderEpochFileCache.endOffsetFor answer on the leader. Every batch is
// written under epoch 0, so the epoch cache holds one entry, (0, start),
// once anything was appended (start is the log start offset after deletions):
//   requested -1:               UNDEFINED (epoch -1, offset -1)
//   requested 0:                epoch 0, the log end offset
//   requested above 0:          UNDEFINED (an epoch newer than any known)
//   requested below -1:         the requested epoch, the start of epoch 0
//   nothing ever appended:      UNDEFINED
// current_leader_epoch other than -1 or 0: FENCED_LEADER_EPOCH when older,
// UNKNOWN_LEADER_EPOCH when newer.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

constexpr int32_t kLeaderEpoch = 0;
constexpr int32_t kUndefinedEpoch = -1;
constexpr int64_t kUndefinedOffset = -1;

using EpochEndOffset = OffsetForLeaderEpochResponse::EpochEndOffset;

ErrorCode CheckLeaderEpoch(int32_t current_leader_epoch) {
  if (current_leader_epoch == -1 || current_leader_epoch == kLeaderEpoch) return ErrorCode::kNone;
  return current_leader_epoch < kLeaderEpoch ? ErrorCode::kFencedLeaderEpoch
                                             : ErrorCode::kUnknownLeaderEpoch;
}

EpochEndOffset EndOffsetFor(RequestContext& ctx, const std::string& topic,
                            const OffsetForLeaderEpochRequest::OffsetForLeaderPartition& wanted) {
  EpochEndOffset resp{.partition = wanted.partition,
                      .leader_epoch = kUndefinedEpoch,
                      .end_offset = kUndefinedOffset};
  std::shared_ptr<storage::PartitionLog> log =
      ctx.broker().logs().Partition(topic, wanted.partition);
  if (!log) {
    resp.error_code = ErrorCode::kUnknownTopicOrPartition;
    return resp;
  }
  if (ErrorCode e = CheckLeaderEpoch(wanted.current_leader_epoch); e != ErrorCode::kNone) {
    resp.error_code = e;
    return resp;
  }
  const int64_t log_end_offset = log->log_end_offset();
  if (log_end_offset == 0 || wanted.leader_epoch == kUndefinedEpoch ||
      wanted.leader_epoch > kLeaderEpoch) {
    return resp;  // no epoch entry yet, or none asked for, or newer than any known
  }
  if (wanted.leader_epoch == kLeaderEpoch) {
    resp.leader_epoch = kLeaderEpoch;
    resp.end_offset = log_end_offset;
  } else {
    resp.leader_epoch = wanted.leader_epoch;  // older than any known: where epoch 0 starts
    resp.end_offset = log->log_start_offset();
  }
  return resp;
}

}  // namespace

asio::awaitable<OffsetForLeaderEpochResponse> HandleOffsetForLeaderEpoch(
    RequestContext& ctx, OffsetForLeaderEpochRequest req) {
  OffsetForLeaderEpochResponse resp;
  for (const auto& topic : req.topics) {
    auto& topic_resp = resp.topics.emplace_back();
    topic_resp.topic = topic.topic;
    for (const auto& partition : topic.partitions) {
      topic_resp.partitions.push_back(EndOffsetFor(ctx, topic.topic, partition));
    }
  }
  co_return resp;
}

}  // namespace brook::broker
