// client/client_error.cc
#include "client/client_error.h"

#include <string>

namespace brook::client {
namespace {

class ClientCategoryImpl : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.client"; }
  std::string message(int value) const override {
    switch (static_cast<ClientErrc>(value)) {
      case ClientErrc::kInvalidConfig: return "invalid configuration";
      case ClientErrc::kTimedOut: return "timed out";
      case ClientErrc::kDisconnected: return "disconnected";
      case ClientErrc::kClosed: return "closed";
      case ClientErrc::kUnsupportedVersion: return "unsupported version";
      case ClientErrc::kBadResponse: return "bad response";
      case ClientErrc::kNoBrokers: return "no broker reachable";
      case ClientErrc::kInvalidRecord: return "invalid record";
      case ClientErrc::kIllegalState: return "illegal state";
    }
    return "client error " + std::to_string(value);
  }
};

std::string Describe(ErrorCode code, const std::string& message) {
  std::string out(ErrorName(code));
  if (!message.empty()) out += ": " + message;
  return out;
}

}  // namespace

const std::error_category& ClientCategory() {
  static const ClientCategoryImpl category;
  return category;
}

ClientError::ClientError(ErrorCode code, const std::string& message)
    : std::runtime_error(Describe(code, message)), code_(make_error_code(code)) {}

ClientError::ClientError(const Status& status)
    : std::runtime_error(status.ToString()), code_(status.code()) {}

ErrorCode ClientError::error_code() const {
  if (code_.category() == KafkaCategory()) return static_cast<ErrorCode>(code_.value());
  if (code_ == ClientErrc::kTimedOut) return ErrorCode::kRequestTimedOut;
  if (code_ == ClientErrc::kUnsupportedVersion) return ErrorCode::kUnsupportedVersion;
  if (code_ == ClientErrc::kDisconnected || code_ == ClientErrc::kNoBrokers ||
      code_.category() == std::system_category()) {
    return ErrorCode::kNetworkException;
  }
  return ErrorCode::kUnknownServerError;
}

ClientError ClientError::WithSeverity(Severity severity) const {
  ClientError out = *this;
  out.severity_ = severity;
  return out;
}

bool ClientError::retriable() const {
  if (severity_ != Severity::kByCode) return false;
  if (code_ == ClientErrc::kIllegalState) return false;
  if (code_ == ClientErrc::kClosed || code_ == ClientErrc::kInvalidConfig) return false;
  return IsRetriable(error_code());
}

bool ClientError::fatal() const {
  if (severity_ != Severity::kByCode) return severity_ == Severity::kFatal;
  if (code_ == ClientErrc::kClosed || code_ == ClientErrc::kInvalidConfig) return true;
  return IsFatal(error_code());
}

bool IsFatal(ErrorCode code) {
  switch (code) {
    case ErrorCode::kProducerFenced:
    case ErrorCode::kInvalidProducerEpoch:  // a produce's fencing (KIP-588)
    case ErrorCode::kTransactionalIdAuthorizationFailed:
    case ErrorCode::kClusterAuthorizationFailed:
    case ErrorCode::kUnsupportedVersion:
    case ErrorCode::kUnsupportedForMessageFormat:
    case ErrorCode::kInvalidTxnState:
    case ErrorCode::kInvalidProducerIdMapping:
    case ErrorCode::kFencedInstanceId:
    case ErrorCode::kTransactionalIdNotFound: return true;
    default: return false;
  }
}

}  // namespace brook::client
