// tests/client/assignors_test.cc
//
// The consumer protocol's metadata and assignment layouts, and the range and
// round-robin assignors against assignments the Java client computes.
#include "client/assignors.h"

#include <gtest/gtest.h>

namespace brook::client {
namespace {

MemberSubscription Member(std::string id, std::vector<std::string> topics,
                          std::optional<std::string> instance = std::nullopt) {
  return MemberSubscription{.member_id = std::move(id),
                            .group_instance_id = std::move(instance),
                            .subscription = ConsumerSubscription{.topics = std::move(topics)}};
}

TEST(AssignorsTest, SubscriptionRoundTripsEveryVersionAndReadsJavasLayout) {
  ConsumerSubscription in{.topics = {"a", "b"},
                          .user_data = std::string("\x01\x02", 2),
                          .owned_partitions = {{"a", 0}, {"a", 2}, {"b", 1}},
                          .generation_id = 7,
                          .rack_id = "r1"};
  for (int16_t v = 0; v <= 3; ++v) {
    Result<ConsumerSubscription> out = DecodeSubscription(EncodeSubscription(in, v));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ConsumerSubscription want = in;
    if (v < 1) want.owned_partitions.clear();
    if (v < 2) want.generation_id = -1;
    if (v < 3) want.rack_id.reset();
    EXPECT_EQ(*out, want) << "version " << v;
  }
  // Version 0 as Java writes it: topics ["t"], null user data.
  std::string v0(
      "\x00\x00"
      "\x00\x00\x00\x01"
      "\x00\x01t"
      "\xff\xff\xff\xff",
      13);
  EXPECT_EQ(EncodeSubscription(ConsumerSubscription{.topics = {"t"}}, 0), v0);
  // A later version with fields we do not know yet still decodes.
  // owned [] | generation 3 | rack null | then bytes of fields we do not know.
  std::string tail(
      "\x00\x00\x00\x00"
      "\x00\x00\x00\x03"
      "\xff\xff"
      "extra",
      15);
  Result<ConsumerSubscription> later =
      DecodeSubscription(std::string("\x00\x09", 2) + v0.substr(2) + tail);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->topics, std::vector<std::string>{"t"});
  EXPECT_EQ(later->generation_id, 3);
  EXPECT_FALSE(DecodeSubscription(v0.substr(0, 7)).ok());
  EXPECT_FALSE(DecodeSubscription(std::string("\x00\x00\x7f\xff\xff\xff", 6)).ok());
}

TEST(AssignorsTest, AssignmentRoundTripsAndEmptyBytesMeanNoPartitions) {
  ConsumerAssignment in{.partitions = {{"a", 0}, {"a", 1}, {"b", 3}}};
  Result<ConsumerAssignment> out = DecodeAssignment(EncodeAssignment(in));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, in);
  std::string bytes = EncodeAssignment(ConsumerAssignment{.partitions = {{"t", 5}}});
  EXPECT_EQ(bytes, std::string("\x00\x00"
                               "\x00\x00\x00\x01"
                               "\x00\x01t"
                               "\x00\x00\x00\x01"
                               "\x00\x00\x00\x05"
                               "\xff\xff\xff\xff",
                               21));
  Result<ConsumerAssignment> empty = DecodeAssignment("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->partitions.empty());
}

// RangeAssignorTest.testMultipleConsumersMixedTopics and friends.
TEST(AssignorsTest, RangeGivesConsecutiveRangesPerTopicFirstMembersOneMore) {
  std::vector<MemberSubscription> members = {Member("c2", {"t1", "t2"}), Member("c0", {"t1"}),
                                             Member("c1", {"t1", "t2"})};
  GroupAssignment a = AssignRange(members, {{"t1", 3}, {"t2", 2}});
  EXPECT_EQ(a["c0"], (std::vector<TopicPartition>{{"t1", 0}}));
  EXPECT_EQ(a["c1"], (std::vector<TopicPartition>{{"t1", 1}, {"t2", 0}}));
  EXPECT_EQ(a["c2"], (std::vector<TopicPartition>{{"t1", 2}, {"t2", 1}}));

  GroupAssignment six = AssignRange({Member("b", {"t"}), Member("a", {"t"})}, {{"t", 6}});
  EXPECT_EQ(six["a"], (std::vector<TopicPartition>{{"t", 0}, {"t", 1}, {"t", 2}}));
  EXPECT_EQ(six["b"], (std::vector<TopicPartition>{{"t", 3}, {"t", 4}, {"t", 5}}));

  GroupAssignment seven =
      AssignRange({Member("a", {"t"}), Member("b", {"t"}), Member("c", {"t"})}, {{"t", 7}});
  EXPECT_EQ(seven["a"].size(), 3u);
  EXPECT_EQ(seven["b"], (std::vector<TopicPartition>{{"t", 3}, {"t", 4}}));
  EXPECT_EQ(seven["c"], (std::vector<TopicPartition>{{"t", 5}, {"t", 6}}));

  // Static members sort by instance id, before dynamic ones.
  GroupAssignment statics = AssignRange(
      {Member("a", {"t"}), Member("z", {"t"}, "i1"), Member("b", {"t"}, "i0")}, {{"t", 3}});
  EXPECT_EQ(statics["b"], (std::vector<TopicPartition>{{"t", 0}}));
  EXPECT_EQ(statics["z"], (std::vector<TopicPartition>{{"t", 1}}));
  EXPECT_EQ(statics["a"], (std::vector<TopicPartition>{{"t", 2}}));

  // Unknown topics are not assigned; everyone still appears.
  GroupAssignment none = AssignRange({Member("a", {"missing"})}, {});
  ASSERT_EQ(none.count("a"), 1u);
  EXPECT_TRUE(none["a"].empty());
}

// RoundRobinAssignorTest.testTwoConsumersTwoTopicsSixPartitions and
// testMultipleConsumersMixedTopics.
TEST(AssignorsTest, RoundRobinDealsPartitionsInTurnToSubscribedMembers) {
  GroupAssignment a = AssignRoundRobin({Member("c1", {"t1", "t2"}), Member("c0", {"t1", "t2"})},
                                       {{"t1", 3}, {"t2", 3}});
  EXPECT_EQ(a["c0"], (std::vector<TopicPartition>{{"t1", 0}, {"t1", 2}, {"t2", 1}}));
  EXPECT_EQ(a["c1"], (std::vector<TopicPartition>{{"t1", 1}, {"t2", 0}, {"t2", 2}}));

  GroupAssignment mixed =
      AssignRoundRobin({Member("c0", {"t1"}), Member("c1", {"t1", "t2"}), Member("c2", {"t1"})},
                       {{"t1", 3}, {"t2", 2}});
  EXPECT_EQ(mixed["c0"], (std::vector<TopicPartition>{{"t1", 0}}));
  EXPECT_EQ(mixed["c1"], (std::vector<TopicPartition>{{"t1", 1}, {"t2", 0}, {"t2", 1}}));
  EXPECT_EQ(mixed["c2"], (std::vector<TopicPartition>{{"t1", 2}}));
}

}  // namespace
}  // namespace brook::client
