// protocol/messages/write_txn_markers.cc
#include "protocol/messages/write_txn_markers.h"

namespace brook {

BROOK_SERDE_DEFINE(WriteTxnMarkersRequest);
BROOK_SERDE_DEFINE(WriteTxnMarkersResponse);

}  // namespace brook
