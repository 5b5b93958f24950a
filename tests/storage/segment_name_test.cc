// tests/storage/segment_name_test.cc
#include "storage/segment_name.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace brook::storage {
namespace {

TEST(SegmentNameTest, FormatsTwentyZeroPaddedDigits) {
  EXPECT_EQ(SegmentFileName(0, SegmentFileType::kLog), "00000000000000000000.log");
  EXPECT_EQ(SegmentFileName(42, SegmentFileType::kIndex), "00000000000000000042.index");
  EXPECT_EQ(SegmentFileName(1234567, SegmentFileType::kTimeIndex),
            "00000000000001234567.timeindex");
  EXPECT_EQ(SegmentFileName(INT64_MAX, SegmentFileType::kTxnIndex),
            "09223372036854775807.txnindex");
  EXPECT_EQ(SegmentFileName(7, SegmentFileType::kSnapshot), "00000000000000000007.snapshot");
}

TEST(SegmentNameTest, PathJoinsTheDirectory) {
  EXPECT_EQ(SegmentFilePath("t-0", 5, SegmentFileType::kLog), "t-0/00000000000000000005.log");
  EXPECT_EQ(SegmentFilePath("", 5, SegmentFileType::kLog), "00000000000000000005.log");
}

TEST(SegmentNameTest, ParsesWhatItFormats) {
  for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{1} << 40, INT64_MAX}) {
    for (SegmentFileType type :
         {SegmentFileType::kLog, SegmentFileType::kIndex, SegmentFileType::kTimeIndex,
          SegmentFileType::kTxnIndex, SegmentFileType::kSnapshot}) {
      EXPECT_EQ(ParseSegmentFileName(SegmentFileName(offset, type)),
                (ParsedSegmentFileName{offset, type}))
          << SegmentFileName(offset, type);
    }
  }
}

TEST(SegmentNameTest, RejectsEverythingElse) {
  for (const char* name : {
           "",
           ".log",
           "0.log",                      // too few digits
           "0000000000000000000.log",    // 19 digits
           "000000000000000000000.log",  // 21 digits
           "0000000000000000000a.log",   // not a digit
           "-0000000000000000001.log",   // sign
           "+0000000000000000001.log",
           "09223372036854775808.log",  // INT64_MAX + 1
           "99999999999999999999.log",
           "00000000000000000000",  // no extension
           "00000000000000000000.",
           "00000000000000000000log",
           "00000000000000000000.LOG",
           "00000000000000000000.logs",
           "00000000000000000000.log.deleted",  // Kafka's pending delete
           "00000000000000000000.log.cleaned",
           "00000000000000000000.index.swap",
           "00000000000000000000.checkpoint",
           "leader-epoch-checkpoint",
           "partition.metadata",
       }) {
    EXPECT_EQ(ParseSegmentFileName(name), std::nullopt) << name;
  }
}

}  // namespace
}  // namespace brook::storage
