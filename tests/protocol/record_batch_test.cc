// tests/protocol/record_batch_test.cc
#include "protocol/record_batch.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/base/crc32c.h"
#include "protocol/record_batch_errors.h"
#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::ToHex;
using L = RecordBatchLayout;

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};
constexpr size_t kLimit = 16 << 20;
constexpr int64_t kTimestamp = 1700000000000;  // 0x0000018bcfe56800

// One record with a key, a value and a header, written from the spec. The CRC
// was computed independently (Python crcmod, 'crc-32c') over bytes 21 to the end.
constexpr char kGoldenBatch[] =
    "0000000000000005"  // base_offset 5
    "00000043"          // batch_length 67 (79 - 12)
    "00000003"          // partition_leader_epoch 3
    "02"                // magic
    "760ad17c"          // crc
    "0000"              // attributes: uncompressed, CreateTime
    "00000000"          // last_offset_delta 0
    "0000018bcfe56800"  // base_timestamp 1700000000000
    "0000018bcfe56805"  // max_timestamp 1700000000005
    "ffffffffffffffff"  // producer_id -1
    "ffff"              // producer_epoch -1
    "ffffffff"          // base_sequence -1
    "00000001"          // record_count 1
    "22"                // record length 17
    "00"                //   attributes
    "0a"                //   timestamp delta 5
    "00"                //   offset delta 0
    "04 6b31"           //   key "k1"
    "0a 68656c6c6f"     //   value "hello"
    "02"                //   1 header
    "02 68 02 76";      //   "h" = "v"

// A commit marker as a leader writes it (CRC from crcmod as above).
constexpr char kGoldenControlBatch[] =
    "000000000000002a"  // base_offset 42
    "00000042"          // batch_length 66
    "00000009"          // partition_leader_epoch 9
    "02"                // magic
    "40d514e9"          // crc
    "0030"              // attributes: transactional | control
    "00000000"          // last_offset_delta 0
    "0000018bcfe56800"  // base_timestamp
    "0000018bcfe56800"  // max_timestamp
    "00000000000003e8"  // producer_id 1000
    "0005"              // producer_epoch 5
    "ffffffff"          // base_sequence -1
    "00000001"          // record_count 1
    "20 00 00 00"       // length 16, attributes, timestamp delta 0, offset delta 0
    "08 0000 0001"      // key: version 0, type 1 (commit)
    "0c 0000 00000007"  // value: version 0, coordinator epoch 7
    "00";               // no headers

RecordBatchHeader ProducerHeader() {
  return RecordBatchHeader{.base_offset = 0,
                           .base_timestamp = kTimestamp,
                           .producer_id = 4242,
                           .producer_epoch = 3,
                           .base_sequence = 17};
}

std::vector<Record> SampleRecords(int n) {
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) {
    Record r{.timestamp_delta = i * 3, .offset_delta = i};
    if (i % 5 != 1) r.key = "key-" + std::to_string(i);
    if (i % 7 != 2) r.value = "value-" + std::string(static_cast<size_t>(i % 50), 'x');
    if (i % 3 == 0) r.headers = {{"trace", "abc"}, {"empty", std::nullopt}};
    records.push_back(std::move(r));
  }
  return records;
}

