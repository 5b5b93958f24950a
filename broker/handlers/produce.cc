// broker/handlers/produce.cc
//
// Produce: appends each partition's record batch to its log, as Kafka 4.0's
// KafkaApis.handleProduceRequest and ReplicaManager.appendRecords do on a
// single node (the leader, epoch 0, is the only replica, so acks=1 and
// acks=-1 are answered alike once the append is done).
//
// Per partition, in Kafka's order: v0-2 UNSUPPORTED_VERSION (message formats
// v0/v1, removed in Kafka 4.0); unknown topic or partition
// UNKNOWN_TOPIC_OR_PARTITION (produce never creates topics); records that are
// not exactly one magic-2 batch INVALID_RECORD, zstd before v7
// UNSUPPORTED_COMPRESSION_TYPE (ProduceRequest.validateRecords); an internal
// topic INVALID_TOPIC_EXCEPTION; acks other than -1, 0, 1
// INVALID_REQUIRED_ACKS; then the log's own checks. Transactional batches
// without a transactional id fail the whole request with
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
//
// acks=0: no response at all; if any partition failed, the connection is
// closed instead, as Kafka does, so the producer notices and refreshes.
//
// Transactional batches (KIP-890 part 1): the partition must be in the
// producer's ongoing transaction (AddPartitionsToTxn), checked with the
// coordinator under a hold that keeps the transaction from ending until the
// append is done; else INVALID_TXN_STATE (INVALID_PRODUCER_EPOCH for a fenced
// epoch, INVALID_PRODUCER_ID_MAPPING for an id the transactional id does not
// own). transaction.partition.verification.enable=false turns the check off.
//
// Appends that fsync (flush.messages=1) run on the blocking pool
// (broker/blocking.h); the others on the connection's io thread.
//
// The records are validated and appended where they lie in the request frame
// (RequestContext::borrowed_records), not copied out of it first.
//
// Records the log's validator refuses one by one (KIP-467: no key in a
// compacted topic INVALID_RECORD, a CreateTime timestamp outside
// message.timestamp.{before,after}.max.ms INVALID_TIMESTAMP) are listed by
// their index in the batch in record_errors (v8+), with Kafka's
// error_message. Other refusals carry the log's reason in error_message.
//
// Not supported: throttling.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"
#include "protocol/base/logging.h"
#include "protocol/compression.h"
#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("produce");

using PartitionResponse = ProduceResponse::PartitionProduceResponse;

ErrorCode ToProduceError(const Status& s) {
  using storage::Errc;
  const std::error_code code = s.code();
  if (code == Errc::kCorruptBatch) return ErrorCode::kCorruptMessage;
  if (code == Errc::kInvalidRecord) return ErrorCode::kInvalidRecord;
  if (code == Errc::kInvalidTimestamp) return ErrorCode::kInvalidTimestamp;
  if (code == Errc::kRecordTooLarge) return ErrorCode::kMessageTooLarge;
  if (code == Errc::kOutOfOrderSequence || code == Errc::kSequenceGap) {
    return ErrorCode::kOutOfOrderSequenceNumber;
  }
  if (code == Errc::kDuplicateSequence) return ErrorCode::kDuplicateSequenceNumber;
  // Since KIP-588 a partition leader answers a fenced epoch with
  // INVALID_PRODUCER_EPOCH; only the coordinator says PRODUCER_FENCED.
  if (code == Errc::kInvalidProducerEpoch || code == Errc::kProducerFenced) {
    return ErrorCode::kInvalidProducerEpoch;
  }
  if (code == Errc::kInvalidTxnState) return ErrorCode::kInvalidTxnState;
  if (code == Errc::kUnknownProducerId) return ErrorCode::kUnknownProducerId;
  return ErrorCode::kUnknownServerError;  // ours: the caller logs it
}

// A partition's records: in the request frame (RequestContext's borrowed
// records) or, for a request decoded the ordinary way, in the request.
// nullopt: null records.
using Records = std::optional<std::span<char>>;

// Each partition's records, in the order the request lists the partitions.
std::vector<Records> RecordsByPartition(const RequestContext& ctx, ProduceRequest& req) {
  std::vector<Records> out;
  const std::vector<std::span<char>>& borrowed = ctx.borrowed_records();
  for (auto& topic : req.topic_data) {
    for (auto& partition : topic.partition_data) {
      if (!partition.records) {
        out.emplace_back();
      } else if (out.size() < borrowed.size()) {
        out.emplace_back(borrowed[out.size()]);
      } else {
        out.emplace_back(std::span<char>(partition.records->data(), partition.records->size()));
      }
    }
  }
  return out;
}

// The first batch's header, when the bytes hold at least one.
std::optional<RecordBatchHeader> FirstBatchHeader(const Records& records) {
  if (!records || records->size() < kRecordBatchHeaderSize) return std::nullopt;
  return ReadRecordBatchHeader(std::string_view(records->data(), records->size()));
}

// Kafka's ProduceRequest.validateRecords for v3+: exactly one batch, of
// magic 2, and zstd only from v7. The log checks the batch itself.
ErrorCode CheckRecords(const Records& records, int16_t version) {
  std::optional<RecordBatchHeader> first = FirstBatchHeader(records);
  // Null, empty or too short to hold a batch: "at least one record batch".
  if (!first) return ErrorCode::kInvalidRecord;
  if (first->magic != kRecordBatchMagic) return ErrorCode::kInvalidRecord;
  if (version < 7 && first->compression() == Compression::kZstd) {
    return ErrorCode::kUnsupportedCompressionType;
  }
  if (first->batch_length < 0) return ErrorCode::kCorruptMessage;
  const size_t first_size = kLogOverhead + static_cast<size_t>(first->batch_length);
  if (records->size() > first_size) return ErrorCode::kInvalidRecord;  // more than one batch
  return ErrorCode::kNone;
}

