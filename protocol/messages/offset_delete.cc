// protocol/messages/offset_delete.cc
#include "protocol/messages/offset_delete.h"

namespace brook {

BROOK_SERDE_DEFINE(OffsetDeleteRequest);
BROOK_SERDE_DEFINE(OffsetDeleteResponse);

}  // namespace brook
