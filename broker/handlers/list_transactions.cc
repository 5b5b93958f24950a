// broker/handlers/list_transactions.cc
//
// ListTransactions v0-1: every transactional id this node coordinates,
// filtered by state names (unknown names come back in unknown_state_filters),
// producer ids and (v1) how long the transaction has been running.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"

namespace brook::broker {

asio::awaitable<ListTransactionsResponse> HandleListTransactions(RequestContext& ctx,
                                                                 ListTransactionsRequest req) {
  if (ctx.api_version() < 1) req.duration_filter = -1;
  co_return ctx.broker().transactions().List(req);
}

}  // namespace brook::broker
