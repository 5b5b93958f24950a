// protocol/messages/add_offsets_to_txn.cc
#include "protocol/messages/add_offsets_to_txn.h"

namespace brook {

BROOK_SERDE_DEFINE(AddOffsetsToTxnRequest);
BROOK_SERDE_DEFINE(AddOffsetsToTxnResponse);

}  // namespace brook
