// protocol/base/uuid.h
//
// A 128-bit UUID as Kafka uses it for topic ids: 16 bytes, big-endian on the
// wire; all-zero is "no id" (Uuid::Zero). Printed in Kafka's URL-safe base64
// form without padding (22 characters), as Kafka's tools show topic ids.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brook {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  static Uuid Zero() { return Uuid{}; }
  // A random version-4 UUID that is neither zero nor Kafka's reserved metadata id (1).
  static Uuid Random();
  static std::optional<Uuid> FromBase64(std::string_view text);

  bool is_zero() const { return *this == Uuid{}; }
  std::string ToBase64() const;

  auto operator<=>(const Uuid&) const = default;
};

}  // namespace brook
