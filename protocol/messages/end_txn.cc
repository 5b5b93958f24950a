// protocol/messages/end_txn.cc
#include "protocol/messages/end_txn.h"

namespace brook {

BROOK_SERDE_DEFINE(EndTxnRequest);
BROOK_SERDE_DEFINE(EndTxnResponse);

}  // namespace brook
