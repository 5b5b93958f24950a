// broker/handlers/write_txn_markers.cc
//
// WriteTxnMarkers v0-1: appends each COMMIT/ABORT marker to each listed
// partition, as a partition leader does for a remote coordinator (Brook's own
// coordinator writes its markers directly, through the same
// PartitionLog::AppendMarker). Per partition: UNKNOWN_TOPIC_OR_PARTITION,
// INVALID_PRODUCER_EPOCH (older than the partition's producer epoch),
// TRANSACTION_COORDINATOR_FENCED (older coordinator epoch). Markers in
// __consumer_offsets complete the producer's transactional offsets.
#include "broker/broker.h"
#include "broker/group_records.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"
#include "protocol/base/logging.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("write_txn_markers");

ErrorCode ToMarkerError(const Status& s) {
  if (s.code() == storage::Errc::kInvalidProducerEpoch) return ErrorCode::kInvalidProducerEpoch;
  if (s.code() == storage::Errc::kCoordinatorFenced) {
    return ErrorCode::kTransactionCoordinatorFenced;
  }
  return ErrorCode::kUnknownServerError;  // ours: logged
}

}  // namespace

asio::awaitable<WriteTxnMarkersResponse> HandleWriteTxnMarkers(RequestContext& ctx,
                                                               WriteTxnMarkersRequest req) {
  WriteTxnMarkersResponse resp;
  std::vector<OffsetsMarker> offsets_markers;
  for (const auto& marker : req.markers) {
    auto& m = resp.markers.emplace_back();
    m.producer_id = marker.producer_id;
    const ControlRecordType type =
        marker.transaction_result ? ControlRecordType::kCommit : ControlRecordType::kAbort;
    for (const auto& topic : marker.topics) {
      auto& t = m.topics.emplace_back();
      t.name = topic.name;
      for (int32_t p : topic.partition_indexes) {
        auto& r = t.partitions.emplace_back();
        r.partition_index = p;
        std::shared_ptr<storage::PartitionLog> log = ctx.broker().logs().Partition(topic.name, p);
        if (log == nullptr) {
          r.error_code = ErrorCode::kUnknownTopicOrPartition;
          continue;
        }
        Result<storage::AppendResult> appended = log->AppendMarker(
            marker.producer_id, marker.producer_epoch, type, marker.coordinator_epoch, 0);
        if (!appended.ok()) {
          r.error_code = ToMarkerError(appended.status());
          if (r.error_code == ErrorCode::kUnknownServerError) {
            kLog.Error("marker for producer ", marker.producer_id, " to ", topic.name, "-", p, ": ",
                       appended.status().ToString());
          }
          continue;
        }
        ctx.broker().NotifyAppended(topic.name, p);
        if (topic.name == kOffsetsTopic) {
          offsets_markers.push_back({.producer_id = marker.producer_id,
                                     .partition = p,
                                     .marker_offset = appended->base_offset,
                                     .commit = marker.transaction_result});
        }
      }
    }
  }
  co_await ctx.broker().ApplyOffsetsMarkers(std::move(offsets_markers));
  co_return resp;
}

}  // namespace brook::broker
