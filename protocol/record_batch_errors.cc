// protocol/record_batch_errors.cc
#include "protocol/record_batch_errors.h"

#include <string>

namespace brook {
namespace {

class RecordBatchCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.records"; }
  std::string message(int ev) const override {
    switch (static_cast<RecordBatchErrc>(ev)) {
      case RecordBatchErrc::kCorruptBatch: return "corrupt record batch";
      case RecordBatchErrc::kCrcMismatch: return "record batch CRC mismatch";
      case RecordBatchErrc::kUnsupportedMagic: return "unsupported record batch magic";
      case RecordBatchErrc::kPartialBatch: return "partial record batch";
      case RecordBatchErrc::kCorruptRecord: return "corrupt record";
      case RecordBatchErrc::kRecordCountMismatch: return "record count mismatch";
      case RecordBatchErrc::kUnsupportedCompression: return "unsupported compression codec";
      case RecordBatchErrc::kCorruptCompressedData: return "corrupt compressed data";
      case RecordBatchErrc::kUncompressedTooLarge: return "uncompressed data exceeds the limit";
      case RecordBatchErrc::kInvalidControlRecord: return "invalid control record";
      case RecordBatchErrc::kBatchTooLarge: return "record batch too large";
    }
    return "unknown record batch error";
  }
};

}  // namespace

const std::error_category& RecordBatchCategory() {
  static const RecordBatchCategoryImpl category;
  return category;
}

}  // namespace brook
