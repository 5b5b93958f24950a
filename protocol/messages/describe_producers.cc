// protocol/messages/describe_producers.cc
#include "protocol/messages/describe_producers.h"

namespace brook {

BROOK_SERDE_DEFINE(DescribeProducersRequest);
BROOK_SERDE_DEFINE(DescribeProducersResponse);

}  // namespace brook
