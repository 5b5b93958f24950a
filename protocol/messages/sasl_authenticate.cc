// protocol/messages/sasl_authenticate.cc
#include "protocol/messages/sasl_authenticate.h"

namespace brook {

BROOK_SERDE_DEFINE(SaslAuthenticateRequest);
BROOK_SERDE_DEFINE(SaslAuthenticateResponse);

}  // namespace brook
