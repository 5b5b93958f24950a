// protocol/messages/delete_groups.cc
#include "protocol/messages/delete_groups.h"

namespace brook {

BROOK_SERDE_DEFINE(DeleteGroupsRequest);
BROOK_SERDE_DEFINE(DeleteGroupsResponse);

}  // namespace brook
