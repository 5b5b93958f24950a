// protocol/record_batch.h
//
// Record batches, magic 2 (KIP-98): what a producer sends, the log stores and a
// consumer fetches. A RECORDS field holds batches back to back; a fetch
// response may end with a partial batch that the fetch size cut short.
// Message sets (magic 0 and 1) are not supported.
//
// Batch header, 61 bytes, big-endian:
//   byte size
//    0    8  base_offset             int64   offset of the first record
//    8    4  batch_length            int32   bytes after this field (batch size - 12)
//   12    4  partition_leader_epoch  int32   stamped by the leader; -1 from producers
//   16    1  magic                   int8    2
//   17    4  crc                     uint32  CRC-32C of bytes 21 to the end of the batch
//   21    2  attributes              int16   bits 0-2  compression: 0 none, 1 gzip,
//                                                      2 snappy, 3 lz4, 4 zstd
//                                            bit 3     timestamp type: 0 CreateTime,
//                                                      1 LogAppendTime
//                                            bit 4     transactional
//                                            bit 5     control
//                                            bit 6     delete horizon set (KIP-534)
//   23    4  last_offset_delta       int32   last offset - base_offset; compaction
//                                            keeps it when it drops the last records
//   27    8  base_timestamp          int64   first record's timestamp; the delete
//                                            horizon when bit 6 is set
//   35    8  max_timestamp           int64   largest record timestamp; the append
//                                            time under LogAppendTime
//   43    8  producer_id             int64   -1: none
//   51    2  producer_epoch          int16   -1: none
//   53    4  base_sequence           int32   -1: none
//   57    4  record_count            int32
//   61       records                         record_count records (protocol/record.h),
//                                            compressed together unless codec 0
// base_offset, batch_length and partition_leader_epoch lie outside the CRC, so
// a leader assigns offsets and its epoch without recomputing it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/compression.h"
#include "protocol/record.h"

namespace brook {

inline constexpr int8_t kRecordBatchMagic = 2;
inline constexpr size_t kRecordBatchHeaderSize = 61;
// base_offset and batch_length: the bytes of a batch not counted in batch_length.
inline constexpr size_t kLogOverhead = 12;

// Byte positions of the header fields.
struct RecordBatchLayout {
  static constexpr size_t kBaseOffset = 0;
  static constexpr size_t kBatchLength = 8;
  static constexpr size_t kPartitionLeaderEpoch = 12;
  static constexpr size_t kMagic = 16;
  static constexpr size_t kCrc = 17;
  static constexpr size_t kAttributes = 21;  // the CRC covers from here to the end
  static constexpr size_t kLastOffsetDelta = 23;
  static constexpr size_t kBaseTimestamp = 27;
  static constexpr size_t kMaxTimestamp = 35;
  static constexpr size_t kProducerId = 43;
  static constexpr size_t kProducerEpoch = 51;
  static constexpr size_t kBaseSequence = 53;
  static constexpr size_t kRecordCount = 57;
  static constexpr size_t kRecords = 61;
};

enum class TimestampType : int8_t { kCreateTime = 0, kLogAppendTime = 1 };

// Attribute bits.
inline constexpr int16_t kCompressionAttributeMask = 0x07;
inline constexpr int16_t kLogAppendTimeAttribute = 0x08;
inline constexpr int16_t kTransactionalAttribute = 0x10;
inline constexpr int16_t kControlAttribute = 0x20;
inline constexpr int16_t kDeleteHorizonAttribute = 0x40;

inline constexpr int64_t kNoTimestamp = -1;
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;

struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  int8_t magic = kRecordBatchMagic;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = kNoTimestamp;
  int64_t max_timestamp = kNoTimestamp;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  int32_t record_count = 0;

