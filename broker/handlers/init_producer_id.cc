// broker/handlers/init_producer_id.cc
//
// InitProducerId, as Kafka 4.0's KafkaApis.handleInitProducerIdRequest and
// TransactionCoordinator.handleInitProducerId answer it. A producer id and
// epoch in the request (v3+, KIP-360) must come together (else
// INVALID_REQUEST).
//
// Idempotent producers (transactional_id null): always a new producer id with
// epoch 0; Kafka ignores a given id and epoch there, since such a producer
// bumps its epoch itself and only asks for a new id when the epoch is
// exhausted, and ignores transaction_timeout_ms.
//
// Transactional producers: the coordinator (broker/txn_coordinator.h) bumps
// the id's epoch, fencing the previous instance and aborting what it left
// open; an empty id is INVALID_REQUEST, a timeout outside
// (0, transaction.max.timeout.ms] INVALID_TRANSACTION_TIMEOUT, and
// PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v4.
#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/producer_ids.h"
#include "broker/txn_coordinator.h"
#include "protocol/base/logging.h"

namespace brook::broker {
namespace {

const Logger kLog("init_producer_id");

constexpr int64_t kNoProducerId = -1;
constexpr int16_t kNoProducerEpoch = -1;

}  // namespace

asio::awaitable<InitProducerIdResponse> HandleInitProducerId(RequestContext& ctx,
                                                             InitProducerIdRequest req) {
  InitProducerIdResponse resp;
  resp.producer_id = kNoProducerId;
  resp.producer_epoch = kNoProducerEpoch;
  if ((req.producer_id == kNoProducerId) != (req.producer_epoch == kNoProducerEpoch)) {
    resp.error_code = ErrorCode::kInvalidRequest;
    co_return resp;
  }
  if (req.transactional_id) {
    if (req.transactional_id->empty()) {
      resp.error_code = ErrorCode::kInvalidRequest;
      co_return resp;
    }
    std::optional<std::pair<int64_t, int16_t>> expected;
    if (req.producer_id != kNoProducerId) expected.emplace(req.producer_id, req.producer_epoch);
    // May abort a transaction, writing several logs: off the io thread.
    TxnReply result = co_await RunBlocking<TxnReply>(ctx.broker().blocking_pool(), [&] {
      return ctx.broker().transactions().InitProducerId(*req.transactional_id,
                                                        req.transaction_timeout_ms, expected);
    });
    co_await ctx.broker().ApplyOffsetsMarkers(std::move(result.markers));
    resp.error_code = FencedForVersion(result.error, ctx.api_version(), 4);
    if (result.error == ErrorCode::kNone) {
      resp.producer_id = result.producer_id;
      resp.producer_epoch = result.producer_epoch;
    }
    co_return resp;
  }
  Result<int64_t> id = ctx.broker().producer_ids().NextId();
  if (!id.ok()) {
    kLog.Error("allocating a producer id: ", id.status().ToString());
    resp.error_code = ErrorCode::kUnknownServerError;
    co_return resp;
  }
  resp.producer_id = *id;
  resp.producer_epoch = 0;
  co_return resp;
}

}  // namespace brook::broker