std::string MustBuild(const RecordBatchHeader& header, Compression c,
                      const std::vector<Record>& records) {
  Result<std::string> batch = BuildRecordBatch(header, c, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

RecordBatchView MustParse(std::string_view bytes) {
  Result<RecordBatchView> view = RecordBatchView::Parse(bytes);
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  if (!view.ok()) std::abort();
  return *view;
}

// Rewrites batch_length and the CRC after a test edits a batch by hand.
void Seal(std::string& batch) {
  uint32_t length = static_cast<uint32_t>(batch.size() - kLogOverhead);
  uint32_t crc = Crc32c(std::string_view(batch).substr(L::kAttributes));
  for (int i = 0; i < 4; ++i) {
    batch[L::kBatchLength + i] = static_cast<char>(length >> (24 - 8 * i));
    batch[L::kCrc + i] = static_cast<char>(crc >> (24 - 8 * i));
  }
}

void PutBe32(std::string& batch, size_t pos, int32_t v) {
  for (int i = 0; i < 4; ++i) {
    batch[pos + i] = static_cast<char>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  }
}

// A batch of `records_bytes` under the header of the golden batch.
std::string BatchWithRecords(std::string_view records_bytes, int32_t count,
                             int32_t last_offset_delta) {
  std::string batch = FromHex(kGoldenBatch).substr(0, kRecordBatchHeaderSize);
  batch.append(records_bytes);
  PutBe32(batch, L::kRecordCount, count);
  PutBe32(batch, L::kLastOffsetDelta, last_offset_delta);
  Seal(batch);
  return batch;
}

std::string EncodeRecords(const std::vector<Record>& records) {
  std::string out;
  for (const Record& r : records) AppendRecord(out, r);
  return out;
}

// ---------------------------------------------------------------------------

TEST(RecordBatchTest, GoldenBatchDecodesFieldByField) {
  const std::string bytes = FromHex(kGoldenBatch);
  ASSERT_EQ(bytes.size(), 79u);
  RecordBatchView batch = MustParse(bytes);
  const RecordBatchHeader& h = batch.header();
  EXPECT_EQ(batch.size(), 79u);
  EXPECT_EQ(h.base_offset, 5);
  EXPECT_EQ(h.batch_length, 67);
  EXPECT_EQ(h.partition_leader_epoch, 3);
  EXPECT_EQ(h.magic, 2);
  EXPECT_EQ(h.crc, 0x760ad17cu);
  EXPECT_EQ(h.attributes, 0);
  EXPECT_EQ(h.compression(), Compression::kNone);
  EXPECT_EQ(h.timestamp_type(), TimestampType::kCreateTime);
  EXPECT_FALSE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_FALSE(h.delete_horizon_ms().has_value());
  EXPECT_EQ(h.last_offset_delta, 0);
  EXPECT_EQ(h.base_timestamp, kTimestamp);
  EXPECT_EQ(h.max_timestamp, kTimestamp + 5);
  EXPECT_EQ(h.producer_id, -1);
  EXPECT_FALSE(h.has_producer_id());
  EXPECT_EQ(h.producer_epoch, -1);
  EXPECT_EQ(h.base_sequence, -1);
  EXPECT_EQ(h.last_sequence(), -1);
  EXPECT_EQ(h.record_count, 1);
  EXPECT_EQ(h.last_offset(), 5);
  EXPECT_EQ(h.next_offset(), 6);
  EXPECT_EQ(h.size_in_bytes(), 79u);

  Result<std::vector<Record>> records = batch.DecodeRecords(kLimit);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 1u);
  const Record& r = (*records)[0];
  EXPECT_EQ(r.attributes, 0);
  EXPECT_EQ(h.record_offset(r.offset_delta), 5);
  EXPECT_EQ(h.record_timestamp(r.timestamp_delta), kTimestamp + 5);
  EXPECT_EQ(r.key, "k1");
  EXPECT_EQ(r.value, "hello");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (RecordHeader{"h", "v"}));
}

TEST(RecordBatchTest, BuilderWritesTheGoldenBytes) {
  RecordBatchHeader header{
      .base_offset = 5, .partition_leader_epoch = 3, .base_timestamp = kTimestamp};
  std::vector<Record> records = {
      {.timestamp_delta = 5, .key = "k1", .value = "hello", .headers = {{"h", "v"}}}};
  EXPECT_EQ(ToHex(MustBuild(header, Compression::kNone, records)), ToHex(FromHex(kGoldenBatch)));
}

