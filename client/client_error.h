// client/client_error.h
//
// How the client reports a failed operation. A ClientError carries either a
// Kafka ErrorCode the broker answered with or one of the client's own
// conditions (ClientErrc: timeouts, lost connections, a closed producer), and
// classifies it the way the Java client does:
//   retriable  the operation may succeed if tried again (Java's RetriableException);
//   fatal      the producer can do nothing more (fenced, unauthorized, unsupported);
//   abortable  any non-fatal error: a transaction it hits can still be aborted.
// Where the code alone does not decide it (INVALID_PRODUCER_EPOCH is fatal from
// the transaction coordinator but abortable from a Produce, KIP-588), the
// transaction manager says so with WithSeverity().
//
// The transactional calls (Producer::init_transactions ...) return a Status
// that ClientError(status) classifies: fatal (the producer can only be
// closed), retriable (kTimedOut: max.block.ms passed; call the same method
// again to go on waiting), kIllegalState (called out of order), otherwise
// abortable: the code is TRANSACTION_ABORTABLE and the context names the cause;
// abort_transaction() and go on.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include "protocol/base/status.h"
#include "protocol/error_code.h"

namespace brook::client {

// The client's own failures, as Status codes (category "brook.client").
enum class ClientErrc {
  kInvalidConfig = 1,   // a property is unknown or its value is invalid
  kTimedOut,            // request.timeout.ms, delivery.timeout.ms or max.block.ms elapsed
  kDisconnected,        // the connection closed with the request outstanding
  kClosed,              // the producer (or connection) is closed
  kUnsupportedVersion,  // the broker speaks no version of the API we need
  kBadResponse,         // a response that does not decode or match its request
  kNoBrokers,           // no bootstrap server or metadata broker is reachable
  kInvalidRecord,       // a record the producer cannot send (partition out of range)
  kIllegalState,        // a transactional call out of order (Java's IllegalStateException)
};
const std::error_category& ClientCategory();
inline std::error_code make_error_code(ClientErrc e) {
  return {static_cast<int>(e), ClientCategory()};
}

}  // namespace brook::client

template <>
struct std::is_error_code_enum<brook::client::ClientErrc> : std::true_type {};

namespace brook::client {

// The error a send()'s future throws and its callback receives. Copyable;
// thread-safe once built.
class ClientError : public std::runtime_error {
 public:
  // A Kafka error code from a response, with the broker's message if any.
  ClientError(ErrorCode code, const std::string& message);
  // Our own failure (ClientErrc or any other code in a Status).
  explicit ClientError(const Status& status);

  // The underlying code: a brook::ErrorCode or a ClientErrc (or errno, Asio).
  std::error_code code() const { return code_; }
  // The Kafka error code as the Java client would report it: our timeouts are
  // REQUEST_TIMED_OUT, lost connections NETWORK_EXCEPTION, a closed producer
  // or bad config UNKNOWN_SERVER_ERROR... see client_error.cc.
  ErrorCode error_code() const;

  bool retriable() const;
  bool fatal() const;
  bool abortable() const { return !fatal(); }

  // The same error classified as `severity` says rather than by its code.
  enum class Severity { kByCode, kAbortable, kFatal };
  ClientError WithSeverity(Severity severity) const;
  // As a Status: the code and the message.
  Status ToStatus() const { return Status(code_, what()); }

 private:
  std::error_code code_;
  Severity severity_ = Severity::kByCode;
};

// True for the codes that leave a producer unusable (Java's fatal errors:
// ProducerFencedException, authorization, UnsupportedVersionException,
// InvalidPidMappingException when the producer cannot bump its epoch, ...).
bool IsFatal(ErrorCode code);

}  // namespace brook::client
