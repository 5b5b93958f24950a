// protocol/wire/errors.h
//
// Why bytes failed to decode. Decoders return these as Status codes
// (std::error_code with category "brook.wire"); they never throw or assert.
#pragma once

#include <system_error>

namespace brook::wire {

enum class Errc {
  kTruncated = 1,       // input ended inside a value
  kNegativeLength,      // a length or count below -1, or -1 where null is not allowed
  kLengthExceedsInput,  // a length or count larger than the bytes that remain
  kVarintTooLong,       // a varint with more than 5 (int) or 10 (long) bytes
  kTrailingBytes,       // bytes left over after the message
  kUnsupportedVersion,  // a version outside the message's range
  kBadTaggedFields,     // tags out of order, duplicated, or a tag larger than its frame
};

const std::error_category& WireCategory();
inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), WireCategory()}; }

}  // namespace brook::wire

template <>
struct std::is_error_code_enum<brook::wire::Errc> : std::true_type {};
