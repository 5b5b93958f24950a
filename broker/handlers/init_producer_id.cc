// broker/handlers/init_producer_id.cc
//
// InitProducerId for idempotent producers (transactional_id null), as Kafka
// 4.0's KafkaApis.handleInitProducerIdRequest and
// TransactionCoordinator.handleInitProducerId answer them: always a new
// producer id with epoch 0. A producer id and epoch in the request (v3+, KIP-360)
// must come together (else INVALID_REQUEST); for an idempotent producer Kafka
// ignores them, since such a producer bumps its epoch itself and only asks
// for a new id when the epoch is exhausted. transaction_timeout_ms is
// likewise ignored without a transactional id.
//
// Not supported: transactions. A non-empty transactional id is answered with
// COORDINATOR_NOT_AVAILABLE (retriable) until the transaction coordinator
// exists; an empty one is INVALID_REQUEST, as in Kafka.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/producer_ids.h"
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
    } else {
      kLog.Info("InitProducerId for transactional id '", *req.transactional_id, "' from ",
                ctx.peer(), ": transactions are not supported yet");
      resp.error_code = ErrorCode::kCoordinatorNotAvailable;
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
