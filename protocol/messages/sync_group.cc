// protocol/messages/sync_group.cc
#include "protocol/messages/sync_group.h"

namespace brook {

BROOK_SERDE_DEFINE(SyncGroupRequest);
BROOK_SERDE_DEFINE(SyncGroupResponse);

}  // namespace brook
