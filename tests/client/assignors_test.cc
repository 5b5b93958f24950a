// tests/client/assignors_test.cc
//
// The consumer protocol's metadata and assignment layouts, the range and
// round-robin assignors against assignments the Java client computes, and
// the sticky and cooperative-sticky assignors against their properties
// (balance, stickiness, generations, determinism).
#include "client/assignors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

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

// A member that owned `owned` in `generation` (subscription v2).
MemberSubscription Owner(std::string id, std::vector<std::string> topics,
                         std::vector<TopicPartition> owned, int32_t generation) {
  MemberSubscription m = Member(std::move(id), std::move(topics));
  m.subscription.owned_partitions = std::move(owned);
  m.subscription.generation_id = generation;
  return m;
}

std::vector<TopicPartition> All(const std::string& topic, int32_t count) {
  std::vector<TopicPartition> out;
  for (int32_t p = 0; p < count; ++p) out.push_back({topic, p});
  return out;
}

// Every partition of `counts` exactly once, each to a subscriber; the
// per-member counts.
std::map<std::string, size_t> CheckComplete(const std::vector<MemberSubscription>& members,
                                            const PartitionCounts& counts,
                                            const GroupAssignment& a) {
  std::map<TopicPartition, int> seen;
  std::map<std::string, size_t> sizes;
  for (const MemberSubscription& m : members) {
    auto it = a.find(m.member_id);
    EXPECT_NE(it, a.end()) << m.member_id;
    if (it == a.end()) continue;
    sizes[m.member_id] = it->second.size();
    for (const TopicPartition& tp : it->second) {
      ++seen[tp];
      const auto& topics = m.subscription.topics;
      EXPECT_NE(std::find(topics.begin(), topics.end(), tp.topic), topics.end())
          << m.member_id << " got " << tp.topic << "-" << tp.partition;
    }
  }
  size_t want = 0;
  for (const auto& [topic, count] : counts) {
    bool subscribed = std::any_of(members.begin(), members.end(), [&](const auto& m) {
      const auto& t = m.subscription.topics;
      return std::find(t.begin(), t.end(), topic) != t.end();
    });
    if (subscribed) want += static_cast<size_t>(count);
  }
  EXPECT_EQ(seen.size(), want);
  for (const auto& [tp, n] : seen) EXPECT_EQ(n, 1) << tp.topic << "-" << tp.partition;
  return sizes;
}

size_t Spread(const std::map<std::string, size_t>& sizes) {
  auto [lo, hi] = std::minmax_element(
      sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return hi->second - lo->second;
}

size_t Kept(const std::vector<TopicPartition>& before, const std::vector<TopicPartition>& after) {
  return static_cast<size_t>(std::count_if(before.begin(), before.end(), [&](const auto& tp) {
    return std::find(after.begin(), after.end(), tp) != after.end();
  }));
}

TEST(AssignorsTest, StickyMemberDataComesFromTheFieldsOrEitherUserDataLayout) {
  // v2 fields.
  ConsumerSubscription v2{.topics = {"t"}, .owned_partitions = {{"t", 1}}, .generation_id = 4};
  EXPECT_EQ(StickyMemberDataOf(v2), (StickyMemberData{{{"t", 1}}, 4}));
  // Java's CooperativeStickyAssignor before v2: the generation as user data.
  ConsumerSubscription coop{.topics = {"t"},
                            .user_data = std::string("\x00\x00\x00\x07", 4),
                            .owned_partitions = {{"t", 0}}};
  EXPECT_EQ(StickyMemberDataOf(coop), (StickyMemberData{{{"t", 0}}, 7}));
  // StickyAssignorUserData v1 (Java's StickyAssignor, librdkafka): its
  // partitions stand in for owned partitions an eager member no longer lists.
  std::string user_data = EncodeStickyUserData({{"a", 2}, {"b", 0}, {"a", 3}}, 9);
  EXPECT_EQ(user_data.size(), 4u + (2 + 1 + 4 + 8) + (2 + 1 + 4 + 4) + 4u);
  ConsumerSubscription sticky{.topics = {"a", "b"}, .user_data = user_data};
  EXPECT_EQ(StickyMemberDataOf(sticky), (StickyMemberData{{{"a", 2}, {"a", 3}, {"b", 0}}, 9}));
  // v0 user data has no generation; garbage gives no claims.
  ConsumerSubscription v0{.topics = {"a"}, .user_data = user_data.substr(0, user_data.size() - 4)};
  EXPECT_EQ(StickyMemberDataOf(v0).generation_id, -1);
  EXPECT_EQ(StickyMemberDataOf(v0).partitions.size(), 3u);
  ConsumerSubscription junk{.topics = {"a"}, .user_data = std::string("\x7f\x00\x00\x00\x01", 5)};
  EXPECT_EQ(StickyMemberDataOf(junk), StickyMemberData{});
  // The subscription carrying them round-trips at v2.
  ConsumerSubscription full = v2;
  full.user_data = user_data;
  Result<ConsumerSubscription> out = DecodeSubscription(EncodeSubscription(full, 2));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, full);
}

