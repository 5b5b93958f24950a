// tests/protocol/record_test.cc
#include "protocol/record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/record_batch_errors.h"
#include "tests/testing/serde_testing.h"

namespace brook {
namespace {

using testing::FromHex;
using testing::ToHex;

Record RoundTrip(const Record& in) {
  std::string bytes;
  AppendRecord(bytes, in);
  EXPECT_EQ(bytes.size(), EncodedRecordSize(in));
  std::string_view rest = bytes;
  RecordView view;
  Status s = ParseRecord(&rest, &view);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(rest.empty());
  return view.ToRecord();
}

Status Parse(std::string_view bytes) {
  RecordView view;
  return ParseRecord(&bytes, &view);
}

// The record of the golden batch in record_batch_test.cc:
//   22              length 17 (zig-zag)
//   00              attributes
//   0a              timestamp delta 5
//   00              offset delta 0
//   04 6b31         key "k1"
//   0a 68656c6c6f   value "hello"
//   02              one header
//   02 68 | 02 76   "h" = "v"
constexpr char kSpecRecord[] = "22 00 0a 00 04 6b31 0a 68656c6c6f 02 02 68 02 76";

TEST(RecordTest, EncodesAsTheSpecSays) {
  Record r{.timestamp_delta = 5, .key = "k1", .value = "hello", .headers = {{"h", "v"}}};
  std::string bytes;
  AppendRecord(bytes, r);
  EXPECT_EQ(ToHex(bytes), ToHex(FromHex(kSpecRecord)));
}

TEST(RecordTest, ParsesSpecBytes) {
  std::string bytes = FromHex(kSpecRecord) + "next";
  std::string_view rest = bytes;
  RecordView view;
  ASSERT_TRUE(ParseRecord(&rest, &view).ok());
  EXPECT_EQ(rest, "next");
  EXPECT_EQ(view.attributes, 0);
  EXPECT_EQ(view.timestamp_delta, 5);
  EXPECT_EQ(view.offset_delta, 0);
  EXPECT_EQ(view.key, "k1");
  EXPECT_EQ(view.value, "hello");
  ASSERT_EQ(view.headers.size(), 1u);
  EXPECT_EQ(view.headers[0].key, "h");
  EXPECT_EQ(view.headers[0].value, "v");
}

TEST(RecordTest, RoundTripsEveryShape) {
  std::vector<Record> cases = {
      Record{},
      Record{.key = "", .value = ""},
      Record{.attributes = 3, .timestamp_delta = -7, .offset_delta = 123456, .key = "k"},
      Record{.timestamp_delta = int64_t{1} << 40, .value = std::string(300, 'v')},
      Record{.offset_delta = 2147483647, .key = std::string(20000, 'k'), .value = "x"},
      Record{.value = "v",
             .headers = {{"a", std::nullopt}, {"", ""}, {"long", std::string(200, 'h')}}},
  };
  for (const Record& r : cases) EXPECT_EQ(RoundTrip(r), r);
}

TEST(RecordTest, EveryTruncationFails) {
  std::string bytes = FromHex(kSpecRecord);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Status s = Parse(std::string_view(bytes).substr(0, n));
    EXPECT_EQ(s.code(), RecordBatchErrc::kCorruptRecord) << "prefix of " << n;
  }
}

TEST(RecordTest, RejectsMalformedFields) {
  const char* cases[] = {
      "01",                                                   // length -1
      "ffffffff0f",                                           // length -2^31
      "ffffffffff00",                                         // 6-byte varint
      "20 00 0a 00 04 6b31 0a 68656c6c6f 02 02 68 02 76 00",  // length 16 < fields
      "24 00 0a 00 04 6b31 0a 68656c6c6f 02 02 68 02 76 00",  // length 18 > fields
      "16 00 00 00 03 0a 68656c6c6f 00",                      // key length -2
      "16 00 00 00 01 0e 68656c6c6f 00",                      // value length 7 > what is left
      "0c 00 00 00 01 01 01",                                 // header count -1
      "0e 00 00 00 01 01 c8 01",                              // 100 headers in 0 bytes
      "10 00 00 00 01 01 02 01 01",                           // header key null
      "10 00 00 00 01 01 02 00 03",                           // header value length -2
      "1c 00 ffffffffffffffffffff 00 01 01 00",               // 11-byte timestamp varlong
  };

  for (const char* hex : cases) {
    Status s = Parse(FromHex(hex));
    EXPECT_EQ(s.code(), RecordBatchErrc::kCorruptRecord) << hex << ": " << s.ToString();
  }
}

TEST(ControlRecordTest, KeyMatchesSpecBytes) {
  EXPECT_EQ(EncodeControlRecordKey(ControlRecordType::kAbort), FromHex("0000 0000"));
  EXPECT_EQ(EncodeControlRecordKey(ControlRecordType::kCommit), FromHex("0000 0001"));
  Record r = MakeEndTransactionRecord({.type = ControlRecordType::kCommit, .coordinator_epoch = 7});
  EXPECT_EQ(r.key, FromHex("0000 0001"));
  EXPECT_EQ(r.value, FromHex("0000 00000007"));
  EXPECT_EQ(r.offset_delta, 0);
  EXPECT_EQ(r.timestamp_delta, 0);
}

TEST(ControlRecordTest, MarkerRoundTrips) {
  for (auto type : {ControlRecordType::kAbort, ControlRecordType::kCommit}) {
    EndTransactionMarker in{.type = type, .coordinator_epoch = -3};
    Record r = MakeEndTransactionRecord(in);
    Result<EndTransactionMarker> out = ParseEndTransactionMarker(r.key, r.value);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, in);
  }
}

TEST(ControlRecordTest, AcceptsLaterVersionsAndUnknownTypes) {
  // Version 1 with an extra field: Kafka reads the fields it knows.
  Result<EndTransactionMarker> m =
      ParseEndTransactionMarker(FromHex("0001 0001 ff"), FromHex("0001 00000009 abcd"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->type, ControlRecordType::kCommit);
  EXPECT_EQ(m->coordinator_epoch, 9);
  Result<ControlRecordType> t = ParseControlRecordKey(FromHex("0000 0063"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(static_cast<int16_t>(*t), 99);
}

TEST(ControlRecordTest, RejectsMalformedMarkers) {
  const std::string commit = FromHex("0000 0001");
  const std::string value = FromHex("0000 00000001");
  struct Case {
    std::optional<std::string> key, value;
  };
  const Case cases[] = {
      {std::nullopt, value},               // null key
      {FromHex("000000"), value},          // short key
      {FromHex("ffff 0001"), value},       // negative key version
      {FromHex("0000 0002"), value},       // leader change, not a marker
      {commit, std::nullopt},              // null value
      {commit, FromHex("0000 000000")},    // short value
      {commit, FromHex("8000 00000001")},  // negative value version
  };
  for (const Case& c : cases) {
    Result<EndTransactionMarker> m = ParseEndTransactionMarker(c.key, c.value);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), RecordBatchErrc::kInvalidControlRecord);
  }
}

}  // namespace
}  // namespace brook
