// broker/handlers/describe_transactions.cc
//
// DescribeTransactions v0: the coordinator's state of each transactional id
// (TRANSACTIONAL_ID_NOT_FOUND for an unknown one).
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/txn_coordinator.h"

namespace brook::broker {

asio::awaitable<DescribeTransactionsResponse> HandleDescribeTransactions(
    RequestContext& ctx, DescribeTransactionsRequest req) {
  DescribeTransactionsResponse resp;
  resp.transaction_states = ctx.broker().transactions().Describe(req.transactional_ids);
  co_return resp;
}

}  // namespace brook::broker