TEST(AssignorsTest, StickyBalancesAFreshGroup) {
  std::vector<MemberSubscription> members = {Member("c", {"t1", "t2"}), Member("a", {"t1", "t2"}),
                                             Member("b", {"t1", "t2"})};
  PartitionCounts counts = {{"t1", 4}, {"t2", 3}};
  GroupAssignment a = AssignSticky(members, counts);
  std::map<std::string, size_t> sizes = CheckComplete(members, counts, a);
  EXPECT_LE(Spread(sizes), 1u);
  // Also with more members than partitions: some get none, nobody two.
  std::vector<MemberSubscription> many;
  for (int i = 0; i < 5; ++i) many.push_back(Member("m" + std::to_string(i), {"t"}));
  sizes = CheckComplete(many, {{"t", 3}}, AssignSticky(many, {{"t", 3}}));
  EXPECT_LE(Spread(sizes), 1u);
}

TEST(AssignorsTest, StickyKeepsOwnedPartitionsWhenAMemberJoins) {
  // a owned all six; b joins: a keeps three of its own, b takes the others.
  std::vector<MemberSubscription> members = {Owner("a", {"t"}, All("t", 6), 3), Member("b", {"t"})};
  GroupAssignment a = AssignSticky(members, {{"t", 6}});
  CheckComplete(members, {{"t", 6}}, a);
  EXPECT_EQ(a["a"].size(), 3u);
  EXPECT_EQ(a["b"].size(), 3u);
  EXPECT_EQ(Kept(All("t", 6), a["a"]), 3u);

  // Cooperative: b gets nothing a still owns, so nothing this round; a
  // learns it keeps three (and revokes the rest).
  GroupAssignment first = AssignCooperativeSticky(members, {{"t", 6}});
  EXPECT_EQ(first["a"], a["a"]);
  EXPECT_TRUE(first["b"].empty());
  // The follow-up round: a owns its three in the new generation; b gets the rest.
  members = {Owner("a", {"t"}, first["a"], 4), Owner("b", {"t"}, {}, 4)};
  GroupAssignment second = AssignCooperativeSticky(members, {{"t", 6}});
  CheckComplete(members, {{"t", 6}}, second);
  EXPECT_EQ(second["a"], first["a"]);
  EXPECT_EQ(second["b"], a["b"]);
}

