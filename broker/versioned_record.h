// broker/versioned_record.h
//
// Coordinator records (in __consumer_offsets and __transaction_state) are an
// int16 version followed by a struct at that version; these wrap the wire
// Serde for them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/base/status.h"
#include "protocol/wire/errors.h"
#include "protocol/wire/serde.h"

namespace brook::broker {

template <typename M>
std::string EncodeVersioned(const M& m, int16_t version) {
  std::string out;
  out += static_cast<char>((version >> 8) & 0xff);
  out += static_cast<char>(version & 0xff);
  wire::EncodeTo(out, m, version);
  return out;
}

// Reads the version prefix and drops it from `bytes`.
inline Result<int16_t> ReadRecordVersion(std::string_view* bytes) {
  if (bytes->size() < 2) return Status(wire::Errc::kTruncated, "record version");
  const auto version = static_cast<int16_t>((static_cast<uint8_t>((*bytes)[0]) << 8) |
                                            static_cast<uint8_t>((*bytes)[1]));
  bytes->remove_prefix(2);
  return version;
}

template <typename M>
Result<M> DecodeVersioned(std::string_view bytes) {
  Result<int16_t> version = ReadRecordVersion(&bytes);
  if (!version.ok()) return version.status();
  return wire::Decode<M>(bytes, *version);
}

}  // namespace brook::broker
