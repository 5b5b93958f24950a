// protocol/messages/init_producer_id.cc
#include "protocol/messages/init_producer_id.h"

namespace brook {

BROOK_SERDE_DEFINE(InitProducerIdRequest);
BROOK_SERDE_DEFINE(InitProducerIdResponse);

}  // namespace brook
