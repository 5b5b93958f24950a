// protocol/messages/leave_group.cc
#include "protocol/messages/leave_group.h"

namespace brook {

BROOK_SERDE_DEFINE(LeaveGroupRequest);
BROOK_SERDE_DEFINE(LeaveGroupResponse);

}  // namespace brook