bool IsInternalTopic(std::string_view topic) {
  return topic == "__consumer_offsets" || topic == "__transaction_state";
}

PartitionResponse Failed(int32_t index, ErrorCode error) {
  return PartitionResponse{.index = index,
                           .error_code = error,
                           .base_offset = -1,
                           .log_append_time_ms = -1,
                           .log_start_offset = -1};
}

PartitionResponse ProducePartition(RequestContext& ctx, const ProduceRequest& req,
                                   const std::string& topic,
                                   const ProduceRequest::PartitionProduceData& data,
                                   const Records& records) {
  if (ctx.api_version() < 3) return Failed(data.index, ErrorCode::kUnsupportedVersion);
  std::shared_ptr<storage::PartitionLog> log = ctx.broker().logs().Partition(topic, data.index);
  if (!log) return Failed(data.index, ErrorCode::kUnknownTopicOrPartition);
  if (ErrorCode e = CheckRecords(records, ctx.api_version()); e != ErrorCode::kNone) {
    return Failed(data.index, e);
  }
  if (IsInternalTopic(topic)) return Failed(data.index, ErrorCode::kInvalidTopicException);
  if (req.acks != 0 && req.acks != 1 && req.acks != -1) {
    return Failed(data.index, ErrorCode::kInvalidRequiredAcks);
  }
  // Held until the append is done (same thread, no suspension).
  TxnVerification verified;
  if (req.transactional_id && ctx.broker().config().transaction_partition_verification) {
    const RecordBatchHeader first = *FirstBatchHeader(records);
    if (first.is_transactional()) {
      verified = ctx.broker().transactions().Verify(*req.transactional_id, first.producer_id,
                                                    first.producer_epoch, topic, data.index);
      if (verified.error != ErrorCode::kNone) return Failed(data.index, verified.error);
    }
  }

  std::vector<storage::RecordError> record_errors;  // allocates only when records are refused
  Result<storage::AppendResult> appended =
      log->Append(*records, /*leader_epoch=*/0, storage::AppendOrigin::kClient, &record_errors);
  if (!appended.ok()) {
    PartitionResponse resp = Failed(data.index, ToProduceError(appended.status()));
    if (resp.error_code == ErrorCode::kUnknownServerError) {
      kLog.Error("produce to ", topic, "-", data.index, ": ", appended.status().ToString());
      return resp;
    }
    // v8+; older versions do not encode them.
    resp.error_message = appended.status().context();
    for (storage::RecordError& e : record_errors) {
      resp.record_errors.push_back(
          {.batch_index = e.batch_index, .batch_index_error_message = std::move(e.message)});
    }
    return resp;
  }
  if (!appended->duplicate) ctx.broker().NotifyAppended(topic, data.index);
  return PartitionResponse{.index = data.index,
                           .error_code = ErrorCode::kNone,
                           .base_offset = appended->base_offset,
                           .log_append_time_ms = appended->log_append_time_ms,
                           .log_start_offset = appended->log_start_offset};
}

// An append that fsyncs (flush.messages=1) runs on the blocking pool.
bool AppendBlocks(RequestContext& ctx, const std::string& topic, int32_t partition) {
  std::shared_ptr<storage::PartitionLog> log = ctx.broker().logs().Partition(topic, partition);
  return log != nullptr && log->config().flush_policy == storage::FlushPolicy::kEveryAppend;
}

// Kafka's ProduceRequest.hasTransactionalRecords: judged by each partition's first batch.
bool HasTransactionalRecords(const std::vector<Records>& records) {
  for (const Records& r : records) {
    std::optional<RecordBatchHeader> first = FirstBatchHeader(r);
    if (first && first->magic == kRecordBatchMagic && first->is_transactional()) return true;
  }
  return false;
}

}  // namespace

asio::awaitable<MaybeResponse<ProduceResponse>> HandleProduce(RequestContext& ctx,
                                                              ProduceRequest req) {
  const std::vector<Records> records = RecordsByPartition(ctx, req);
  const bool unauthorized_transactional =
      ctx.api_version() >= 3 && !req.transactional_id && HasTransactionalRecords(records);
  ProduceResponse resp;
  bool any_failed = false;
  size_t next = 0;
  for (auto& topic : req.topic_data) {
    auto& topic_resp = resp.responses.emplace_back();
    topic_resp.name = topic.name;
    for (auto& partition : topic.partition_data) {
      const Records& mine = records[next++];
      PartitionResponse p;
      if (unauthorized_transactional) {
        p = Failed(partition.index, ErrorCode::kTransactionalIdAuthorizationFailed);
      } else if (AppendBlocks(ctx, topic.name, partition.index)) {
        p = co_await RunBlocking<PartitionResponse>(ctx.broker().blocking_pool(), [&] {
          return ProducePartition(ctx, req, topic.name, partition, mine);
        });
      } else {
        p = ProducePartition(ctx, req, topic.name, partition, mine);
      }
      any_failed = any_failed || p.error_code != ErrorCode::kNone;
      topic_resp.partition_responses.push_back(std::move(p));
    }
  }
  if (req.acks == 0) {
    if (any_failed) {
      kLog.Debug("acks=0 produce from ", ctx.peer(), " failed; closing the connection");
    }
    co_return MaybeResponse<ProduceResponse>{.response = std::nullopt,
                                             .close_connection = any_failed};
  }
  co_return MaybeResponse<ProduceResponse>{.response = std::move(resp)};
}

}  // namespace brook::broker