TEST(RecordBatchTest, RoundTripsEveryCompression) {
  for (Compression c : kCodecs) {
    for (int n : {0, 1, 2, 100, 2000}) {
      RecordBatchHeader header = ProducerHeader();
      header.attributes = kTransactionalAttribute;
      std::vector<Record> in = SampleRecords(n);
      std::string bytes = MustBuild(header, c, in);
      RecordBatchView batch = MustParse(bytes);
      const RecordBatchHeader& h = batch.header();
      EXPECT_EQ(h.compression(), c);
      EXPECT_TRUE(h.is_transactional());
      EXPECT_EQ(h.size_in_bytes(), bytes.size());
      EXPECT_EQ(h.record_count, n);
      EXPECT_EQ(h.last_offset_delta, n > 0 ? n - 1 : 0);
      EXPECT_EQ(h.max_timestamp, n > 0 ? kTimestamp + (n - 1) * 3 : kNoTimestamp);
      EXPECT_EQ(h.producer_id, 4242);
      EXPECT_EQ(h.producer_epoch, 3);
      EXPECT_EQ(h.base_sequence, 17);
      EXPECT_EQ(h.last_sequence(), n > 0 ? 17 + n - 1 : 17);

      Result<std::vector<Record>> out = batch.DecodeRecords(kLimit);
      ASSERT_TRUE(out.ok()) << CompressionName(c) << ": " << out.status().ToString();
      EXPECT_EQ(*out, in) << CompressionName(c) << " " << n;

      std::string scratch;
      Result<std::vector<RecordView>> views = batch.DecodeRecordViews(kLimit, &scratch);
      ASSERT_TRUE(views.ok()) << views.status().ToString();
      ASSERT_EQ(views->size(), in.size());
      for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ((*views)[i].ToRecord(), in[i]);
    }
  }
}

TEST(RecordBatchTest, BuilderHonoursOverrides) {
  RecordBatchBuilder builder(ProducerHeader(), Compression::kNone);
  builder.Append({.offset_delta = 0, .value = "a"});
  builder.Append({.offset_delta = 4, .value = "b"});
  builder.set_last_offset_delta(9);
  builder.set_max_timestamp(123);
  EXPECT_EQ(builder.record_count(), 2);
  Result<std::string> bytes = std::move(builder).Build();
  ASSERT_TRUE(bytes.ok());
  RecordBatchView batch = MustParse(*bytes);
  EXPECT_EQ(batch.header().last_offset_delta, 9);
  EXPECT_EQ(batch.header().max_timestamp, 123);
  // Compacted batches look like this: gaps, and a last offset past the last record.
  Result<std::vector<Record>> records = batch.DecodeRecords(kLimit);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ((*records)[1].offset_delta, 4);
}

TEST(RecordBatchTest, BuilderReplacesOnlyTheCodecBits) {
  RecordBatchHeader header = ProducerHeader();
  header.attributes = kLogAppendTimeAttribute | kDeleteHorizonAttribute | 0x7;
  const std::string bytes = MustBuild(header, Compression::kLz4, SampleRecords(3));
  RecordBatchView batch = MustParse(bytes);
  EXPECT_EQ(batch.header().compression(), Compression::kLz4);
  EXPECT_EQ(batch.header().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(batch.header().delete_horizon_ms(), kTimestamp);
}

TEST(RecordBatchTest, EveryBitFlipIsCaught) {
  const std::string good = FromHex(kGoldenBatch);
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[byte] ^= static_cast<char>(1 << bit);
      Result<RecordBatchView> batch = RecordBatchView::Parse(bad);
      if (byte < L::kBatchLength || (byte >= L::kPartitionLeaderEpoch && byte < L::kMagic)) {
        // base_offset and partition_leader_epoch lie outside the CRC.
        EXPECT_TRUE(batch.ok()) << "byte " << byte;
      } else if (byte < L::kPartitionLeaderEpoch) {
        EXPECT_FALSE(batch.ok()) << "batch_length byte " << byte << " bit " << bit;
      } else if (byte == L::kMagic) {
        EXPECT_EQ(batch.status().code(), RecordBatchErrc::kUnsupportedMagic);
      } else {
        EXPECT_EQ(batch.status().code(), RecordBatchErrc::kCrcMismatch)
            << "byte " << byte << " bit " << bit;
      }
    }
  }
}

TEST(RecordBatchTest, BitFlipsInCompressedBatchesAreCaught) {
  std::mt19937_64 rng(5);
  for (Compression c : kCodecs) {
    const std::string good = MustBuild(ProducerHeader(), c, SampleRecords(50));
    for (int i = 0; i < 200; ++i) {
      std::string bad = good;
      size_t pos = L::kCrc + rng() % (good.size() - L::kCrc);
      bad[pos] ^= static_cast<char>(1 << (rng() % 8));
      EXPECT_EQ(RecordBatchView::Parse(bad).status().code(), RecordBatchErrc::kCrcMismatch);
    }
  }
}

