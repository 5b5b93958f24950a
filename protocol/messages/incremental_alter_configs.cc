// protocol/messages/incremental_alter_configs.cc
#include "protocol/messages/incremental_alter_configs.h"

namespace brook {

BROOK_SERDE_DEFINE(IncrementalAlterConfigsRequest);
BROOK_SERDE_DEFINE(IncrementalAlterConfigsResponse);

}  // namespace brook