  Compression compression() const {
    return static_cast<Compression>(attributes & kCompressionAttributeMask);
  }
  TimestampType timestamp_type() const {
    return (attributes & kLogAppendTimeAttribute) ? TimestampType::kLogAppendTime
                                                  : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return (attributes & kTransactionalAttribute) != 0; }
  bool is_control() const { return (attributes & kControlAttribute) != 0; }
  bool has_delete_horizon() const { return (attributes & kDeleteHorizonAttribute) != 0; }
  // The delete horizon (KIP-534) when has_delete_horizon(), else nullopt.
  std::optional<int64_t> delete_horizon_ms() const {
    if (!has_delete_horizon()) return std::nullopt;
    return base_timestamp;
  }

  // Batch size in bytes, the first 12 included.
  size_t size_in_bytes() const { return static_cast<size_t>(batch_length) + kLogOverhead; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  int64_t next_offset() const { return last_offset() + 1; }
  // Sequence of the last record; kNoSequence without one. Wraps past INT32_MAX as Kafka's does.
  int32_t last_sequence() const {
    if (base_sequence == kNoSequence) return kNoSequence;
    return static_cast<int32_t>((static_cast<int64_t>(base_sequence) + last_offset_delta) %
                                (int64_t{1} << 31));
  }
  bool has_producer_id() const { return producer_id != kNoProducerId; }
  // A record's offset and timestamp (the batch's append time under LogAppendTime).
  int64_t record_offset(int32_t offset_delta) const { return base_offset + offset_delta; }
  int64_t record_timestamp(int64_t timestamp_delta) const {
    if (timestamp_type() == TimestampType::kLogAppendTime) return max_timestamp;
    return static_cast<int64_t>(static_cast<uint64_t>(base_timestamp) +
                                static_cast<uint64_t>(timestamp_delta));
  }

  bool operator==(const RecordBatchHeader&) const = default;
};

// Reads the 61 header bytes as they are, checking nothing.
// REQUIRES: bytes.size() >= kRecordBatchHeaderSize.
RecordBatchHeader ReadRecordBatchHeader(std::string_view bytes);

enum class CrcCheck { kVerify, kSkip };

// The record timestamps a leader accepts, from its clock and the topic's
// message.timestamp.{before,after}.max.ms. A record without a timestamp
// (kNoTimestamp) always passes, as in Kafka's LogValidator. The default
// bounds allow everything.
struct TimestampBounds {
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();

  bool Allows(int64_t timestamp) const {
    return timestamp == kNoTimestamp || (timestamp >= min && timestamp <= max);
  }
  bool operator==(const TimestampBounds&) const = default;
};

// One batch that passed validation, in bytes someone else owns (which must
// outlive the view). Cheap to copy; immutable, so shareable between threads.
class RecordBatchView {
 public:
  // Validates the batch at the front of `bytes` without decoding its records:
  // batch_length against the bytes, magic, the CRC (unless skipped), the
  // codec, record_count >= 0, last_offset_delta >= record_count - 1 and no
  // offset overflow; an uncompressed batch has room for its record count.
  // Bytes after the batch are ignored: size() says where the next one starts.
  // Errors: kPartialBatch (the bytes end inside the batch), kUnsupportedMagic,
  // kCorruptBatch, kCrcMismatch, kUnsupportedCompression.
  static Result<RecordBatchView> Parse(std::string_view bytes,
                                       CrcCheck crc_check = CrcCheck::kVerify);

  const RecordBatchHeader& header() const { return header_; }
  // The whole batch, header included.
  std::string_view bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  // The bytes after the header: the records, compressed unless the codec is none.
  std::string_view records_bytes() const { return bytes_.substr(kRecordBatchHeaderSize); }

