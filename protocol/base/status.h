// protocol/base/status.h
//
// Status and Result<T>: how Brook's own failures travel (Kafka outcomes are
// ErrorCode values in response fields instead). A Status is a std::error_code
// (errno, Asio, storage::Errc, wire::Errc ...) plus context naming the file,
// peer or field involved.
#pragma once

#include <cassert>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace brook {

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(std::error_code code, std::string context) : code_(code), context_(std::move(context)) {}
  explicit Status(std::error_code code) : code_(code) {}

  static Status Ok() { return Status(); }

  bool ok() const { return !code_; }
  std::error_code code() const { return code_; }
  const std::string& context() const { return context_; }
  // "context: message" or "OK".
  std::string ToString() const;

  bool operator==(const Status& other) const = default;

 private:
  std::error_code code_;
  std::string context_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace brook
