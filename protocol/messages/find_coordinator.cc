// protocol/messages/find_coordinator.cc
#include "protocol/messages/find_coordinator.h"

namespace brook {

BROOK_SERDE_DEFINE(FindCoordinatorRequest);
BROOK_SERDE_DEFINE(FindCoordinatorResponse);

}  // namespace brook
