// protocol/messages/offset_for_leader_epoch.cc
#include "protocol/messages/offset_for_leader_epoch.h"

namespace brook {

BROOK_SERDE_DEFINE(OffsetForLeaderEpochRequest);
BROOK_SERDE_DEFINE(OffsetForLeaderEpochResponse);

}  // namespace brook
