// protocol/messages/alter_configs.cc
#include "protocol/messages/alter_configs.h"

namespace brook {

BROOK_SERDE_DEFINE(AlterConfigsRequest);
BROOK_SERDE_DEFINE(AlterConfigsResponse);

}  // namespace brook
