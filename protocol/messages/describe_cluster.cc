// protocol/messages/describe_cluster.cc
#include "protocol/messages/describe_cluster.h"

namespace brook {

BROOK_SERDE_DEFINE(DescribeClusterRequest);
BROOK_SERDE_DEFINE(DescribeClusterResponse);

}  // namespace brook
