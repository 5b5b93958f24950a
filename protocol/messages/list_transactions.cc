// protocol/messages/list_transactions.cc
#include "protocol/messages/list_transactions.h"

namespace brook {

BROOK_SERDE_DEFINE(ListTransactionsRequest);
BROOK_SERDE_DEFINE(ListTransactionsResponse);

}  // namespace brook