  // Decodes every record, decompressing first (into at most
  // `max_uncompressed_bytes`) if the batch is compressed. Checks each record
  // (see ParseRecord), that offset deltas increase and stay within
  // last_offset_delta, and that there are exactly record_count records.
  // Errors: kCorruptRecord, kRecordCountMismatch, and Decompress's.
  Result<std::vector<Record>> DecodeRecords(size_t max_uncompressed_bytes) const;
  // The same without copying: the views point into this batch's bytes or,
  // when compressed, into `*scratch`, which must outlive them.
  Result<std::vector<RecordView>> DecodeRecordViews(size_t max_uncompressed_bytes,
                                                    std::string* scratch) const;
  // The same checks, calling `fn` with each record in turn instead of
  // collecting them (the view is reused: copy what must outlive the call).
  // `fn` returns false to stop early.
  Status VisitRecords(size_t max_uncompressed_bytes, std::string* scratch,
                      const std::function<bool(const RecordView&)>& fn) const;
  // A fast yes for what a leader checks of a produced batch (Kafka's
  // LogValidator): true when the batch is uncompressed, every record passes
  // the checks above, offset deltas are exactly 0, 1, ..., record_count - 1,
  // with `require_keys` no key is null, and every record's timestamp
  // (record_timestamp) is allowed by `timestamps`. Builds no views. false
  // says only that something differs (or that the batch is compressed):
  // VisitRecords tells what.
  bool HasDenseRecords(bool require_keys, TimestampBounds timestamps = {}) const;

 private:
  RecordBatchView(std::string_view bytes, const RecordBatchHeader& header)
      : bytes_(bytes), header_(header) {}

  std::string_view bytes_;
  RecordBatchHeader header_;
};

// The records of one batch, one at a time, with VisitRecords' checks, so a
// reader can stop after any record and go on later (a consumer hands out
// max.poll.records at a time). Views point into the batch's bytes, or into
// the cursor's own copy of the decompressed records, and stay valid until
// the next call (the batch's bytes must outlive the cursor). Movable.
class RecordCursor {
 public:
  RecordCursor() = default;
  // Decompresses the records (into at most `max_uncompressed_bytes`) when the
  // batch is compressed. Errors: Decompress's.
  static Result<RecordCursor> Open(const RecordBatchView& batch, size_t max_uncompressed_bytes);

  // The next record, or null after the last one. Errors: kCorruptRecord,
  // kRecordCountMismatch (as VisitRecords), and the same again on every
  // later call.
  Result<const RecordView*> Next();
  const RecordBatchHeader& header() const { return header_; }
  // Records the header promises that Next() has not returned yet; once 0,
  // one more Next() checks that the batch ends there.
  int32_t remaining() const { return header_.record_count - index_; }

 private:
  RecordBatchHeader header_;
  std::unique_ptr<std::string> decompressed_;  // compressed batches; stable when moved
  std::string_view records_;                   // what is left of the records section
  int32_t index_ = 0;                          // records returned so far
  int64_t previous_delta_ = -1;
  RecordView view_;
  Status error_;  // the first error, returned from then on
};

// Splits a RECORDS byte string into batches, validating each on the way. Not
// thread-safe; the bytes must outlive the reader and the views it returns.
class RecordBatchReader {
 public:
  explicit RecordBatchReader(std::string_view records, CrcCheck crc_check = CrcCheck::kVerify)
      : records_(records), crc_check_(crc_check) {}

  // The next batch, or nullopt when no complete batch is left: the bytes are
  // used up, or partial_tail() holds the start of a batch cut short. An error
  // (any of RecordBatchView::Parse's but kPartialBatch) leaves the reader at
  // the bad batch: nothing after it can be framed.
  Result<std::optional<RecordBatchView>> Next();

  // Bytes after the last complete batch, once Next() has returned nullopt.
  // Kafka consumers drop such a tail and fetch again from its offset.
  std::string_view partial_tail() const { return records_.substr(position_); }
  bool has_partial_tail() const { return position_ < records_.size(); }
  // Bytes of the complete batches returned so far.
  size_t position() const { return position_; }

