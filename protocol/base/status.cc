// protocol/base/status.cc
#include "protocol/base/status.h"

namespace brook {

std::string Status::ToString() const {
  if (ok()) return "OK";
  if (context_.empty()) return code_.message();
  return context_ + ": " + code_.message();
}

}  // namespace brook
