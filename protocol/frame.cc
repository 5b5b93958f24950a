// protocol/frame.cc
#include "protocol/frame.h"

#include <cassert>

namespace brook {
namespace {

class FrameCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.frame"; }
  std::string message(int ev) const override {
    switch (static_cast<FrameErrc>(ev)) {
      case FrameErrc::kNegativeSize: return "negative frame size";
      case FrameErrc::kTooLarge: return "frame larger than socket.request.max.bytes";
    }
    return "unknown frame error";
  }
};

}  // namespace

const std::error_category& FrameCategory() {
  static const FrameCategoryImpl category;
  return category;
}

Result<int32_t> ParseFrameSize(std::string_view prefix, int32_t max_bytes) {
  assert(prefix.size() == kFrameSizeBytes);
  uint32_t u = 0;
  for (char c : prefix) u = (u << 8) | static_cast<uint8_t>(c);
  int32_t size = static_cast<int32_t>(u);
  if (size < 0) return Status(FrameErrc::kNegativeSize, std::to_string(size));
  if (size > max_bytes) {
    return Status(FrameErrc::kTooLarge,
                  std::to_string(size) + " > " + std::to_string(max_bytes) + " bytes");
  }
  return size;
}

void PatchFrameSize(std::string& frame, size_t extra_bytes) {
  assert(frame.size() >= kFrameSizeBytes);
  uint32_t size = static_cast<uint32_t>(frame.size() - kFrameSizeBytes + extra_bytes);
  for (int i = 0; i < 4; ++i) frame[i] = static_cast<char>(size >> (24 - 8 * i));
}

}  // namespace brook