 private:
  std::string_view records_;
  CrcCheck crc_check_;
  size_t position_ = 0;
};

// ---------------------------------------------------------------------------
// In-place edits, none of which decodes records. `batch` spans exactly one
// batch that RecordBatchView::Parse accepted.

// Outside the CRC: no recompute.
void SetBaseOffset(std::span<char> batch, int64_t base_offset);
void SetPartitionLeaderEpoch(std::span<char> batch, int32_t partition_leader_epoch);
// Sets the timestamp type bit and max_timestamp, as a leader does for topics
// with LogAppendTime, and recomputes the CRC if either changed.
void SetMaxTimestamp(std::span<char> batch, TimestampType type, int64_t max_timestamp);

// ---------------------------------------------------------------------------
// Encoding.

// Builds one batch. Not thread-safe.
class RecordBatchBuilder {
 public:
  // Taken from `header`: base_offset, partition_leader_epoch, the attributes
  // but the codec bits (`compression` sets those), base_timestamp,
  // producer_id, producer_epoch and base_sequence. Computed: batch_length,
  // magic, crc, record_count and, unless set below, last_offset_delta (the
  // last record's offset_delta; 0 without records) and max_timestamp (the
  // largest base_timestamp + timestamp_delta; kNoTimestamp without records).
  RecordBatchBuilder(const RecordBatchHeader& header, Compression compression);

  // REQUIRES: record.offset_delta >= 0 and greater than every earlier one.
  void Append(const Record& record);
  void set_last_offset_delta(int32_t last_offset_delta) { last_offset_delta_ = last_offset_delta; }
  void set_max_timestamp(int64_t max_timestamp) { max_timestamp_ = max_timestamp; }

  int64_t record_count() const { return record_count_; }
  // Bytes of the batch so far before compression, header included.
  size_t uncompressed_size() const { return buffer_.size(); }

  // The batch. The builder is spent. Errors: kBatchTooLarge (more than an
  // int32 of bytes or records), a compression failure.
  Result<std::string> Build() &&;

 private:
  RecordBatchHeader header_;
  Compression compression_;
  std::string buffer_;  // header space, then the uncompressed records
  int64_t record_count_ = 0;
  std::optional<int32_t> last_offset_delta_;
  std::optional<int64_t> max_timestamp_;
  int32_t last_appended_delta_ = 0;
  int64_t largest_timestamp_delta_ = 0;
};

// Finishes a batch built in place: `batch` is kRecordBatchHeaderSize bytes of
// room for the header, then its records (AppendRecord's bytes back to back,
// compressed with the codec in header.attributes unless that is none). Writes
// the header from `header` (record_count, last_offset_delta, max_timestamp
// and the rest as given) with batch_length from batch.size(), magic 2 and the
// CRC, so a producer that encodes records as they arrive only seals at send.
// REQUIRES: kRecordBatchHeaderSize <= batch.size() <= INT32_MAX + kLogOverhead.
void SealRecordBatch(std::span<char> batch, const RecordBatchHeader& header);

// One batch of `records` (see RecordBatchBuilder for the fields used).
Result<std::string> BuildRecordBatch(const RecordBatchHeader& header, Compression compression,
                                     std::span<const Record> records);

// ---------------------------------------------------------------------------
// Transaction markers.

struct ControlBatchFields {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int64_t timestamp_ms = kNoTimestamp;
};

// The batch a partition leader appends to end a transaction, as Kafka's
// MemoryRecords.withEndTransactionMarker writes it: uncompressed,
// transactional + control, CreateTime, base_sequence -1, and one record at
// offset delta 0 holding the marker.
// REQUIRES: marker.type is kAbort or kCommit.
std::string BuildEndTransactionBatch(const ControlBatchFields& fields,
                                     const EndTransactionMarker& marker);

// The marker in a control batch's first record. Errors: kInvalidControlRecord
// (not a control batch, no records, not a marker), and DecodeRecords'.
Result<EndTransactionMarker> ReadEndTransactionMarker(const RecordBatchView& batch);

}  // namespace brook