TEST(AssignorsTest, StickyHandsALeaversPartitionsToTheOthersAndMovesNothingElse) {
  PartitionCounts counts = {{"t", 100}};
  std::vector<MemberSubscription> members;
  for (int i = 0; i < 10; ++i) members.push_back(Member("m" + std::to_string(i), {"t"}));
  GroupAssignment before = AssignSticky(members, counts);
  // m3 leaves; the nine others claim what they had.
  std::vector<MemberSubscription> rest;
  for (int i = 0; i < 10; ++i) {
    std::string id = "m" + std::to_string(i);
    if (i != 3) rest.push_back(Owner(id, {"t"}, before[id], 5));
  }
  GroupAssignment after = AssignSticky(rest, counts);
  std::map<std::string, size_t> sizes = CheckComplete(rest, counts, after);
  EXPECT_LE(Spread(sizes), 1u);
  for (const MemberSubscription& m : rest) {
    EXPECT_EQ(Kept(before[m.member_id], after[m.member_id]), before[m.member_id].size())
        << m.member_id << " lost a partition";
  }
  // Cooperative: nobody else owns m3's partitions, so they move at once.
  EXPECT_EQ(AssignCooperativeSticky(rest, counts), after);

  // A member joins the nine: only what it needs moves (10 partitions), and
  // the cooperative round withholds exactly those.
  std::vector<MemberSubscription> joined;
  for (const MemberSubscription& m : rest)
    joined.push_back(Owner(m.member_id, {"t"}, after[m.member_id], 6));
  joined.push_back(Member("new", {"t"}));
  GroupAssignment grown = AssignSticky(joined, counts);
  CheckComplete(joined, counts, grown);
  EXPECT_EQ(grown["new"].size(), 10u);
  size_t kept = 0;
  for (const MemberSubscription& m : rest) kept += Kept(after[m.member_id], grown[m.member_id]);
  EXPECT_EQ(kept, 90u);
  GroupAssignment cooperative = AssignCooperativeSticky(joined, counts);
  EXPECT_TRUE(cooperative["new"].empty());
  for (const MemberSubscription& m : rest) EXPECT_EQ(cooperative[m.member_id], grown[m.member_id]);
}

TEST(AssignorsTest, StickyTrustsTheLatestGenerationsClaims) {
  PartitionCounts counts = {{"t", 4}};
  // a's claim on t-0 is stale (b owned it since); a still keeps t-1.
  std::vector<MemberSubscription> members = {Owner("a", {"t"}, {{"t", 0}, {"t", 1}}, 2),
                                             Owner("b", {"t"}, {{"t", 0}, {"t", 2}}, 5)};
  GroupAssignment a = AssignSticky(members, counts);
  CheckComplete(members, counts, a);
  EXPECT_EQ(Kept({{"t", 0}, {"t", 2}}, a["b"]), 2u);
  EXPECT_EQ(Kept({{"t", 1}}, a["a"]), 1u);
  // Cooperative: a's stale claim does not hold t-0 back from b.
  EXPECT_EQ(AssignCooperativeSticky(members, counts), a);

  // Two claims in the same generation cancel: whoever gets t-0 now may not
  // take it until both have let it go.
  members = {Owner("a", {"t"}, {{"t", 0}}, 5), Owner("b", {"t"}, {{"t", 0}}, 5),
             Member("c", {"t"})};
  GroupAssignment disputed = AssignCooperativeSticky(members, counts);
  for (const auto& [member, tps] : disputed) {
    if (member == "c") continue;
    EXPECT_EQ(std::count(tps.begin(), tps.end(), TopicPartition{"t", 0}), 0) << member;
  }
  // Claims without a generation (v1 members) lose to any generation.
  members = {Owner("a", {"t"}, {{"t", 3}}, -1), Owner("b", {"t"}, {{"t", 3}}, 0)};
  GroupAssignment old = AssignSticky(members, counts);
  EXPECT_EQ(Kept({{"t", 3}}, old["b"]), 1u);
  // Claims on partitions that no longer exist, or topics the member left, are dropped.
  members = {Owner("a", {"t"}, {{"t", 9}, {"gone", 0}, {"u", 0}}, 3), Member("b", {"t"})};
  GroupAssignment pruned = AssignCooperativeSticky(members, {{"t", 4}, {"u", 1}});
  CheckComplete(members, {{"t", 4}, {"u", 1}}, pruned);
  EXPECT_EQ(pruned["a"].size() + pruned["b"].size(), 4u);
}

