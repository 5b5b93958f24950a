// protocol/messages/offset_fetch.cc
#include "protocol/messages/offset_fetch.h"

namespace brook {

BROOK_SERDE_DEFINE(OffsetFetchRequest);
BROOK_SERDE_DEFINE(OffsetFetchResponse);

}  // namespace brook
