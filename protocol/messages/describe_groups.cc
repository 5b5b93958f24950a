// protocol/messages/describe_groups.cc
#include "protocol/messages/describe_groups.h"

namespace brook {

BROOK_SERDE_DEFINE(DescribeGroupsRequest);
BROOK_SERDE_DEFINE(DescribeGroupsResponse);

}  // namespace brook
