// client/assignors.h
//
// The "consumer" protocol type's member metadata and assignments, and the
// partition assignors a group leader runs, bit-compatible with the Java
// client's ConsumerProtocol, RangeAssignor and RoundRobinAssignor so that a
// group can mix Brook, Java and librdkafka members; the sticky assignors
// follow the semantics of Java's AbstractStickyAssignor (KIP-54) and
// CooperativeStickyAssignor (KIP-429), computed our own way.
//
// ConsumerProtocolSubscription (JoinGroup protocol metadata), big-endian,
// not flexible:
//   version           int16    the consumer writes 2; any version >= 0 is read
//   topics            [string] int32 count, int16-length strings
//   user_data         bytes    int32 length, -1: null
//   owned_partitions  v1+: [topic string, partitions [int32]]
//   generation_id     v2+: int32 (-1 default)
//   rack_id           v3+: nullable string
// ConsumerProtocolAssignment (SyncGroup assignment), version 0 and 1 alike:
//   version              int16
//   assigned_partitions  [topic string, partitions [int32]]
//   user_data            bytes
// StickyAssignorUserData (the user data of Java's StickyAssignor and of
// librdkafka's sticky assignors; Java's CooperativeStickyAssignor writes
// only the generation, as one int32):
//   previous_assignment  [topic string, partitions [int32]]
//   generation           v1+: int32
// Readers accept later versions and ignore bytes after the fields they
// know, as Kafka's do. An empty assignment (a member the leader left out)
// decodes as no partitions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client_config.h"
#include "client/consumer_record.h"
#include "protocol/base/status.h"

namespace brook::client {

inline constexpr std::string_view kConsumerProtocolType = "consumer";

struct ConsumerSubscription {
  std::vector<std::string> topics;
  std::optional<std::string> user_data;
  std::vector<TopicPartition> owned_partitions;  // v1+
  int32_t generation_id = -1;                    // v2+
  std::optional<std::string> rack_id;            // v3+

  bool operator==(const ConsumerSubscription&) const = default;
};

struct ConsumerAssignment {
  std::vector<TopicPartition> partitions;
  std::optional<std::string> user_data;

  bool operator==(const ConsumerAssignment&) const = default;
};

// REQUIRES: 0 <= version <= 3.
std::string EncodeSubscription(const ConsumerSubscription& subscription, int16_t version = 1);
// Errors: kBadResponse (truncated or negative lengths).
Result<ConsumerSubscription> DecodeSubscription(std::string_view bytes);
std::string EncodeAssignment(const ConsumerAssignment& assignment, int16_t version = 0);
Result<ConsumerAssignment> DecodeAssignment(std::string_view bytes);

// The protocol name a JoinGroup lists for an assignor ("range", "roundrobin",
// "cooperative-sticky").
std::string_view AssignorName(AssignorKind kind);
std::optional<AssignorKind> AssignorByName(std::string_view name);

struct MemberSubscription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  ConsumerSubscription subscription;
};

// Partitions per topic; topics missing here (unknown to the leader) are not
// assigned.
using PartitionCounts = std::map<std::string, int32_t>;
// Member id -> its partitions; every member appears, perhaps with none.
using GroupAssignment = std::map<std::string, std::vector<TopicPartition>>;

// What a sticky assignor learns from a member's subscription: the
// partitions it owns and the generation it owned them in. The v1/v2 fields
// when the subscription has them, else its user data (either layout above).
struct StickyMemberData {
  std::vector<TopicPartition> partitions;
  int32_t generation_id = -1;  // -1: unknown, older than any known one

  bool operator==(const StickyMemberData&) const = default;
};
StickyMemberData StickyMemberDataOf(const ConsumerSubscription& subscription);
// StickyAssignorUserData v1.
std::string EncodeStickyUserData(const std::vector<TopicPartition>& partitions,
                                 int32_t generation_id);

// Java's RangeAssignor (without rack awareness): per topic, its subscribers
// in member order take consecutive ranges, the first (partitions % members)
// one partition more.
GroupAssignment AssignRange(const std::vector<MemberSubscription>& members,
                            const PartitionCounts& partitions);
// Java's RoundRobinAssignor: every subscribed partition, topics in name
// order, dealt in turn to the members (in member order) subscribed to it.
GroupAssignment AssignRoundRobin(const std::vector<MemberSubscription>& members,
                                 const PartitionCounts& partitions);
// The sticky assignment (Java's StickyAssignor semantics): balanced (no
// partition can move, directly or along a chain of members subscribed to
// what they would pass on, from a member to one holding two fewer; with
// equal subscriptions the counts differ by at most one), and sticky: every
// member first keeps the partitions it owns, and only what balance needs
// moves, preferring partitions that were not kept. A claim counts when the
// member subscribes to the topic, the partition exists, and no other member
// claims it in a later generation; two claims in the same latest generation
// cancel each other. Partitions go only to subscribers of their topic;
// topics nobody subscribes to are not assigned. Deterministic: the result
// depends on the members, not on their order.
GroupAssignment AssignSticky(const std::vector<MemberSubscription>& members,
                             const PartitionCounts& partitions);
// Java's CooperativeStickyAssignor (KIP-429): the sticky assignment without
// the partitions that another member still owns (a latest claim, see
// above). Their owners revoke them and rejoin; the next assignment hands
// them over.
GroupAssignment AssignCooperativeSticky(const std::vector<MemberSubscription>& members,
                                        const PartitionCounts& partitions);

}  // namespace brook::client
