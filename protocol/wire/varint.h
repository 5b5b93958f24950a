// protocol/wire/varint.h
//
// Kafka's variable-length integers (protobuf style, little-endian groups of 7
// bits): unsigned varints, and zig-zag signed varint (int32) / varlong (int64).
// Readers are bounds-checked and never read past `end`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace brook::wire {

inline constexpr uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr int32_t UnZigZag32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline constexpr uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int64_t UnZigZag64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

inline constexpr size_t UnsignedVarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline constexpr size_t VarintSize(int32_t v) { return UnsignedVarintSize(ZigZag32(v)); }
inline constexpr size_t VarlongSize(int64_t v) { return UnsignedVarintSize(ZigZag64(v)); }

// Appends the encoding of `v` to `out`.
inline void AppendUnsignedVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Writes the encoding of `v` at `p` (which must have room) and returns the byte after it.
inline uint8_t* WriteUnsignedVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

enum class VarintStatus { kOk, kTruncated, kTooLong };

// Reads an unsigned varint of at most `max_bytes` bytes (5 for 32-bit values,
// 10 for 64-bit) from [*p, end). On success advances *p.
inline VarintStatus ReadUnsignedVarint(const uint8_t** p, const uint8_t* end, int max_bytes,
                                       uint64_t* value) {
  uint64_t result = 0;
  const uint8_t* cur = *p;
  for (int i = 0; i < max_bytes; ++i) {
    if (cur == end) return VarintStatus::kTruncated;
    uint8_t b = *cur++;
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *p = cur;
      *value = result;
      return VarintStatus::kOk;
    }
  }
  return VarintStatus::kTooLong;
}

}  // namespace brook::wire
