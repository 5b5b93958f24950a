// protocol/frame.h
//
// Kafka framing: every request and response is
//   size: int32 (big-endian)   byte count of what follows, header included
//   bytes[size]
// The size is validated before anything is allocated for the body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/base/status.h"

namespace brook {

// Apache Kafka's default for socket.request.max.bytes.
inline constexpr int32_t kDefaultMaxFrameBytes = 100 * 1024 * 1024;
inline constexpr size_t kFrameSizeBytes = 4;

enum class FrameErrc {
  kNegativeSize = 1,  // the size prefix is negative
  kTooLarge,          // the size exceeds the configured maximum
};
const std::error_category& FrameCategory();
inline std::error_code make_error_code(FrameErrc e) {
  return {static_cast<int>(e), FrameCategory()};
}

// Reads the 4-byte size prefix and checks it against `max_bytes`.
// REQUIRES: prefix.size() == kFrameSizeBytes.
Result<int32_t> ParseFrameSize(std::string_view prefix, int32_t max_bytes);

// Overwrites the 4 bytes at `frame[0..4)` with `frame.size() - 4`, plus
// `extra_bytes` sent after the frame's own (spliced records).
// REQUIRES: frame.size() >= 4; the frame starts with 4 placeholder bytes.
void PatchFrameSize(std::string& frame, size_t extra_bytes = 0);

}  // namespace brook

template <>
struct std::is_error_code_enum<brook::FrameErrc> : std::true_type {};
