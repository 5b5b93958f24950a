// protocol/wire/errors.cc
#include "protocol/wire/errors.h"

#include <string>

namespace brook::wire {
namespace {

class WireCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.wire"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kTruncated: return "input ends inside a value";
      case Errc::kNegativeLength: return "invalid negative length";
      case Errc::kLengthExceedsInput: return "length exceeds the remaining input";
      case Errc::kVarintTooLong: return "varint too long";
      case Errc::kTrailingBytes: return "unexpected bytes after the message";
      case Errc::kUnsupportedVersion: return "unsupported version";
      case Errc::kBadTaggedFields: return "malformed tagged fields";
    }
    return "unknown wire error";
  }
};

}  // namespace

const std::error_category& WireCategory() {
  static const WireCategoryImpl category;
  return category;
}

}  // namespace brook::wire
