// protocol/messages/list_offsets.cc
#include "protocol/messages/list_offsets.h"

namespace brook {

BROOK_SERDE_DEFINE(ListOffsetsRequest);
BROOK_SERDE_DEFINE(ListOffsetsResponse);

}  // namespace brook
