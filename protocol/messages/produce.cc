// protocol/messages/produce.cc
#include "protocol/messages/produce.h"

namespace brook {

BROOK_SERDE_DEFINE(ProduceRequest);
BROOK_SERDE_DEFINE(ProduceResponse);

}  // namespace brook
