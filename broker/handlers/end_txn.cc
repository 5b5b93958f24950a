// broker/handlers/end_txn.cc
//
// EndTxn v0-4: commits or aborts the producer's transaction. The coordinator
// writes PrepareCommit/PrepareAbort, the markers and CompleteCommit/
// CompleteAbort (broker/txn_coordinator.h); committed transactional offsets
// are applied to their groups before the answer, so an OffsetFetch after a
// successful commit sees them. A retry of an EndTxn that already succeeded
// succeeds. PRODUCER_FENCED from v2, before that INVALID_PRODUCER_EPOCH.
//
// Not supported: v5+ (transactions version 2), outside the protocol table.
#include "broker/blocking.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"

namespace brook::broker {

asio::awaitable<EndTxnResponse> HandleEndTxn(RequestContext& ctx, EndTxnRequest req) {
  // Writes several logs: off the io thread.
  TxnReply result = co_await RunBlocking<TxnReply>(ctx.broker().blocking_pool(), [&] {
    return ctx.broker().transactions().EndTxn(req.transactional_id, req.producer_id,
                                              req.producer_epoch, req.committed);
  });
  co_await ctx.broker().ApplyOffsetsMarkers(std::move(result.markers));
  EndTxnResponse resp;
  resp.error_code = FencedForVersion(result.error, ctx.api_version(), 2);
  co_return resp;
}

}  // namespace brook::broker
