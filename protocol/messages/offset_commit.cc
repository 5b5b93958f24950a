// protocol/messages/offset_commit.cc
#include "protocol/messages/offset_commit.h"

namespace brook {

BROOK_SERDE_DEFINE(OffsetCommitRequest);
BROOK_SERDE_DEFINE(OffsetCommitResponse);

}  // namespace brook
