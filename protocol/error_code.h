// protocol/error_code.h
//
// Kafka protocol error codes under their protocol numbers (the list lives in
// protocol/error_codes.inc). ErrorCode plugs into std::error_code with the
// category "kafka", whose messages are the protocol names.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

namespace brook {

enum class ErrorCode : int16_t {
#define X(name, code, text, retriable) name = (code),
#include "protocol/error_codes.inc"
#undef X
};

// "NOT_LEADER_OR_FOLLOWER"; "UNKNOWN_ERROR_CODE" for numbers Brook does not know.
std::string_view ErrorName(ErrorCode code);
// Retriable as the protocol's error table says.
bool IsRetriable(ErrorCode code);
// True for the numbers listed in error_codes.inc.
bool IsKnownErrorCode(int16_t code);

const std::error_category& KafkaCategory();
inline std::error_code make_error_code(ErrorCode code) {
  return {static_cast<int>(code), KafkaCategory()};
}

}  // namespace brook

template <>
struct std::is_error_code_enum<brook::ErrorCode> : std::true_type {};
