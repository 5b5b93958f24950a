// protocol/base/crc32c.cc
//
// CRC arithmetic here works on the raw register (no initial or final
// inversion), which is linear: the register after A then B equals
// Shift(register after A, |B|) ^ (register of B started from 0), where
// Shift(r, n) appends n zero bytes, i.e. multiplies r by x^(8n) mod P. That
// lets the hardware path run three independent CRC32 streams over adjacent
// blocks (the instruction has a latency of 3 cycles but a throughput of 1) and
// join them with two table-driven shifts.
#include "protocol/base/crc32c.h"

#include <cstddef>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace brook {
namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // reflected: bit 31 is x^0

// ---------------------------------------------------------------------------
// Portable slicing-by-8: kSlicing.t[k][b] is the register contribution of byte b
// followed by k zero bytes.

struct SlicingTables {
  uint32_t t[8][256];
};

constexpr SlicingTables MakeSlicingTables() {
  SlicingTables s{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    s.t[0][i] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (int i = 0; i < 256; ++i) {
      s.t[k][i] = (s.t[k - 1][i] >> 8) ^ s.t[0][s.t[k - 1][i] & 0xff];
    }
  }
  return s;
}

constexpr SlicingTables kSlicing = MakeSlicingTables();

inline uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

uint32_t PortableRegister(const uint8_t* p, size_t n, uint32_t c) {
  const auto& t = kSlicing.t;
  while (n >= 8) {
    uint32_t lo = LoadLe32(p) ^ c;
    uint32_t hi = LoadLe32(p + 4);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
    --n;
  }
  return c;
}

// ---------------------------------------------------------------------------
// Shifting a register over zero bytes.

// a * b mod P, both in the reflected representation.
constexpr uint32_t MultModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// x^(8n) mod P.
constexpr uint32_t XPow8N(uint64_t n) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t base = 1u << 23;    // x^8
  for (; n != 0; n >>= 1) {
    if (n & 1) result = MultModP(result, base);
    base = MultModP(base, base);
  }
  return result;
}

// Shift(r, n) = r * x^(8n) mod P, one lookup per byte of r.
struct ShiftTable {
  uint32_t t[4][256];
};

constexpr ShiftTable MakeShiftTable(uint64_t zero_bytes) {
  ShiftTable s{};
  const uint32_t op = XPow8N(zero_bytes);
  for (int k = 0; k < 4; ++k) {
    for (uint32_t i = 0; i < 256; ++i) s.t[k][i] = MultModP(op, i << (8 * k));
  }
  return s;
}

[[maybe_unused]] inline uint32_t Shift(const ShiftTable& s, uint32_t c) {
  return s.t[0][c & 0xff] ^ s.t[1][(c >> 8) & 0xff] ^ s.t[2][(c >> 16) & 0xff] ^ s.t[3][c >> 24];
}

// ---------------------------------------------------------------------------
// SSE4.2.

#if defined(__x86_64__)

// Block sizes of the three streams, longest first: long ones amortize the
// join over bulk data, shorter ones keep a batch-sized input (16 KiB) and the
// rest of a long one on three streams; at most 3 * kShortBlock - 1 bytes run
// on one stream.
constexpr size_t kLongBlock = 8192;
constexpr size_t kMidBlock = 1024;
constexpr size_t kShortBlock = 256;
constexpr ShiftTable kLongShift = MakeShiftTable(kLongBlock);
constexpr ShiftTable kMidShift = MakeShiftTable(kMidBlock);
constexpr ShiftTable kShortShift = MakeShiftTable(kShortBlock);

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

template <size_t kBlock>
__attribute__((target("sse4.2"))) inline uint64_t ThreeStreams(const uint8_t*& p, size_t& n,
                                                               uint64_t c0,
                                                               const ShiftTable& shift) {
  while (n >= 3 * kBlock) {
    uint64_t c1 = 0;
    uint64_t c2 = 0;
    const uint8_t* end = p + kBlock;
    do {
      c0 = _mm_crc32_u64(c0, Load64(p));
      c1 = _mm_crc32_u64(c1, Load64(p + kBlock));
      c2 = _mm_crc32_u64(c2, Load64(p + 2 * kBlock));
      p += 8;
    } while (p < end);
    c0 = Shift(shift, static_cast<uint32_t>(c0)) ^ c1;
    c0 = Shift(shift, static_cast<uint32_t>(c0)) ^ c2;
    p += 2 * kBlock;
    n -= 3 * kBlock;
  }
  return c0;
}

__attribute__((target("sse4.2"))) uint32_t HardwareRegister(const uint8_t* p, size_t n,
                                                            uint32_t c) {
  // Align so that the 8-byte loads below never straddle a cache line.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  uint64_t c64 = c;
  c64 = ThreeStreams<kLongBlock>(p, n, c64, kLongShift);
  c64 = ThreeStreams<kMidBlock>(p, n, c64, kMidShift);
  c64 = ThreeStreams<kShortBlock>(p, n, c64, kShortShift);
  while (n >= 8) {
    c64 = _mm_crc32_u64(c64, Load64(p));
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n > 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  return c;
}

#endif  // __x86_64__

using Impl = uint32_t (*)(std::string_view, uint32_t);

Impl ChooseImpl() {
  return crc32c_internal::HardwareSupported() ? &crc32c_internal::Hardware
                                              : &crc32c_internal::Portable;
}

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
  static const Impl impl = ChooseImpl();
  return impl(data, crc);
}

namespace crc32c_internal {

uint32_t Portable(std::string_view data, uint32_t crc) {
  return ~PortableRegister(reinterpret_cast<const uint8_t*>(data.data()), data.size(), ~crc);
}

bool HardwareSupported() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

uint32_t Hardware(std::string_view data, uint32_t crc) {
#if defined(__x86_64__)
  return ~HardwareRegister(reinterpret_cast<const uint8_t*>(data.data()), data.size(), ~crc);
#else
  return Portable(data, crc);
#endif
}

}  // namespace crc32c_internal
}  // namespace brook