TEST(RecordBatchTest, EveryTruncationIsAPartialBatch) {
  const std::string good = MustBuild(ProducerHeader(), Compression::kZstd, SampleRecords(10));
  for (size_t n = 0; n < good.size(); ++n) {
    std::string_view prefix = std::string_view(good).substr(0, n);
    Result<RecordBatchView> batch = RecordBatchView::Parse(prefix);
    EXPECT_EQ(batch.status().code(), RecordBatchErrc::kPartialBatch) << "prefix of " << n;

    RecordBatchReader reader(prefix);
    Result<std::optional<RecordBatchView>> next = reader.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_FALSE(next->has_value());
    EXPECT_EQ(reader.partial_tail(), prefix);
    EXPECT_EQ(reader.has_partial_tail(), n > 0);
  }
}

// Batches whose records section is cut (length and CRC fixed up, so only
// record decoding can notice) fail to decode, never crash.
TEST(RecordBatchTest, EveryTruncationOfTheRecordsFailsToDecode) {
  for (Compression c : kCodecs) {
    const std::string good = MustBuild(ProducerHeader(), c, SampleRecords(10));
    for (size_t n = kRecordBatchHeaderSize; n < good.size(); ++n) {
      std::string cut = good.substr(0, n);
      Seal(cut);
      Result<RecordBatchView> batch = RecordBatchView::Parse(cut);
      if (!batch.ok()) {
        // Uncompressed: too few bytes left for 10 records.
        EXPECT_EQ(batch.status().code(), RecordBatchErrc::kCorruptBatch);
        continue;
      }
      Result<std::vector<Record>> records = batch->DecodeRecords(kLimit);
      EXPECT_FALSE(records.ok()) << CompressionName(c) << " cut at " << n;
    }
  }
}

TEST(RecordBatchTest, RejectsBadHeaders) {
  const std::string golden = FromHex(kGoldenBatch);
  struct Case {
    const char* what;
    size_t pos;
    int32_t value;
    RecordBatchErrc expected;
  };
  const Case cases[] = {
      {"batch length below the header", L::kBatchLength, 48, RecordBatchErrc::kCorruptBatch},
      {"negative batch length", L::kBatchLength, -1, RecordBatchErrc::kCorruptBatch},
      {"batch length past the bytes", L::kBatchLength, 68, RecordBatchErrc::kPartialBatch},
      {"huge batch length", L::kBatchLength, std::numeric_limits<int32_t>::max(),
       RecordBatchErrc::kPartialBatch},
      {"negative record count", L::kRecordCount, -1, RecordBatchErrc::kCorruptBatch},
      {"absurd record count", L::kRecordCount, std::numeric_limits<int32_t>::max(),
       RecordBatchErrc::kCorruptBatch},
      {"negative last offset delta", L::kLastOffsetDelta, -1, RecordBatchErrc::kCorruptBatch},
  };
  for (const Case& c : cases) {
    std::string bad = golden;
    PutBe32(bad, c.pos, c.value);
    if (c.pos != L::kBatchLength) Seal(bad);
    EXPECT_EQ(RecordBatchView::Parse(bad).status().code(), c.expected) << c.what;
  }

  std::string magic1 = golden;
  magic1[L::kMagic] = 1;
  EXPECT_EQ(RecordBatchView::Parse(magic1).status().code(), RecordBatchErrc::kUnsupportedMagic);

  std::string codec6 = golden;
  codec6[L::kAttributes + 1] = 6;
  Seal(codec6);
  EXPECT_EQ(RecordBatchView::Parse(codec6).status().code(),
            RecordBatchErrc::kUnsupportedCompression);

  std::string overflow = golden;
  PutBe32(overflow, L::kBaseOffset, 0x7fffffff);
  PutBe32(overflow, L::kBaseOffset + 4, -1);  // base offset INT64_MAX, last offset delta 0
  EXPECT_TRUE(RecordBatchView::Parse(overflow).ok());
  PutBe32(overflow, L::kLastOffsetDelta, 1);
  Seal(overflow);
  EXPECT_EQ(RecordBatchView::Parse(overflow).status().code(), RecordBatchErrc::kCorruptBatch);

  std::string bad_crc = golden;
  bad_crc[L::kCrc] ^= 1;
  EXPECT_TRUE(RecordBatchView::Parse(bad_crc, CrcCheck::kSkip).ok());
}

