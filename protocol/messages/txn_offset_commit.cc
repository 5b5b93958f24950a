// protocol/messages/txn_offset_commit.cc
#include "protocol/messages/txn_offset_commit.h"

namespace brook {

BROOK_SERDE_DEFINE(TxnOffsetCommitRequest);
BROOK_SERDE_DEFINE(TxnOffsetCommitResponse);

}  // namespace brook
