// protocol/messages/delete_records.cc
#include "protocol/messages/delete_records.h"

namespace brook {

BROOK_SERDE_DEFINE(DeleteRecordsRequest);
BROOK_SERDE_DEFINE(DeleteRecordsResponse);

}  // namespace brook
