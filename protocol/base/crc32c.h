// protocol/base/crc32c.h
//
// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), the checksum of Kafka
// record batches (magic 2). Standard form: the register starts at 0xFFFFFFFF
// and the result is inverted, so Crc32c("123456789") == 0xE3069283.
//
// On x86-64 CPUs with SSE4.2 the CRC32 instruction does the work (three
// interleaved streams on long inputs, so it runs near memory speed); elsewhere
// a portable slicing-by-8 loop does. The choice is made once, at first use.
#pragma once

#include <cstdint>
#include <string_view>

namespace brook {

// CRC-32C of `data`, continuing from `crc`, the result for the bytes before it:
// Crc32c(b, Crc32c(a)) == Crc32c(a + b). Thread-safe.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

// The two implementations Crc32c chooses between, for tests and benchmarks.
namespace crc32c_internal {

uint32_t Portable(std::string_view data, uint32_t crc);
// True when this CPU has SSE4.2 (always false off x86-64).
bool HardwareSupported();
// REQUIRES: HardwareSupported().
uint32_t Hardware(std::string_view data, uint32_t crc);

}  // namespace crc32c_internal
}  // namespace brook
