// tests/client/partitioner_test.cc
#include "client/partitioner.h"

#include <gtest/gtest.h>

#include <set>

namespace brook::client {
namespace {

// Values of Java's org.apache.kafka.common.utils.Utils.murmur2 (Kafka's
// UtilsTest.testMurmur2 and the hashes other ports check against it).
TEST(PartitionerTest, Murmur2MatchesJava) {
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2("abc"), 479470107);
  EXPECT_EQ(Murmur2("1"), -1993445489);
  EXPECT_EQ(Murmur2("12"), 126087238);
  EXPECT_EQ(Murmur2("123"), -267702483);
  EXPECT_EQ(Murmur2("1234"), -1614185708);
  EXPECT_EQ(Murmur2("12345"), -1188365604);
}

TEST(PartitionerTest, Murmur2HashesBytesAboveSeventyFAsUnsigned) {
  // Java masks each byte with 0xff; a sign-extending port would differ here.
  std::string high = "\xff\x80\xfe\x81\xc3";
  EXPECT_EQ(Murmur2(high), Murmur2(std::string(high)));
  EXPECT_NE(Murmur2(high), Murmur2("\x7f\x00\x7e\x01\x43"));
}

TEST(PartitionerTest, ToPositiveClearsTheSignBitInsteadOfNegating) {
  EXPECT_EQ(ToPositive(-1), 0x7fffffff);
  EXPECT_EQ(ToPositive(-2147483648), 0);
  EXPECT_EQ(ToPositive(5), 5);
  // "21" hashes to -973932308: toPositive gives 1173551340, % 7 = 3.
  EXPECT_EQ(KeyPartition("21", 7), 1173551340 % 7);
}

TEST(PartitionerTest, StickyPartitionHoldsForABatchThenMoves) {
  StickyPartitioner sticky(/*batch_size=*/100, /*seed=*/42);
  int32_t first = sticky.Partition("t", 4, 30);
  EXPECT_EQ(sticky.Partition("t", 4, 30), first);
  EXPECT_EQ(sticky.Partition("t", 4, 30), first);
  EXPECT_EQ(sticky.Partition("t", 4, 30), first);  // 90 -> 120 bytes: full now
  int32_t second = sticky.Partition("t", 4, 30);
  EXPECT_NE(second, first);
  std::set<int32_t> seen;
  for (int i = 0; i < 400; ++i) seen.insert(sticky.Partition("t", 4, 50));
  EXPECT_EQ(seen.size(), 4u);
}

TEST(PartitionerTest, StickyPartitionIsPerTopicAndInRange) {
  StickyPartitioner sticky(16384, 7);
  for (int i = 0; i < 100; ++i) {
    int32_t p = sticky.Partition("one", 1, 10);
    EXPECT_EQ(p, 0);
    int32_t q = sticky.Partition("three", 3, 1000);
    EXPECT_GE(q, 0);
    EXPECT_LT(q, 3);
  }
}

}  // namespace
}  // namespace brook::client
