// protocol/messages/metadata.cc
#include "protocol/messages/metadata.h"

namespace brook {

BROOK_SERDE_DEFINE(MetadataRequest);
BROOK_SERDE_DEFINE(MetadataResponse);

}  // namespace brook