TEST(RecordBatchTest, RejectsRecordsThatDisagreeWithTheHeader) {
  // Long enough that the header's count is plausible for the bytes.
  const std::string two = EncodeRecords(
      {{.offset_delta = 0, .value = "0123456789"}, {.offset_delta = 1, .value = "0123456789"}});
  struct Case {
    const char* what;
    std::string records;
    int32_t count;
    int32_t last_offset_delta;
    RecordBatchErrc expected;
  };
  const Case cases[] = {
      {"fewer records than counted", two, 3, 2, RecordBatchErrc::kRecordCountMismatch},
      {"more records than counted", two, 1, 1, RecordBatchErrc::kRecordCountMismatch},
      {"trailing garbage", two + "\x01", 2, 1, RecordBatchErrc::kRecordCountMismatch},
      {"repeated offset delta", EncodeRecords({{.offset_delta = 0}, {.offset_delta = 0}}), 2, 1,
       RecordBatchErrc::kCorruptRecord},
      {"decreasing offset delta", EncodeRecords({{.offset_delta = 1}, {.offset_delta = 0}}), 2, 1,
       RecordBatchErrc::kCorruptRecord},
      {"negative offset delta", EncodeRecords({{.offset_delta = -1}, {.offset_delta = 0}}), 2, 1,
       RecordBatchErrc::kCorruptRecord},
      {"offset delta past the last", EncodeRecords({{.offset_delta = 0}, {.offset_delta = 5}}), 2,
       4, RecordBatchErrc::kCorruptRecord},
      {"record longer than the batch", FromHex("7e 000000 0101 00") + two, 2, 1,
       RecordBatchErrc::kCorruptRecord},
  };
  for (const Case& c : cases) {
    std::string bytes = BatchWithRecords(c.records, c.count, c.last_offset_delta);
    Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
    ASSERT_TRUE(batch.ok()) << c.what << ": " << batch.status().ToString();
    Result<std::vector<Record>> records = batch->DecodeRecords(kLimit);
    EXPECT_EQ(records.status().code(), c.expected) << c.what << ": " << records.status().ToString();
  }
}

// What HasDenseRecords promises, by the full walk: every record decodes,
// offset deltas are 0..n-1 and, with `require_keys`, every key is there.
bool DenseByDecoding(const RecordBatchView& batch, bool require_keys) {
  Result<std::vector<Record>> records = batch.DecodeRecords(kLimit);
  if (!records.ok()) return false;
  for (size_t i = 0; i < records->size(); ++i) {
    if ((*records)[i].offset_delta != static_cast<int32_t>(i)) return false;
    if (require_keys && !(*records)[i].key) return false;
  }
  return true;
}

TEST(RecordBatchTest, DenseRecordsAreRecognizedWithoutDecoding) {
  std::vector<Record> keyed = SampleRecords(12);
  for (Record& r : keyed) r.key = "k";
  const std::string keyed_batch = MustBuild(ProducerHeader(), Compression::kNone, keyed);
  const RecordBatchView with_keys = MustParse(keyed_batch);
  EXPECT_TRUE(with_keys.HasDenseRecords(/*require_keys=*/false));
  EXPECT_TRUE(with_keys.HasDenseRecords(/*require_keys=*/true));

  const std::string some_null = MustBuild(ProducerHeader(), Compression::kNone, SampleRecords(12));
  EXPECT_TRUE(MustParse(some_null).HasDenseRecords(/*require_keys=*/false));
  EXPECT_FALSE(MustParse(some_null).HasDenseRecords(/*require_keys=*/true));

  // Compressed batches always take the full walk.
  const std::string gzip = MustBuild(ProducerHeader(), Compression::kGzip, keyed);
  EXPECT_FALSE(MustParse(gzip).HasDenseRecords(/*require_keys=*/false));

  // A gap in the offset deltas (valid for the batch, not for a producer).
  const std::string gap =
      BatchWithRecords(EncodeRecords({{.offset_delta = 0, .value = "0123456789"},
                                      {.offset_delta = 2, .value = "x"}}),
                       2, 2);
  EXPECT_FALSE(MustParse(gap).HasDenseRecords(/*require_keys=*/false));
  const std::string golden = FromHex(kGoldenBatch);
  EXPECT_EQ(MustParse(golden).HasDenseRecords(/*require_keys=*/false),
            DenseByDecoding(MustParse(golden), /*require_keys=*/false));
}

