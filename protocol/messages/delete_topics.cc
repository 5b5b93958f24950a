// protocol/messages/delete_topics.cc
#include "protocol/messages/delete_topics.h"

namespace brook {

BROOK_SERDE_DEFINE(DeleteTopicsRequest);
BROOK_SERDE_DEFINE(DeleteTopicsResponse);

}  // namespace brook
