// protocol/messages/add_partitions_to_txn.cc
#include "protocol/messages/add_partitions_to_txn.h"

namespace brook {

BROOK_SERDE_DEFINE(AddPartitionsToTxnRequest);
BROOK_SERDE_DEFINE(AddPartitionsToTxnResponse);

}  // namespace brook