TEST(RecordBatchTest, DenseRecordsCheckTimestampBounds) {
  RecordBatchHeader h = ProducerHeader();
  h.base_timestamp = 1000;
  std::vector<Record> records = SampleRecords(3);
  for (size_t i = 0; i < records.size(); ++i)
    records[i].timestamp_delta = static_cast<int64_t>(10 * i);  // 1000..1020
  const RecordBatchView batch = MustParse(MustBuild(h, Compression::kNone, records));
  EXPECT_TRUE(batch.HasDenseRecords(/*require_keys=*/false, TimestampBounds{}));
  EXPECT_TRUE(
      batch.HasDenseRecords(/*require_keys=*/false, TimestampBounds{.min = 1000, .max = 1020}));
  EXPECT_FALSE(
      batch.HasDenseRecords(/*require_keys=*/false, TimestampBounds{.min = 1001, .max = 1020}));
  EXPECT_FALSE(
      batch.HasDenseRecords(/*require_keys=*/false, TimestampBounds{.min = 1000, .max = 1019}));
  // A record without a timestamp is never out of bounds.
  h.base_timestamp = kNoTimestamp;
  for (Record& r : records) r.timestamp_delta = 0;
  EXPECT_TRUE(MustParse(MustBuild(h, Compression::kNone, records))
                  .HasDenseRecords(/*require_keys=*/false, TimestampBounds{.min = 5, .max = 6}));
}

// The fast check never says yes where the full walk says no: every
// truncation and every bit flip of the records section (CRC fixed up).
TEST(RecordBatchTest, DenseRecordsCheckAgreesWithDecoding) {
  const std::string good = MustBuild(ProducerHeader(), Compression::kNone, SampleRecords(10));
  auto agree = [](const std::string& bytes, const std::string& what) {
    Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
    if (!batch.ok()) return;
    for (bool require_keys : {false, true}) {
      EXPECT_EQ(batch->HasDenseRecords(require_keys), DenseByDecoding(*batch, require_keys))
          << what << (require_keys ? " (keys required)" : "");
    }
  };
  agree(good, "intact");
  for (size_t n = kRecordBatchHeaderSize; n < good.size(); ++n) {
    std::string cut = good.substr(0, n);
    Seal(cut);
    agree(cut, "cut at " + std::to_string(n));
  }
  for (size_t byte = kRecordBatchHeaderSize; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = good;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      Seal(flipped);
      agree(flipped, "bit " + std::to_string(bit) + " of byte " + std::to_string(byte));
    }
  }
}

TEST(RecordBatchTest, CompressedBatchWithAbsurdCountFailsWithoutAllocating) {
  for (Compression c : kCodecs) {
    if (c == Compression::kNone) continue;
    std::string bytes = MustBuild(ProducerHeader(), c, SampleRecords(3));
    PutBe32(bytes, L::kRecordCount, std::numeric_limits<int32_t>::max());
    PutBe32(bytes, L::kLastOffsetDelta, std::numeric_limits<int32_t>::max());
    Seal(bytes);
    RecordBatchView batch = MustParse(bytes);
    EXPECT_EQ(batch.DecodeRecords(kLimit).status().code(), RecordBatchErrc::kRecordCountMismatch);
  }
}

