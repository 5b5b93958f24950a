// protocol/messages/heartbeat.cc
#include "protocol/messages/heartbeat.h"

namespace brook {

BROOK_SERDE_DEFINE(HeartbeatRequest);
BROOK_SERDE_DEFINE(HeartbeatResponse);

}  // namespace brook
