// protocol/messages/list_groups.cc
#include "protocol/messages/list_groups.h"

namespace brook {

BROOK_SERDE_DEFINE(ListGroupsRequest);
BROOK_SERDE_DEFINE(ListGroupsResponse);

}  // namespace brook
