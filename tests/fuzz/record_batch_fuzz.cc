// tests/fuzz/record_batch_fuzz.cc
//
// Input: a RECORDS byte string (batches back to back, maybe a partial tail).
// Each batch that validates is decoded with bounded decompression; each batch
// that decodes is rebuilt with RecordBatchBuilder from its header fields and
// records, and the rebuilt batch must validate and decode to the same header
// fields and records. In-place edits must keep a batch valid. Never crashes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/record_batch.h"

namespace {

using brook::Record;
using brook::RecordBatchBuilder;
using brook::RecordBatchHeader;
using brook::RecordBatchReader;
using brook::RecordBatchView;
using brook::RecordView;
using brook::Result;

constexpr size_t kMaxUncompressedBytes = 4 << 20;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckRebuild(const RecordBatchView& batch, const std::vector<Record>& records) {
  const RecordBatchHeader& h = batch.header();
  RecordBatchBuilder builder(h, h.compression());
  for (const Record& r : records) builder.Append(r);
  builder.set_last_offset_delta(h.last_offset_delta);
  builder.set_max_timestamp(h.max_timestamp);
  Result<std::string> rebuilt = std::move(builder).Build();
  Check(rebuilt.ok());

  Result<RecordBatchView> again = RecordBatchView::Parse(*rebuilt);
  Check(again.ok());
  Check(again->size() == rebuilt->size());
  // Compressed bytes may differ (another compressor, minimal varints), and
  // with them the length and CRC; every other field must survive.
  RecordBatchHeader expected = h;
  expected.batch_length = again->header().batch_length;
  expected.crc = again->header().crc;
  Check(again->header() == expected);

  Result<std::vector<Record>> decoded = again->DecodeRecords(kMaxUncompressedBytes);
  Check(decoded.ok());
  Check(*decoded == records);
}

void CheckInPlaceEdits(const RecordBatchView& batch, brook::CrcCheck crc_check) {
  std::string copy(batch.bytes());
  brook::SetBaseOffset(copy, batch.header().base_offset ^ 0x55);
  brook::SetPartitionLeaderEpoch(copy, 7);
  brook::SetMaxTimestamp(copy, brook::TimestampType::kLogAppendTime, 1234);
  // SetMaxTimestamp recomputes the CRC only when something changed.
  Result<RecordBatchView> edited = RecordBatchView::Parse(copy, crc_check);
  Check(edited.ok());
  Check(edited->header().max_timestamp == 1234);
  Check(edited->header().timestamp_type() == brook::TimestampType::kLogAppendTime);
  Check(edited->header().compression() == batch.header().compression());
}

void CheckBatch(const RecordBatchView& batch, brook::CrcCheck crc_check) {
  CheckInPlaceEdits(batch, crc_check);
  Result<std::vector<Record>> records = batch.DecodeRecords(kMaxUncompressedBytes);
  std::string scratch;
  Result<std::vector<RecordView>> views = batch.DecodeRecordViews(kMaxUncompressedBytes, &scratch);
  Check(records.ok() == views.ok());
  if (!records.ok()) return;
  Check(records->size() == views->size());
  for (size_t i = 0; i < records->size(); ++i) Check((*views)[i].ToRecord() == (*records)[i]);
  if (batch.header().is_control()) (void)brook::ReadEndTransactionMarker(batch);
  CheckRebuild(batch, *records);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  RecordBatchReader reader(input);
  size_t position = 0;
  for (;;) {
    Result<std::optional<RecordBatchView>> next = reader.Next();
    if (!next.ok() || !next->has_value()) break;
    Check(reader.position() == position + (*next)->size());
    position = reader.position();
    CheckBatch(**next, brook::CrcCheck::kVerify);
  }
  // Without the CRC check, corrupt contents reach the record decoder.
  RecordBatchReader unchecked(input, brook::CrcCheck::kSkip);
  for (;;) {
    Result<std::optional<RecordBatchView>> next = unchecked.Next();
    if (!next.ok() || !next->has_value()) break;
    CheckBatch(**next, brook::CrcCheck::kSkip);
  }
  return 0;
}
