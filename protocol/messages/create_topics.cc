// protocol/messages/create_topics.cc
#include "protocol/messages/create_topics.h"

namespace brook {

BROOK_SERDE_DEFINE(CreateTopicsRequest);
BROOK_SERDE_DEFINE(CreateTopicsResponse);

}  // namespace brook