TEST(RecordBatchTest, DecompressionIsBounded) {
  std::vector<Record> records = {{.value = std::string(4 << 20, 'z')}};
  for (Compression c : kCodecs) {
    if (c == Compression::kNone) continue;
    const std::string bytes = MustBuild(ProducerHeader(), c, records);
    RecordBatchView batch = MustParse(bytes);
    EXPECT_LT(batch.size(), 1u << 20) << CompressionName(c);
    EXPECT_EQ(batch.DecodeRecords(1 << 20).status().code(), RecordBatchErrc::kUncompressedTooLarge)
        << CompressionName(c);
  }
}

TEST(RecordBatchTest, CorruptCompressedPayloadFails) {
  for (Compression c : kCodecs) {
    if (c == Compression::kNone) continue;
    std::string bytes = MustBuild(ProducerHeader(), c, SampleRecords(20));
    for (size_t i = kRecordBatchHeaderSize; i < bytes.size(); i += 3) bytes[i] ^= 0x5a;
    Seal(bytes);
    EXPECT_FALSE(MustParse(bytes).DecodeRecords(kLimit).ok()) << CompressionName(c);
  }
}

TEST(RecordBatchTest, RewritesOffsetAndEpochInPlaceKeepingTheCrc) {
  std::string bytes = MustBuild(ProducerHeader(), Compression::kSnappy, SampleRecords(5));
  const uint32_t crc = MustParse(bytes).header().crc;
  SetBaseOffset(bytes, 1000000);
  SetPartitionLeaderEpoch(bytes, 12);
  RecordBatchView batch = MustParse(bytes);  // verifies the CRC
  EXPECT_EQ(batch.header().crc, crc);
  EXPECT_EQ(batch.header().base_offset, 1000000);
  EXPECT_EQ(batch.header().last_offset(), 1000004);
  EXPECT_EQ(batch.header().partition_leader_epoch, 12);
}

TEST(RecordBatchTest, StampsLogAppendTimeAndRecomputesTheCrc) {
  std::string bytes = MustBuild(ProducerHeader(), Compression::kGzip, SampleRecords(5));
  const uint32_t crc = MustParse(bytes).header().crc;
  SetMaxTimestamp(bytes, TimestampType::kLogAppendTime, 1800000000000);
  RecordBatchView batch = MustParse(bytes);
  EXPECT_NE(batch.header().crc, crc);
  EXPECT_EQ(batch.header().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(batch.header().compression(), Compression::kGzip);
  EXPECT_EQ(batch.header().max_timestamp, 1800000000000);
  EXPECT_EQ(batch.header().record_timestamp(/*timestamp_delta=*/3), 1800000000000);

  SetMaxTimestamp(bytes, TimestampType::kCreateTime, kTimestamp + 12);
  batch = MustParse(bytes);
  EXPECT_EQ(batch.header().crc, crc);  // back to what the producer wrote
  EXPECT_EQ(batch.header().record_timestamp(3), kTimestamp + 3);
}

TEST(RecordBatchReaderTest, IteratesConcatenatedBatchesAndReportsAPartialTail) {
  std::string records;
  std::vector<size_t> sizes;
  int64_t base_offset = 0;
  for (Compression c : kCodecs) {
    RecordBatchHeader header = ProducerHeader();
    header.base_offset = base_offset;
    std::string batch = MustBuild(header, c, SampleRecords(4));
    sizes.push_back(batch.size());
    records += batch;
    base_offset += 4;
  }
  const std::string last = MustBuild(ProducerHeader(), Compression::kNone, SampleRecords(4));
  const size_t complete = records.size();
  records += last.substr(0, 30);

  RecordBatchReader reader(records);
  int64_t expected_offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Result<std::optional<RecordBatchView>> next = reader.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    ASSERT_TRUE(next->has_value());
    EXPECT_EQ((*next)->size(), sizes[i]);
    EXPECT_EQ((*next)->header().base_offset, expected_offset);
    EXPECT_EQ((*next)->header().compression(), kCodecs[i]);
    expected_offset = (*next)->header().next_offset();
  }
  Result<std::optional<RecordBatchView>> end = reader.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_EQ(reader.position(), complete);
  EXPECT_TRUE(reader.has_partial_tail());
  EXPECT_EQ(reader.partial_tail(), last.substr(0, 30));
}

