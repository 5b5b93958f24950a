// protocol/messages/fetch.cc
#include "protocol/messages/fetch.h"

namespace brook {

BROOK_SERDE_DEFINE(FetchRequest);
BROOK_SERDE_DEFINE(FetchResponse);

}  // namespace brook
