// protocol/messages/join_group.cc
#include "protocol/messages/join_group.h"

namespace brook {

BROOK_SERDE_DEFINE(JoinGroupRequest);
BROOK_SERDE_DEFINE(JoinGroupResponse);

}  // namespace brook
