// protocol/messages/create_partitions.cc
#include "protocol/messages/create_partitions.h"

namespace brook {

BROOK_SERDE_DEFINE(CreatePartitionsRequest);
BROOK_SERDE_DEFINE(CreatePartitionsResponse);

}  // namespace brook
