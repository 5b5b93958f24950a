// protocol/messages/api_versions.cc
#include "protocol/messages/api_versions.h"

namespace brook {

BROOK_SERDE_DEFINE(ApiVersionsRequest);
BROOK_SERDE_DEFINE(ApiVersionsResponse);

}  // namespace brook
