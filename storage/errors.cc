// storage/errors.cc
#include "storage/errors.h"

#include <string>

namespace brook::storage {
namespace {

class StorageCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.storage"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::kCorruptBatch: return "corrupt record batch";
      case Errc::kSequenceGap: return "sequence number gap";
      case Errc::kOutOfOrderSequence: return "out of order sequence number";
      case Errc::kDuplicateSequence: return "duplicate sequence number";
      case Errc::kInvalidProducerEpoch: return "invalid producer epoch";
      case Errc::kProducerFenced: return "producer fenced";
      case Errc::kUnknownProducerId: return "unknown producer id";
      case Errc::kInvalidTxnState: return "invalid transaction state";
      case Errc::kOffsetOutOfRange: return "offset out of range";
      case Errc::kCorruptSnapshot: return "corrupt producer state snapshot";
      case Errc::kCorruptIndex: return "corrupt index";
      case Errc::kSegmentFull: return "segment full";
      case Errc::kNotFound: return "not found";
      case Errc::kInvalidArgument: return "invalid argument";
      case Errc::kCorruptMetadata: return "corrupt metadata";
      case Errc::kCoordinatorFenced: return "transaction coordinator fenced";
      case Errc::kInvalidRecord: return "invalid record";
      case Errc::kRecordTooLarge: return "record batch too large";
      case Errc::kDuplicateTopic: return "topic already exists";
      case Errc::kInvalidTimestamp: return "invalid timestamp";
    }
    return "unknown storage error";
  }
};

}  // namespace

const std::error_category& StorageCategory() {
  static const StorageCategoryImpl category;
  return category;
}

}  // namespace brook::storage
