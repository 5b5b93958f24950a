// protocol/messages/describe_transactions.cc
#include "protocol/messages/describe_transactions.h"

namespace brook {

BROOK_SERDE_DEFINE(DescribeTransactionsRequest);
BROOK_SERDE_DEFINE(DescribeTransactionsResponse);

}  // namespace brook
