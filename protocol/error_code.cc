// protocol/error_code.cc
#include "protocol/error_code.h"

#include <string>

namespace brook {
namespace {

struct ErrorInfo {
  std::string_view name;
  bool retriable;
};

const ErrorInfo* Find(ErrorCode code) {
  switch (code) {
#define X(name, code, text, retriable)                 \
  case ErrorCode::name: {                              \
    static constexpr ErrorInfo kInfo{text, retriable}; \
    return &kInfo;                                     \
  }
#include "protocol/error_codes.inc"
#undef X
  }
  return nullptr;
}

class KafkaCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kafka"; }
  std::string message(int ev) const override {
    return std::string(ErrorName(static_cast<ErrorCode>(ev)));
  }
};

}  // namespace

std::string_view ErrorName(ErrorCode code) {
  const ErrorInfo* info = Find(code);
  return info ? info->name : "UNKNOWN_ERROR_CODE";
}

bool IsRetriable(ErrorCode code) {
  const ErrorInfo* info = Find(code);
  return info && info->retriable;
}

bool IsKnownErrorCode(int16_t code) { return Find(static_cast<ErrorCode>(code)) != nullptr; }

const std::error_category& KafkaCategory() {
  static const KafkaCategoryImpl category;
  return category;
}

}  // namespace brook
