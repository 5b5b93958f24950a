// protocol/messages/describe_configs.cc
#include "protocol/messages/describe_configs.h"

namespace brook {

BROOK_SERDE_DEFINE(DescribeConfigsRequest);
BROOK_SERDE_DEFINE(DescribeConfigsResponse);

}  // namespace brook