TEST(RecordBatchReaderTest, EmptyRecordsHaveNoBatches) {
  RecordBatchReader reader("");
  Result<std::optional<RecordBatchView>> next = reader.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  EXPECT_FALSE(reader.has_partial_tail());
}

TEST(RecordBatchReaderTest, StopsAtACorruptBatch) {
  std::string first = FromHex(kGoldenBatch);
  std::string second = first;
  second.back() ^= 1;
  std::string records = first + second + first;
  RecordBatchReader reader(records);
  ASSERT_TRUE(reader.Next().ok());
  Result<std::optional<RecordBatchView>> bad = reader.Next();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), RecordBatchErrc::kCrcMismatch);
  EXPECT_NE(bad.status().context().find("batch at byte 79"), std::string::npos)
      << bad.status().ToString();
  EXPECT_EQ(reader.position(), first.size());
}

TEST(ControlBatchTest, GoldenControlBatchDecodes) {
  const std::string bytes = FromHex(kGoldenControlBatch);
  RecordBatchView batch = MustParse(bytes);
  const RecordBatchHeader& h = batch.header();
  EXPECT_TRUE(h.is_control());
  EXPECT_TRUE(h.is_transactional());
  EXPECT_EQ(h.base_offset, 42);
  EXPECT_EQ(h.partition_leader_epoch, 9);
  EXPECT_EQ(h.producer_id, 1000);
  EXPECT_EQ(h.producer_epoch, 5);
  EXPECT_EQ(h.base_sequence, kNoSequence);
  EXPECT_EQ(h.record_count, 1);
  Result<EndTransactionMarker> marker = ReadEndTransactionMarker(batch);
  ASSERT_TRUE(marker.ok()) << marker.status().ToString();
  EXPECT_EQ(marker->type, ControlRecordType::kCommit);
  EXPECT_EQ(marker->coordinator_epoch, 7);
}

TEST(ControlBatchTest, BuildsTheGoldenBytes) {
  std::string bytes =
      BuildEndTransactionBatch({.base_offset = 42,
                                .partition_leader_epoch = 9,
                                .producer_id = 1000,
                                .producer_epoch = 5,
                                .timestamp_ms = kTimestamp},
                               {.type = ControlRecordType::kCommit, .coordinator_epoch = 7});
  EXPECT_EQ(ToHex(bytes), ToHex(FromHex(kGoldenControlBatch)));
}

TEST(ControlBatchTest, AbortMarkerRoundTrips) {
  std::string bytes = BuildEndTransactionBatch(
      {.base_offset = 7, .producer_id = 3, .producer_epoch = 0, .timestamp_ms = 1},
      {.type = ControlRecordType::kAbort, .coordinator_epoch = 2});
  Result<EndTransactionMarker> marker = ReadEndTransactionMarker(MustParse(bytes));
  ASSERT_TRUE(marker.ok()) << marker.status().ToString();
  EXPECT_EQ(*marker, (EndTransactionMarker{ControlRecordType::kAbort, 2}));
}

TEST(ControlBatchTest, DataBatchIsNotAMarker) {
  EXPECT_EQ(ReadEndTransactionMarker(MustParse(FromHex(kGoldenBatch))).status().code(),
            RecordBatchErrc::kInvalidControlRecord);
}

// The fuzz seeds must stay valid inputs: each holds batches that decode.
TEST(RecordBatchCorpusTest, FuzzSeedsDecode) {
  const std::filesystem::path dir =
      std::filesystem::path(BROOK_SOURCE_DIR) / "tests/fuzz/corpus/record_batch";
  size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string bytes = buf.str();
    RecordBatchReader reader(bytes);
    size_t batches = 0;
    for (;;) {
      Result<std::optional<RecordBatchView>> next = reader.Next();
      ASSERT_TRUE(next.ok()) << entry.path() << ": " << next.status().ToString();
      if (!next->has_value()) break;
      ++batches;
      EXPECT_TRUE((*next)->DecodeRecords(kLimit).ok()) << entry.path();
    }
    EXPECT_GT(batches, 0u) << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 6u);
}

}  // namespace
}  // namespace brook