TEST(AssignorsTest, StickyGivesPartitionsOnlyToSubscribersAndStillBalances) {
  // t1 is a's and b's, t2 b's and c's, "orphan" nobody's. b owned all of t1
  // and c all of t2: balance needs a chain (c passes t2 to b, b t1 to a).
  PartitionCounts counts = {{"t1", 2}, {"t2", 4}, {"orphan", 3}};
  std::vector<MemberSubscription> members = {Member("a", {"t1"}),
                                             Owner("b", {"t1", "t2"}, All("t1", 2), 1),
                                             Owner("c", {"t2"}, All("t2", 4), 1)};
  GroupAssignment a = AssignSticky(members, counts);
  std::map<std::string, size_t> sizes = CheckComplete(members, counts, a);
  EXPECT_EQ(sizes, (std::map<std::string, size_t>{{"a", 2}, {"b", 2}, {"c", 2}}));
  for (const auto& [member, tps] : a) {
    for (const TopicPartition& tp : tps) EXPECT_NE(tp.topic, "orphan");
  }
  // Subscriptions that cannot be balanced are as even as subscriptions allow.
  members = {Member("a", {"small"}), Member("b", {"small", "big"}), Member("c", {"big"})};
  counts = {{"small", 1}, {"big", 8}};
  sizes = CheckComplete(members, counts, AssignSticky(members, counts));
  EXPECT_EQ(sizes, (std::map<std::string, size_t>{{"a", 1}, {"b", 4}, {"c", 4}}));
}

TEST(AssignorsTest, StickyIsDeterministicWhateverTheMemberOrder) {
  PartitionCounts counts = {{"t1", 7}, {"t2", 5}, {"t3", 3}};
  std::vector<MemberSubscription> members = {
      Owner("m1", {"t1", "t2"}, {{"t1", 0}, {"t1", 1}, {"t2", 4}}, 3),
      Owner("m2", {"t1", "t2", "t3"}, {{"t3", 0}, {"t1", 1}}, 2), Member("m3", {"t2", "t3"}),
      Member("m4", {"t1", "t3"}, "static-1"), Owner("m5", {"t1"}, {{"t1", 6}}, 3)};
  GroupAssignment want = AssignSticky(members, counts);
  GroupAssignment want_cooperative = AssignCooperativeSticky(members, counts);
  CheckComplete(members, counts, want);
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(members.begin(), members.end(), rng);
    EXPECT_EQ(AssignSticky(members, counts), want);
    EXPECT_EQ(AssignCooperativeSticky(members, counts), want_cooperative);
  }
  EXPECT_EQ(AssignSticky({}, counts), GroupAssignment{});
}

// Random groups (subscriptions, claims, stale generations): every
// partition once, to a subscriber, and no partition could move to a member
// subscribed to it that holds two fewer than its holder.
TEST(AssignorsTest, StickyRandomGroupsAreCompleteAndLocallyBalanced) {
  std::mt19937 rng(42);
  const std::vector<std::string> topics = {"a", "b", "c", "d"};
  for (int round = 0; round < 50; ++round) {
    PartitionCounts counts;
    for (const std::string& t : topics) counts[t] = static_cast<int32_t>(rng() % 12);
    std::vector<MemberSubscription> members;
    size_t n = 1 + rng() % 12;
    for (size_t i = 0; i < n; ++i) {
      std::vector<std::string> mine;
      for (const std::string& t : topics) {
        if (rng() % 2) mine.push_back(t);
      }
      std::vector<TopicPartition> owned;
      for (int k = 0; k < 4; ++k) {
        const std::string& t = topics[rng() % topics.size()];
        owned.push_back({t, static_cast<int32_t>(rng() % 14)});
      }
      members.push_back(
          Owner("m" + std::to_string(i), mine, owned, static_cast<int32_t>(rng() % 4) - 1));
    }
    GroupAssignment a = AssignSticky(members, counts);
    std::map<std::string, size_t> sizes = CheckComplete(members, counts, a);
    for (const MemberSubscription& from : members) {
      for (const TopicPartition& tp : a[from.member_id]) {
        for (const MemberSubscription& to : members) {
          const auto& t = to.subscription.topics;
          if (std::find(t.begin(), t.end(), tp.topic) == t.end()) continue;
          EXPECT_LT(sizes[from.member_id], sizes[to.member_id] + 2)
              << "round " << round << ": " << tp.topic << "-" << tp.partition << " could move from "
              << from.member_id << " to " << to.member_id;
        }
      }
    }
    // Cooperative: a subset of the above.
    GroupAssignment cooperative = AssignCooperativeSticky(members, counts);
    for (const auto& [member, tps] : cooperative) {
      for (const TopicPartition& tp : tps) {
        EXPECT_NE(std::find(a[member].begin(), a[member].end(), tp), a[member].end());
      }
    }
  }
}

}  // namespace
}  // namespace brook::client
