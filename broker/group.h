// broker/group.h
//
// One classic consumer group as Apache Kafka's GroupMetadata keeps it: state,
// generation, the chosen protocol, members (with their parked JoinGroup and
// SyncGroup requests) and the members that were handed an id but have not
// joined with it yet (MEMBER_ID_REQUIRED). Plain data plus the rules that need
// no timers or I/O; GroupCoordinator drives it on its strand.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/messages/join_group.h"
#include "protocol/messages/sync_group.h"

namespace brook::broker {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead" (Kafka's names).
std::string_view GroupStateName(GroupState state);

using SteadyTime = std::chrono::steady_clock::time_point;

// A request parked on the coordinator's strand until its response is known.
// Touched only on that strand; the waiter sleeps on `timer` until Complete.
template <typename Resp>
struct Parked {
  explicit Parked(const asio::any_io_executor& executor) : timer(executor, SteadyTime::max()) {}
  void Complete(Resp r) {
    response = std::move(r);
    timer.cancel();
  }
  asio::steady_timer timer;
  std::optional<Resp> response;
};

struct Member {
  std::string id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<JoinGroupRequest::JoinGroupRequestProtocol> protocols;
  std::string assignment;
  std::shared_ptr<Parked<JoinGroupResponse>> awaiting_join;
  std::shared_ptr<Parked<SyncGroupResponse>> awaiting_sync;
  SteadyTime session_deadline{};

  // The member's metadata for `protocol`; empty when it does not support it.
  std::string MetadataFor(const std::string& protocol) const;
  // Same protocol names and metadata, in the same order (Kafka's MemberMetadata.matches).
  bool Matches(const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& other) const;
};

// A committed offset as OffsetCommitValue holds it, and where its record is.
struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = -1;
  // When it expires regardless of offsets.retention.minutes (OffsetCommit
  // v2-4 retention_time_ms; kept as OffsetCommitValue v1). -1: none.
  int64_t expire_timestamp = -1;
  // Offset of its record in __consumer_offsets: when a transaction commits,
  // the newer record of a partition wins (Kafka keeps the one with the
  // higher record offset). -1: unknown.
  int64_t record_offset = -1;
};

using TopicPartition = std::pair<std::string, int32_t>;

// Which way a transaction ended.
enum class TxnResult { kCommit, kAbort };

class Group {
 public:
  explicit Group(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  void set_state(GroupState s) { state_ = s; }
  // When the group entered its state (Kafka's currentStateTimestamp), ms
  // since the epoch; -1: unknown.
  int64_t current_state_timestamp() const { return current_state_timestamp_; }
  void set_current_state_timestamp(int64_t ms) { current_state_timestamp_ = ms; }
  bool Is(GroupState s) const { return state_ == s; }
  int32_t generation() const { return generation_; }
  void set_generation(int32_t g) { generation_ = g; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  void set_protocol_type(std::optional<std::string> t) { protocol_type_ = std::move(t); }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  void set_protocol_name(std::optional<std::string> n) { protocol_name_ = std::move(n); }
  const std::string& leader() const { return leader_; }
  void set_leader(std::string l) { leader_ = std::move(l); }

  std::map<std::string, Member>& members() { return members_; }
  const std::map<std::string, Member>& members() const { return members_; }
  bool Has(const std::string& member_id) const { return members_.count(member_id) != 0; }
  Member* Find(const std::string& member_id);
  bool IsLeader(const std::string& member_id) const { return leader_ == member_id; }

  // Adds a member; the first becomes leader and sets the protocol type.
  Member& Add(Member member);
  // Removes a member (and its static id); picks a new leader when it led.
  void Remove(const std::string& member_id);

  // Members handed an id (MEMBER_ID_REQUIRED) that have not joined with it,
  // with the time their session runs out.
  std::map<std::string, SteadyTime>& pending_members() { return pending_members_; }

  // Static membership: instance id -> member id.
  std::optional<std::string> StaticMember(const std::string& instance_id) const;
  // True when `instance_id` belongs to another member id (FENCED_INSTANCE_ID).
  bool IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                            const std::string& member_id) const;
  // Moves a static member to a new member id, keeping everything else.
  void ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                           const std::string& new_id);

  // Kafka's supportsProtocols: an empty group takes any non-empty type and
  // protocol list; otherwise the type must match and one protocol must be
  // supported by every member.
  bool SupportsProtocols(const std::string& protocol_type,
                         const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& p) const;
  // The protocol every member supports with the most first-choice votes.
  std::optional<std::string> SelectProtocol() const;

  bool HasAllMembersJoined() const;

  // Rebalance bookkeeping for the coordinator's timer.
  SteadyTime rebalance_deadline{};
  // InitialDelayedJoin (group.initial.rebalance.delay.ms) for a group that was Empty.
  bool initial_delay = false;
  bool new_member_added = false;
  int64_t initial_delay_remaining_ms = 0;

  // Committed offsets, by topic and partition.
  std::map<std::pair<std::string, int32_t>, CommittedOffset>& offsets() { return offsets_; }
  const std::map<std::pair<std::string, int32_t>, CommittedOffset>& offsets() const {
    return offsets_;
  }

  // Transactional offsets (TxnOffsetCommit) in __consumer_offsets whose
  // transaction has not ended, by producer id: invisible to OffsetFetch until
  // a commit marker makes them committed offsets.
  using PendingOffsets = std::map<TopicPartition, CommittedOffset>;
  std::map<int64_t, PendingOffsets>& pending_txn_offsets() { return pending_txn_offsets_; }
  const std::map<int64_t, PendingOffsets>& pending_txn_offsets() const {
    return pending_txn_offsets_;
  }
  // Whether any open transaction holds an offset of `tp`.
  bool HasPendingTxnOffset(const TopicPartition& tp) const;
  // The end of `producer_id`'s transaction, its marker at `marker_offset`:
  // its pending offsets written before the marker become committed offsets
  // (kCommit; unless a newer record of the partition is already committed)
  // or are dropped (kAbort). Later ones stay pending. Applying the same end
  // twice changes nothing. Returns whether the producer still has pending
  // offsets here.
  bool CompleteTxn(int64_t producer_id, int64_t marker_offset, TxnResult result);
  // A tombstone of `tp` removes its committed and its pending offsets.
  void RemoveOffset(const TopicPartition& tp);
  // No committed and no pending offset.
  bool HasNoOffsets() const { return offsets_.empty() && pending_txn_offsets_.empty(); }

 private:
  std::string id_;
  GroupState state_ = GroupState::kEmpty;
  int64_t current_state_timestamp_ = -1;
  int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::string leader_;
  std::map<std::string, Member> members_;
  std::vector<std::string> join_order_;  // member ids, oldest first (leader choice)
  std::map<std::string, SteadyTime> pending_members_;
  std::map<std::string, std::string> static_members_;
  std::map<std::pair<std::string, int32_t>, CommittedOffset> offsets_;
  std::map<int64_t, PendingOffsets> pending_txn_offsets_;
};

}  // namespace brook::broker
