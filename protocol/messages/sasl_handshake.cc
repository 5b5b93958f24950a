// protocol/messages/sasl_handshake.cc
#include "protocol/messages/sasl_handshake.h"

namespace brook {

BROOK_SERDE_DEFINE(SaslHandshakeRequest);
BROOK_SERDE_DEFINE(SaslHandshakeResponse);

}  // namespace brook
