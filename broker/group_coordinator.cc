// broker/group_coordinator.cc
#include "broker/group_coordinator.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cctype>
#include <exception>
#include <set>

#include "broker/group_records.h"
#include "broker/internal_topics.h"
#include "protocol/base/logging.h"
#include "protocol/base/uuid.h"
#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("groups");

// Kafka's offset.metadata.max.bytes default.
constexpr size_t kOffsetMetadataMaxBytes = 4096;

// Appending to __consumer_offsets failed: as Kafka's GroupMetadataManager
// maps append errors for commits.
ErrorCode ToCommitError(const Status& s) {
  if (s.code() == storage::Errc::kRecordTooLarge) return ErrorCode::kInvalidCommitOffsetSize;
  if (s.code() == storage::Errc::kNotFound) return ErrorCode::kCoordinatorNotAvailable;
  return ErrorCode::kUnknownServerError;  // ours: logged where it happened
}

// TxnOffsetCommit: the verification's answer or the append's failure, as
// Kafka answers them. A partition outside the transaction is
// TRANSACTION_ABORTABLE from v4 (clients before it know INVALID_TXN_STATE);
// an older epoch is INVALID_PRODUCER_EPOCH at every version (the partition
// leader's answer; clients treat it as fenced).
ErrorCode ToTxnCommitError(ErrorCode verification, int16_t version) {
  if (verification == ErrorCode::kInvalidTxnState && version >= 4) {
    return ErrorCode::kTransactionAbortable;
  }
  return verification;
}
ErrorCode ToTxnCommitError(const Status& s, int16_t version) {
  if (s.code() == storage::Errc::kInvalidProducerEpoch) return ErrorCode::kInvalidProducerEpoch;
  if (s.code() == storage::Errc::kInvalidTxnState) {
    return ToTxnCommitError(ErrorCode::kInvalidTxnState, version);
  }
  return ToCommitError(s);
}

// DescribeGroups v3+ authorized_operations without ACLs: READ, DELETE, DESCRIBE.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

SteadyTime Now() { return std::chrono::steady_clock::now(); }

std::string JavaUuidString() {
  static constexpr char kHex[] = "0123456789abcdef";
  Uuid uuid = Uuid::Random();
  std::string out;
  for (size_t i = 0; i < uuid.bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[uuid.bytes[i] >> 4];
    out += kHex[uuid.bytes[i] & 0xf];
  }
  return out;
}

JoinGroupResponse JoinError(const std::string& member_id, ErrorCode error) {
  JoinGroupResponse resp;
  resp.error_code = error;
  resp.generation_id = -1;
  resp.protocol_name = std::nullopt;
  resp.member_id = member_id;
  return resp;
}

SyncGroupResponse SyncError(ErrorCode error) {
  SyncGroupResponse resp;
  resp.error_code = error;
  return resp;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The commits of an OffsetCommit or TxnOffsetCommit request (same field
// names): per partition, `error` if set, UNKNOWN_TOPIC_OR_PARTITION,
// OFFSET_METADATA_TOO_LARGE, or a record for __consumer_offsets and the
// offset to apply once it is written. Fills the response's topics.
// `expire_timestamp`: -1, or when the offsets expire (OffsetCommit v2-4).
template <typename ReqTopics, typename RespTopics>
void PlanCommits(const storage::LogManager* logs, const std::string& group_id,
                 const ReqTopics& topics, ErrorCode error, bool with_leader_epoch, int64_t now,
                 int64_t expire_timestamp, RespTopics& resp_topics, std::vector<Record>& records,
                 std::vector<std::pair<TopicPartition, CommittedOffset>>& accepted) {
  for (const auto& topic : topics) {
    auto& rt = resp_topics.emplace_back();
    rt.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& rp = rt.partitions.emplace_back();
      rp.partition_index = p.partition_index;
      if (error != ErrorCode::kNone) {
        rp.error_code = error;
      } else if (logs == nullptr || logs->Partition(topic.name, p.partition_index) == nullptr) {
        rp.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (p.committed_metadata && p.committed_metadata->size() > kOffsetMetadataMaxBytes) {
        rp.error_code = ErrorCode::kOffsetMetadataTooLarge;
      } else {
        CommittedOffset c{.offset = p.committed_offset,
                          .leader_epoch = with_leader_epoch ? p.committed_leader_epoch : -1,
                          .metadata = p.committed_metadata.value_or(""),
                          .commit_timestamp = now,
                          .expire_timestamp = expire_timestamp};
        records.push_back(
            {.offset_delta = static_cast<int32_t>(records.size()),
             .key = EncodeOffsetCommitKey(
                 {.group = group_id, .topic = topic.name, .partition = p.partition_index}),
             .value = EncodeOffsetCommitValue({.offset = c.offset,
                                               .leader_epoch = c.leader_epoch,
                                               .metadata = c.metadata,
                                               .commit_timestamp = c.commit_timestamp,
                                               .expire_timestamp = c.expire_timestamp})});
        accepted.push_back({{topic.name, p.partition_index}, std::move(c)});
      }
    }
  }
}

// The topics of a consumer protocol subscription (ConsumerProtocolSubscription:
// int16 version, then an array of topic names); nullopt when it does not parse.
std::optional<std::vector<std::string>> SubscribedTopics(std::string_view metadata) {
  std::vector<std::string> topics;
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>((static_cast<uint8_t>(metadata[at]) << 8) |
                                 static_cast<uint8_t>(metadata[at + 1]));
  };
  if (metadata.size() < 6) return std::nullopt;
  const uint32_t count = (static_cast<uint32_t>(u16(2)) << 16) | u16(4);
  size_t at = 6;
  if (count > metadata.size()) return std::nullopt;  // each name takes two bytes at least
  for (uint32_t i = 0; i < count; ++i) {
    if (at + 2 > metadata.size()) return std::nullopt;
    const size_t len = u16(at);
    at += 2;
    if (at + len > metadata.size()) return std::nullopt;
    topics.emplace_back(metadata.substr(at, len));
    at += len;
  }
  return topics;
}

}  // namespace

GroupCoordinator::GroupCoordinator(asio::io_context& io, GroupCoordinatorOptions options)
    : strand_(asio::make_strand(io)), sweep_timer_(strand_), options_(options) {}

GroupCoordinator::~GroupCoordinator() { Stop(); }

void GroupCoordinator::Start() {
  next_offsets_check_ =
      Now() + std::chrono::milliseconds(options_.offsets_retention_check_interval_ms);
  asio::co_spawn(strand_, Sweep(), LogEscaped{kLog, "group sweep"});
  if (options_.logs == nullptr || !options_.logs->Topic(kOffsetsTopic)) return;
  // Read __consumer_offsets off the io threads; requests meanwhile get
  // COORDINATOR_LOAD_IN_PROGRESS (retriable) and come back.
  loading_ = true;
  loader_ = std::thread([this] {
    auto loaded = std::make_shared<LoadedState>();
    if (Status s = LoadInto(*options_.logs, loaded->groups, loaded->txn_groups, stop_loading_);
        !s.ok()) {
      kLog.Error("loading ", kOffsetsTopic, ": ", s.ToString(), "; serving what was read");
    }
    asio::post(strand_, [this, loaded] { Loaded(loaded); });
  });
}

// Public entry points: hop onto the strand.

asio::awaitable<JoinGroupResponse> GroupCoordinator::JoinGroup(JoinGroupRequest req,
                                                               int16_t version,
                                                               std::string client_id,
                                                               std::string client_host) {
  co_return co_await asio::co_spawn(
      strand_, DoJoinGroup(std::move(req), version, std::move(client_id), std::move(client_host)),
      asio::use_awaitable);
}

asio::awaitable<SyncGroupResponse> GroupCoordinator::SyncGroup(SyncGroupRequest req,
                                                               int16_t version) {
  co_return co_await asio::co_spawn(strand_, DoSyncGroup(std::move(req), version),
                                    asio::use_awaitable);
}

asio::awaitable<ErrorCode> GroupCoordinator::Heartbeat(HeartbeatRequest req) {
  co_return co_await asio::co_spawn(strand_, DoHeartbeat(std::move(req)), asio::use_awaitable);
}

asio::awaitable<std::vector<LeaveGroupResponse::MemberResponse>> GroupCoordinator::LeaveGroup(
    std::string group_id, std::vector<LeaveGroupRequest::MemberIdentity> members) {
  co_return co_await asio::co_spawn(strand_, DoLeaveGroup(std::move(group_id), std::move(members)),
                                    asio::use_awaitable);
}

asio::awaitable<ListGroupsResponse> GroupCoordinator::ListGroups(ListGroupsRequest req) {
  co_return co_await asio::co_spawn(strand_, DoListGroups(std::move(req)), asio::use_awaitable);
}

asio::awaitable<std::vector<DescribeGroupsResponse::DescribedGroup>>
GroupCoordinator::DescribeGroups(std::vector<std::string> groups,
                                 bool include_authorized_operations) {
  co_return co_await asio::co_spawn(
      strand_, DoDescribeGroups(std::move(groups), include_authorized_operations),
      asio::use_awaitable);
}

asio::awaitable<std::vector<DeleteGroupsResponse::DeletableGroupResult>>
GroupCoordinator::DeleteGroups(std::vector<std::string> groups) {
  co_return co_await asio::co_spawn(strand_, DoDeleteGroups(std::move(groups)),
                                    asio::use_awaitable);
}

template <typename Resp>
asio::awaitable<Resp> GroupCoordinator::Wait(std::shared_ptr<Parked<Resp>> parked) {
  while (!parked->response) {
    asio::error_code ec;
    co_await parked->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::move(*parked->response);
}

Group* GroupCoordinator::FindGroup(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

// JoinGroup: Kafka's handleJoinGroup, doNewMemberJoinGroup and doCurrentMemberJoinGroup.
asio::awaitable<JoinGroupResponse> GroupCoordinator::DoJoinGroup(JoinGroupRequest req,
                                                                 int16_t version,
                                                                 std::string client_id,
                                                                 std::string client_host) {
  if (loading_) co_return JoinError(req.member_id, ErrorCode::kCoordinatorLoadInProgress);
  if (req.session_timeout_ms < options_.min_session_timeout_ms ||
      req.session_timeout_ms > options_.max_session_timeout_ms) {
    co_return JoinError(req.member_id, ErrorCode::kInvalidSessionTimeout);
  }
  const bool unknown_member = req.member_id.empty();
  Group* group = FindGroup(req.group_id);
  if (group == nullptr) {
    if (!unknown_member) co_return JoinError(req.member_id, ErrorCode::kUnknownMemberId);
    group =
        groups_.emplace(req.group_id, std::make_unique<Group>(req.group_id)).first->second.get();
  }
  if (group->Is(GroupState::kDead)) {
    co_return JoinError(req.member_id, ErrorCode::kCoordinatorNotAvailable);
  }
  {
    // A static member coming back under its instance id is no new member.
    std::string joining = req.member_id;
    if (unknown_member && req.group_instance_id) {
      joining = group->StaticMember(*req.group_instance_id).value_or("");
    }
    if (!AcceptJoiningMember(*group, joining)) {
      // As Kafka, the member turned away is no longer one (it had not rejoined).
      group->pending_members().erase(joining);
      if (group->Has(joining)) RemoveMemberAndUpdateGroup(*group, joining);
      co_return JoinError(req.member_id, ErrorCode::kGroupMaxSizeReached);
    }
  }
  if (!group->SupportsProtocols(req.protocol_type, req.protocols)) {
    // A group made for this join alone goes again.
    if (group->members().empty() && group->pending_members().empty() && group->HasNoOffsets() &&
        group->generation() == 0) {
      groups_.erase(req.group_id);
    }
    co_return JoinError(req.member_id, ErrorCode::kInconsistentGroupProtocol);
  }
  const int32_t rebalance_timeout_ms =
      version >= 1 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  auto parked = std::make_shared<Parked<JoinGroupResponse>>(strand_);
  auto new_member = [&](std::string id) {
    Member m;
    m.id = std::move(id);
    m.instance_id = req.group_instance_id;
    m.client_id = client_id;
    m.client_host = client_host;
    m.session_timeout_ms = req.session_timeout_ms;
    m.rebalance_timeout_ms = rebalance_timeout_ms;
    m.protocol_type = req.protocol_type;
    m.protocols = req.protocols;
    return m;
  };

  if (unknown_member) {
    const std::string id =
        (req.group_instance_id ? *req.group_instance_id : client_id) + "-" + JavaUuidString();
    if (req.group_instance_id) {
      if (std::optional<std::string> old = group->StaticMember(*req.group_instance_id)) {
        // A static member restarted: the new id takes its place; requests
        // still parked under the old id are fenced.
        Member* previous = group->Find(*old);
        if (previous != nullptr) {
          if (previous->awaiting_join) {
            previous->awaiting_join->Complete(JoinError(*old, ErrorCode::kFencedInstanceId));
            previous->awaiting_join = nullptr;
          }
          if (previous->awaiting_sync) {
            previous->awaiting_sync->Complete(SyncError(ErrorCode::kFencedInstanceId));
            previous->awaiting_sync = nullptr;
          }
        }
        group->ReplaceStaticMember(*req.group_instance_id, *old, id);
        Member& member = *group->Find(id);
        if (group->Is(GroupState::kStable)) {
          // Kafka's updateStaticMemberAndRebalance: no rebalance while the
          // protocol the group would pick stays the same; the leader is told
          // to skip the assignment (v9) and everyone keeps theirs.
          member.protocols = req.protocols;
          member.session_timeout_ms = req.session_timeout_ms;
          member.rebalance_timeout_ms = rebalance_timeout_ms;
          member.client_id = client_id;
          member.client_host = client_host;
          if (group->SelectProtocol() == group->protocol_name()) {
            StoreGroup(*group);
            ScheduleSession(member);
            const bool leader = group->IsLeader(id);
            JoinGroupResponse resp = CurrentJoinResponse(*group, id, leader);
            resp.skip_assignment = leader;
            co_return resp;
          }
        }
        UpdateMemberAndRebalance(*group, member, req, version, parked);
      } else {
        AddMemberAndRebalance(*group, new_member(id), parked);
      }
    } else if (version >= 4) {
      group->pending_members()[id] = Now() + std::chrono::milliseconds(req.session_timeout_ms);
      co_return JoinError(id, ErrorCode::kMemberIdRequired);
    } else {
      AddMemberAndRebalance(*group, new_member(id), parked);
    }
  } else if (group->pending_members().count(req.member_id) != 0) {
    group->pending_members().erase(req.member_id);
    AddMemberAndRebalance(*group, new_member(req.member_id), parked);
  } else if (group->IsStaticMemberFenced(req.group_instance_id, req.member_id)) {
    co_return JoinError(req.member_id, ErrorCode::kFencedInstanceId);
  } else if (!group->Has(req.member_id)) {
    co_return JoinError(req.member_id, ErrorCode::kUnknownMemberId);
  } else {
    Member& member = *group->Find(req.member_id);
    switch (group->state()) {
      case GroupState::kPreparingRebalance:
        UpdateMemberAndRebalance(*group, member, req, version, parked);
        break;
      case GroupState::kCompletingRebalance:
        if (member.Matches(req.protocols)) {
          // A retried join: the same answer again.
          co_return CurrentJoinResponse(*group, member.id, group->IsLeader(member.id));
        }
        UpdateMemberAndRebalance(*group, member, req, version, parked);
        break;
      case GroupState::kStable:
        if (group->IsLeader(member.id) || !member.Matches(req.protocols)) {
          UpdateMemberAndRebalance(*group, member, req, version, parked);
        } else {
          ScheduleSession(member);
          co_return CurrentJoinResponse(*group, member.id, false);
        }
        break;
      case GroupState::kEmpty:
      case GroupState::kDead: co_return JoinError(req.member_id, ErrorCode::kUnknownMemberId);
    }
  }
  if (group->Is(GroupState::kPreparingRebalance)) MaybeCompleteJoin(*group);
  co_return co_await Wait(std::move(parked));
}

void GroupCoordinator::AddMemberAndRebalance(Group& group, Member member,
                                             std::shared_ptr<Parked<JoinGroupResponse>> parked) {
  if (group.Is(GroupState::kPreparingRebalance) && group.initial_delay) {
    group.new_member_added = true;
  }
  member.awaiting_join = std::move(parked);
  group.Add(std::move(member));
  MaybePrepareRebalance(group);
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& group, Member& member,
                                                const JoinGroupRequest& req, int16_t version,
                                                std::shared_ptr<Parked<JoinGroupResponse>> parked) {
  member.protocols = req.protocols;
  member.session_timeout_ms = req.session_timeout_ms;
  member.rebalance_timeout_ms = version >= 1 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  if (member.awaiting_join) {
    // A second join while the first is parked: the first learns nothing new.
    member.awaiting_join->Complete(JoinError(member.id, ErrorCode::kRebalanceInProgress));
  }
  member.awaiting_join = std::move(parked);
  MaybePrepareRebalance(group);
}

void GroupCoordinator::MaybePrepareRebalance(Group& group) {
  if (group.Is(GroupState::kStable) || group.Is(GroupState::kCompletingRebalance) ||
      group.Is(GroupState::kEmpty)) {
    PrepareRebalance(group);
  }
}

void GroupCoordinator::PrepareRebalance(Group& group) {
  if (group.Is(GroupState::kCompletingRebalance)) {
    ResetAndPropagateAssignmentError(group, ErrorCode::kRebalanceInProgress);
  }
  int64_t rebalance_timeout_ms = 0;
  for (const auto& [id, m] : group.members()) {
    rebalance_timeout_ms = std::max<int64_t>(rebalance_timeout_ms, m.rebalance_timeout_ms);
  }
  if (group.Is(GroupState::kEmpty)) {
    // Kafka's InitialDelayedJoin: give the other members of a new group a
    // moment to arrive before the first generation.
    const int64_t delay = std::min(options_.initial_rebalance_delay_ms, rebalance_timeout_ms);
    group.initial_delay = true;
    group.new_member_added = false;
    group.initial_delay_remaining_ms =
        std::max<int64_t>(rebalance_timeout_ms - options_.initial_rebalance_delay_ms, 0);
    group.rebalance_deadline = Now() + std::chrono::milliseconds(delay);
  } else {
    group.initial_delay = false;
    group.rebalance_deadline = Now() + std::chrono::milliseconds(rebalance_timeout_ms);
  }
  TransitionTo(group, GroupState::kPreparingRebalance);
  MaybeCompleteJoin(group);  // everyone may be here already (or nobody left)
}

void GroupCoordinator::MaybeCompleteJoin(Group& group) {
  if (group.Is(GroupState::kPreparingRebalance) && !group.initial_delay &&
      group.HasAllMembersJoined()) {
    CompleteJoin(group);
  }
}

// Kafka's onCompleteJoin: members that did not rejoin are dropped, the next
// generation begins, and every parked join learns the outcome.
void GroupCoordinator::CompleteJoin(Group& group) {
  std::vector<std::string> not_rejoined;
  for (const auto& [id, m] : group.members()) {
    if (!m.awaiting_join) not_rejoined.push_back(id);
  }
  for (const std::string& id : not_rejoined) {
    Member* m = group.Find(id);
    if (m->awaiting_sync) m->awaiting_sync->Complete(SyncError(ErrorCode::kUnknownMemberId));
    group.Remove(id);
  }
  if (group.Is(GroupState::kDead)) return;
  group.set_generation(group.generation() + 1);
  group.initial_delay = false;
  if (group.members().empty()) {
    group.set_protocol_name(std::nullopt);
    TransitionTo(group, GroupState::kEmpty);
    StoreGroup(group);
    return;
  }
  group.set_protocol_name(group.SelectProtocol());
  TransitionTo(group, GroupState::kCompletingRebalance);
  for (auto& [id, m] : group.members()) {
    m.assignment.clear();
    JoinGroupResponse resp = CurrentJoinResponse(group, id, group.IsLeader(id));
    m.awaiting_join->Complete(std::move(resp));
    m.awaiting_join = nullptr;
    ScheduleSession(m);
  }
}

JoinGroupResponse GroupCoordinator::CurrentJoinResponse(const Group& group,
                                                        const std::string& member_id,
                                                        bool include_members) const {
  JoinGroupResponse resp;
  resp.generation_id = group.generation();
  resp.protocol_type = group.protocol_type();
  resp.protocol_name = group.protocol_name();
  resp.leader = group.leader();
  resp.member_id = member_id;
  if (include_members && group.protocol_name()) {
    for (const auto& [id, m] : group.members()) {
      resp.members.push_back({.member_id = id,
                              .group_instance_id = m.instance_id,
                              .metadata = m.MetadataFor(*group.protocol_name())});
    }
  }
  return resp;
}

void GroupCoordinator::ScheduleSession(Member& member) {
  member.session_deadline = Now() + std::chrono::milliseconds(member.session_timeout_ms);
}

void GroupCoordinator::ResetAndPropagateAssignmentError(Group& group, ErrorCode error) {
  for (auto& [id, m] : group.members()) {
    m.assignment.clear();
    if (m.awaiting_sync) {
      m.awaiting_sync->Complete(SyncError(error));
      m.awaiting_sync = nullptr;
    }
  }
}

void GroupCoordinator::PropagateAssignments(Group& group) {
  for (auto& [id, m] : group.members()) {
    if (!m.awaiting_sync) continue;
    SyncGroupResponse resp;
    resp.protocol_type = group.protocol_type();
    resp.protocol_name = group.protocol_name();
    resp.assignment = m.assignment;
    m.awaiting_sync->Complete(std::move(resp));
    m.awaiting_sync = nullptr;
    ScheduleSession(m);
  }
}

void GroupCoordinator::RemoveMemberAndUpdateGroup(Group& group, const std::string& member_id) {
  Member* m = group.Find(member_id);
  if (m == nullptr) return;
  if (m->awaiting_join)
    m->awaiting_join->Complete(JoinError(member_id, ErrorCode::kUnknownMemberId));
  if (m->awaiting_sync) m->awaiting_sync->Complete(SyncError(ErrorCode::kUnknownMemberId));
  group.Remove(member_id);
  switch (group.state()) {
    case GroupState::kDead:
    case GroupState::kEmpty: break;
    case GroupState::kStable:
    case GroupState::kCompletingRebalance: MaybePrepareRebalance(group); break;
    case GroupState::kPreparingRebalance: MaybeCompleteJoin(group); break;
  }
}

// SyncGroup: Kafka's doSyncGroup.
asio::awaitable<SyncGroupResponse> GroupCoordinator::DoSyncGroup(SyncGroupRequest req,
                                                                 int16_t version) {
  if (loading_) co_return SyncError(ErrorCode::kCoordinatorLoadInProgress);
  Group* group = FindGroup(req.group_id);
  if (group == nullptr) co_return SyncError(ErrorCode::kUnknownMemberId);
  if (group->Is(GroupState::kDead)) co_return SyncError(ErrorCode::kCoordinatorNotAvailable);
  if (group->IsStaticMemberFenced(req.group_instance_id, req.member_id)) {
    co_return SyncError(ErrorCode::kFencedInstanceId);
  }
  Member* member = group->Find(req.member_id);
  if (member == nullptr) co_return SyncError(ErrorCode::kUnknownMemberId);
  if (req.generation_id != group->generation()) co_return SyncError(ErrorCode::kIllegalGeneration);
  if (version >= 5 && ((req.protocol_type && req.protocol_type != group->protocol_type()) ||
                       (req.protocol_name && req.protocol_name != group->protocol_name()))) {
    co_return SyncError(ErrorCode::kInconsistentGroupProtocol);
  }
  switch (group->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead: co_return SyncError(ErrorCode::kUnknownMemberId);
    case GroupState::kPreparingRebalance: co_return SyncError(ErrorCode::kRebalanceInProgress);
    case GroupState::kStable: {
      ScheduleSession(*member);
      SyncGroupResponse resp;
      resp.protocol_type = group->protocol_type();
      resp.protocol_name = group->protocol_name();
      resp.assignment = member->assignment;
      co_return resp;
    }
    case GroupState::kCompletingRebalance: break;
  }
  auto parked = std::make_shared<Parked<SyncGroupResponse>>(strand_);
  if (member->awaiting_sync) {
    member->awaiting_sync->Complete(SyncError(ErrorCode::kRebalanceInProgress));
  }
  member->awaiting_sync = parked;
  if (group->IsLeader(req.member_id)) {
    // Members the leader left out get an empty assignment.
    for (auto& [id, m] : group->members()) m.assignment.clear();
    for (const auto& a : req.assignments) {
      if (Member* target = group->Find(a.member_id)) target->assignment = a.assignment;
    }
    TransitionTo(*group, GroupState::kStable);
    StoreGroup(*group);
    PropagateAssignments(*group);
  }
  co_return co_await Wait(std::move(parked));
}

// Heartbeat: Kafka's handleHeartbeat.
asio::awaitable<ErrorCode> GroupCoordinator::DoHeartbeat(HeartbeatRequest req) {
  if (loading_) co_return ErrorCode::kCoordinatorLoadInProgress;
  Group* group = FindGroup(req.group_id);
  if (group == nullptr) co_return ErrorCode::kUnknownMemberId;
  if (group->Is(GroupState::kDead)) co_return ErrorCode::kCoordinatorNotAvailable;
  if (group->IsStaticMemberFenced(req.group_instance_id, req.member_id)) {
    co_return ErrorCode::kFencedInstanceId;
  }
  Member* member = group->Find(req.member_id);
  if (member == nullptr) co_return ErrorCode::kUnknownMemberId;
  if (req.generation_id != group->generation()) co_return ErrorCode::kIllegalGeneration;
  switch (group->state()) {
    case GroupState::kEmpty:
    case GroupState::kDead: co_return ErrorCode::kUnknownMemberId;
    case GroupState::kPreparingRebalance:
      ScheduleSession(*member);
      co_return ErrorCode::kRebalanceInProgress;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable: ScheduleSession(*member); co_return ErrorCode::kNone;
  }
  co_return ErrorCode::kNone;
}

// LeaveGroup: Kafka's handleLeaveGroup, member by member.
asio::awaitable<std::vector<LeaveGroupResponse::MemberResponse>> GroupCoordinator::DoLeaveGroup(
    std::string group_id, std::vector<LeaveGroupRequest::MemberIdentity> members) {
  std::vector<LeaveGroupResponse::MemberResponse> out;
  Group* group = FindGroup(group_id);
  for (const auto& leaving : members) {
    auto& r = out.emplace_back();
    r.member_id = leaving.member_id;
    r.group_instance_id = leaving.group_instance_id;
    if (loading_) {
      r.error_code = ErrorCode::kCoordinatorLoadInProgress;
      continue;
    }
    if (group == nullptr) {
      r.error_code = ErrorCode::kUnknownMemberId;
      continue;
    }
    if (group->Is(GroupState::kDead)) {
      r.error_code = ErrorCode::kCoordinatorNotAvailable;
      continue;
    }
    std::string member_id = leaving.member_id;
    if (leaving.group_instance_id) {
      std::optional<std::string> current = group->StaticMember(*leaving.group_instance_id);
      if (!current) {
        r.error_code = ErrorCode::kUnknownMemberId;
        continue;
      }
      if (!member_id.empty() && member_id != *current) {
        r.error_code = ErrorCode::kFencedInstanceId;
        continue;
      }
      member_id = *current;
    }
    if (group->pending_members().erase(member_id) != 0) {
      MaybeCompleteJoin(*group);
      continue;
    }
    if (!group->Has(member_id)) {
      r.error_code = ErrorCode::kUnknownMemberId;
      continue;
    }
    RemoveMemberAndUpdateGroup(*group, member_id);
  }
  co_return out;
}

asio::awaitable<ListGroupsResponse> GroupCoordinator::DoListGroups(ListGroupsRequest req) {
  if (loading_) co_return ListGroupsResponse{.error_code = ErrorCode::kCoordinatorLoadInProgress};
  ListGroupsResponse resp;
  const bool classic_wanted =
      req.types_filter.empty() ||
      std::any_of(req.types_filter.begin(), req.types_filter.end(),
                  [](const std::string& t) { return EqualsIgnoreCase(t, "classic"); });
  if (!classic_wanted) co_return resp;
  for (const auto& [id, group] : groups_) {
    if (group->Is(GroupState::kDead)) continue;
    const std::string_view state = GroupStateName(group->state());
    if (!req.states_filter.empty() &&
        std::none_of(req.states_filter.begin(), req.states_filter.end(),
                     [&](const std::string& s) { return EqualsIgnoreCase(s, state); })) {
      continue;
    }
    resp.groups.push_back({.group_id = id,
                           .protocol_type = group->protocol_type().value_or(""),
                           .group_state = std::string(state),
                           .group_type = "classic"});
  }
  co_return resp;
}

asio::awaitable<std::vector<DescribeGroupsResponse::DescribedGroup>>
GroupCoordinator::DoDescribeGroups(std::vector<std::string> groups,
                                   bool include_authorized_operations) {
  std::vector<DescribeGroupsResponse::DescribedGroup> out;
  for (const std::string& id : groups) {
    auto& d = out.emplace_back();
    d.group_id = id;
    if (include_authorized_operations) d.authorized_operations = kGroupOperations;
    if (loading_) {
      d.error_code = ErrorCode::kCoordinatorLoadInProgress;
      continue;
    }
    if (id.empty()) {
      d.error_code = ErrorCode::kInvalidGroupId;
      continue;
    }
    Group* group = FindGroup(id);
    if (group == nullptr) {
      d.group_state = "Dead";  // as Kafka before v6: no error, a dead group
      continue;
    }
    d.group_state = std::string(GroupStateName(group->state()));
    d.protocol_type = group->protocol_type().value_or("");
    const bool stable = group->Is(GroupState::kStable);
    if (stable) d.protocol_data = group->protocol_name().value_or("");
    for (const auto& [member_id, m] : group->members()) {
      auto& dm = d.members.emplace_back();
      dm.member_id = member_id;
      dm.group_instance_id = m.instance_id;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      if (stable) {
        dm.member_metadata = m.MetadataFor(*group->protocol_name());
        dm.member_assignment = m.assignment;
      }
    }
  }
  co_return out;
}

asio::awaitable<std::vector<DeleteGroupsResponse::DeletableGroupResult>>
GroupCoordinator::DoDeleteGroups(std::vector<std::string> groups) {
  std::vector<DeleteGroupsResponse::DeletableGroupResult> out;
  for (const std::string& id : groups) {
    auto& r = out.emplace_back();
    r.group_id = id;
    if (loading_) {
      r.error_code = ErrorCode::kCoordinatorLoadInProgress;
      continue;
    }
    if (id.empty()) {
      r.error_code = ErrorCode::kInvalidGroupId;
      continue;
    }
    Group* group = FindGroup(id);
    if (group == nullptr || group->Is(GroupState::kDead)) {
      r.error_code = ErrorCode::kGroupIdNotFound;
      continue;
    }
    if (!group->Is(GroupState::kEmpty)) {
      r.error_code = ErrorCode::kNonEmptyGroup;
      continue;
    }
    // Kafka's deleteAllOffsets: committed offsets and those of open
    // transactions (which do not keep the group from being deleted).
    std::set<TopicPartition> partitions;
    for (const auto& [tp, committed] : group->offsets()) partitions.insert(tp);
    for (const auto& [producer_id, pending] : group->pending_txn_offsets()) {
      for (const auto& [tp, offset] : pending) partitions.insert(tp);
    }
    std::vector<Record> tombstones;
    for (const TopicPartition& tp : partitions) {
      tombstones.push_back(
          {.key = EncodeOffsetCommitKey({.group = id, .topic = tp.first, .partition = tp.second})});
    }
    tombstones.push_back({.key = EncodeGroupMetadataKey({.group = id})});
    for (size_t i = 0; i < tombstones.size(); ++i) {
      tombstones[i].offset_delta = static_cast<int32_t>(i);
    }
    if (ErrorCode e = AppendRecords(id, tombstones).error; e != ErrorCode::kNone) {
      r.error_code = e;
      continue;
    }
    group->set_state(GroupState::kDead);
    groups_.erase(id);
  }
  co_return out;
}

// Sessions, pending members and rebalance deadlines.
void GroupCoordinator::ExpireDeadlines(Group& group, SteadyTime now) {
  auto& pending = group.pending_members();
  bool pending_expired = false;
  for (auto it = pending.begin(); it != pending.end();) {
    if (now >= it->second) {
      it = pending.erase(it);
      pending_expired = true;
    } else {
      ++it;
    }
  }
  if (pending_expired) MaybeCompleteJoin(group);
  std::vector<std::string> expired;
  for (const auto& [id, m] : group.members()) {
    if (!m.awaiting_join && !m.awaiting_sync && now >= m.session_deadline) expired.push_back(id);
  }
  for (const std::string& id : expired) {
    kLog.Info("group ", group.id(), ": member ", id, " session expired");
    RemoveMemberAndUpdateGroup(group, id);
  }
  if (group.Is(GroupState::kPreparingRebalance) && now >= group.rebalance_deadline) {
    if (group.initial_delay && group.new_member_added && group.initial_delay_remaining_ms > 0) {
      const int64_t delay =
          std::min(options_.initial_rebalance_delay_ms, group.initial_delay_remaining_ms);
      group.new_member_added = false;
      group.initial_delay_remaining_ms =
          std::max<int64_t>(group.initial_delay_remaining_ms - delay, 0);
      group.rebalance_deadline = now + std::chrono::milliseconds(delay);
    } else {
      CompleteJoin(group);
    }
  }
}

void GroupCoordinator::TransitionTo(Group& group, GroupState state) {
  group.set_state(state);
  group.set_current_state_timestamp(options_.now_ms != nullptr ? options_.now_ms() : -1);
}

bool GroupCoordinator::AcceptJoiningMember(const Group& group, const std::string& member_id) const {
  const auto& members = group.members();
  const auto it = members.find(member_id);
  switch (group.state()) {
    case GroupState::kEmpty:
    case GroupState::kDead: return true;
    case GroupState::kPreparingRebalance: {
      // Members that joined this rebalance count: the group may be over the
      // size already (the setting went down), and the last to rejoin go.
      if (it != members.end() && it->second.awaiting_join) return true;
      const auto awaiting = std::count_if(members.begin(), members.end(),
                                          [](const auto& m) { return m.second.awaiting_join; });
      return awaiting < options_.max_size;
    }
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      return it != members.end() || members.size() < static_cast<size_t>(options_.max_size);
  }
  return true;
}

// Kafka's offsetExpirationCondition (KIP-211, KIP-496) for a classic group.
std::vector<TopicPartition> GroupCoordinator::ExpiredOffsets(const Group& group,
                                                             int64_t now_ms) const {
  enum class Base { kNone, kCommit, kEmptySince } base = Base::kNone;
  std::set<std::string> subscribed;
  if (!group.protocol_type()) {
    base = Base::kCommit;  // offsets only (assign() and commit): retention after each commit
  } else if (group.Is(GroupState::kEmpty)) {
    base = Base::kEmptySince;  // nobody left: retention after the group became Empty
  } else if (group.Is(GroupState::kStable) && group.protocol_type() == "consumer" &&
             group.protocol_name()) {
    // A stable consumer group keeps the offsets of what it subscribes to;
    // others expire retention after their commit. Only when every
    // member's subscription is readable.
    base = Base::kCommit;
    for (const auto& [id, m] : group.members()) {
      std::optional<std::vector<std::string>> topics =
          SubscribedTopics(m.MetadataFor(*group.protocol_name()));
      if (!topics) {
        base = Base::kNone;
        break;
      }
      subscribed.insert(topics->begin(), topics->end());
    }
  }
  std::vector<TopicPartition> expired;
  for (const auto& [tp, c] : group.offsets()) {
    if (group.HasPendingTxnOffset(tp)) continue;  // waits for its transaction
    bool expire = false;
    if (options_.logs != nullptr && options_.logs->Partition(tp.first, tp.second) == nullptr) {
      expire = true;  // the topic was deleted
    } else if (base == Base::kNone || subscribed.count(tp.first) != 0) {
      expire = false;
    } else if (c.expire_timestamp >= 0) {
      expire = now_ms >= c.expire_timestamp;  // the commit's own retention wins
    } else {
      int64_t since = c.commit_timestamp;
      if (base == Base::kEmptySince) since = std::max(since, group.current_state_timestamp());
      expire = now_ms - since >= options_.offsets_retention_ms;
    }
    if (expire) expired.push_back(tp);
  }
  return expired;
}

ErrorCode GroupCoordinator::RemoveOffsetsAndMaybeGroup(
    Group& group, const std::vector<TopicPartition>& partitions) {
  const std::string id = group.id();
  const std::set<TopicPartition> removed(partitions.begin(), partitions.end());
  // Kafka's cleanupGroupMetadata: an Empty group without offsets is Dead
  // (here also only when no member id handed out is still to come back).
  const bool offsets_left =
      std::any_of(group.offsets().begin(), group.offsets().end(),
                  [&](const auto& o) { return removed.count(o.first) == 0; }) ||
      std::any_of(group.pending_txn_offsets().begin(), group.pending_txn_offsets().end(),
                  [&](const auto& producer) {
                    return std::any_of(producer.second.begin(), producer.second.end(),
                                       [&](const auto& o) { return removed.count(o.first) == 0; });
                  });
  const bool dead =
      group.Is(GroupState::kEmpty) && group.pending_members().empty() && !offsets_left;
  std::vector<Record> tombstones;
  for (const TopicPartition& tp : removed) {
    tombstones.push_back(
        {.offset_delta = static_cast<int32_t>(tombstones.size()),
         .key = EncodeOffsetCommitKey({.group = id, .topic = tp.first, .partition = tp.second})});
  }
  // A group that never had a generation has no metadata record to remove.
  if (dead && group.generation() > 0) {
    tombstones.push_back({.offset_delta = static_cast<int32_t>(tombstones.size()),
                          .key = EncodeGroupMetadataKey({.group = id})});
  }
  if (!tombstones.empty()) {
    if (ErrorCode e = AppendRecords(id, tombstones).error; e != ErrorCode::kNone) return e;
  }
  for (const TopicPartition& tp : removed) group.RemoveOffset(tp);
  if (dead) {
    kLog.Info("group ", id, " is Dead in generation ", group.generation());
    TransitionTo(group, GroupState::kDead);
    groups_.erase(id);
  }
  return ErrorCode::kNone;
}

void GroupCoordinator::CleanupGroupMetadata() {
  const int64_t now_ms = options_.now_ms != nullptr ? options_.now_ms() : 0;
  std::vector<std::string> ids;
  ids.reserve(groups_.size());
  for (const auto& [id, group] : groups_) ids.push_back(id);
  size_t expired_total = 0;
  for (const std::string& id : ids) {
    Group* group = FindGroup(id);
    if (group == nullptr) continue;
    std::vector<TopicPartition> expired = ExpiredOffsets(*group, now_ms);
    // Failures are logged by AppendRecords; the next check tries again.
    if (RemoveOffsetsAndMaybeGroup(*group, expired) == ErrorCode::kNone) {
      expired_total += expired.size();
    }
  }
  if (expired_total > 0) kLog.Info("removed ", expired_total, " expired offsets");
}

// Offsets.

asio::awaitable<OffsetCommitResponse> GroupCoordinator::OffsetCommit(OffsetCommitRequest req,
                                                                     int16_t version) {
  co_return co_await asio::co_spawn(strand_, DoOffsetCommit(std::move(req), version),
                                    asio::use_awaitable);
}

asio::awaitable<OffsetFetchResponse::OffsetFetchResponseGroup> GroupCoordinator::FetchOffsets(
    OffsetFetchRequest::OffsetFetchRequestGroup req, RequireStable require_stable) {
  co_return co_await asio::co_spawn(strand_, DoFetchOffsets(std::move(req), require_stable),
                                    asio::use_awaitable);
}

asio::awaitable<OffsetDeleteResponse> GroupCoordinator::OffsetDelete(OffsetDeleteRequest req) {
  co_return co_await asio::co_spawn(strand_, DoOffsetDelete(std::move(req)), asio::use_awaitable);
}

Group& GroupCoordinator::GetOrCreateGroup(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) {
    it = groups_.emplace(group_id, std::make_unique<Group>(group_id)).first;
  }
  return *it->second;
}

// Kafka's handleCommitOffsets / validateOffsetCommit for classic groups.
asio::awaitable<OffsetCommitResponse> GroupCoordinator::DoOffsetCommit(OffsetCommitRequest req,
                                                                       int16_t version) {
  const int32_t generation = req.generation_id_or_member_epoch;
  const bool simple = generation < 0 && req.member_id.empty() &&
                      !(version >= 7 && req.group_instance_id.has_value());
  ErrorCode error = loading_ ? ErrorCode::kCoordinatorLoadInProgress : ErrorCode::kNone;
  Group* group = loading_ ? nullptr : FindGroup(req.group_id);
  if (group == nullptr && !loading_) {
    // Only a group that does not use the coordinator for membership may
    // start out with a commit; anything else is from an older generation.
    if (generation < 0) {
      group = &GetOrCreateGroup(req.group_id);
    } else {
      error = ErrorCode::kIllegalGeneration;
    }
  }
  if (error == ErrorCode::kNone) {
    if (group->Is(GroupState::kDead)) {
      error = ErrorCode::kCoordinatorNotAvailable;
    } else if (!simple) {
      if (group->IsStaticMemberFenced(req.group_instance_id, req.member_id)) {
        error = ErrorCode::kFencedInstanceId;
      } else if (!group->Has(req.member_id)) {
        error = ErrorCode::kUnknownMemberId;
      } else if (generation != group->generation()) {
        error = ErrorCode::kIllegalGeneration;
      }
    } else if (!group->Is(GroupState::kEmpty)) {
      error = ErrorCode::kUnknownMemberId;  // only members commit for a group with members
    }
  }
  if (error == ErrorCode::kNone && group->Is(GroupState::kCompletingRebalance)) {
    error = ErrorCode::kRebalanceInProgress;
  }
  if (error == ErrorCode::kNone && !simple) {
    if (Member* m = group->Find(req.member_id)) ScheduleSession(*m);
  }

  OffsetCommitResponse resp;
  std::vector<Record> records;
  std::vector<std::pair<TopicPartition, CommittedOffset>> accepted;
  const int64_t now = options_.now_ms != nullptr ? options_.now_ms() : 0;
  // v2-4 may ask for their own retention; Kafka honours it (and v5+ cannot).
  const int64_t expire_timestamp =
      req.retention_time_ms == -1 ? -1 : now + std::max<int64_t>(req.retention_time_ms, 0);
  PlanCommits(options_.logs, req.group_id, req.topics, error, version >= 6, now, expire_timestamp,
              resp.topics, records, accepted);
  if (records.empty()) co_return resp;
  const Appended appended = AppendRecords(req.group_id, records);
  if (appended.error != ErrorCode::kNone) {
    for (auto& rt : resp.topics) {
      for (auto& rp : rt.partitions) {
        if (rp.error_code == ErrorCode::kNone) rp.error_code = appended.error;
      }
    }
    co_return resp;
  }
  // The group may have been created for this commit; it exists still (the
  // strand was never left).
  Group& target = GetOrCreateGroup(req.group_id);
  for (size_t i = 0; i < accepted.size(); ++i) {
    accepted[i].second.record_offset = appended.base_offset + static_cast<int64_t>(i);
    target.offsets()[accepted[i].first] = std::move(accepted[i].second);
  }
  co_return resp;
}

// Kafka's handleFetchOffsets: -1 (and empty metadata) for partitions without
// a commit; every committed partition when topics is null.
// With require_stable, a partition with pending transactional offsets
// answers UNSTABLE_OFFSET_COMMIT (per partition, as Kafka: the client retries).
asio::awaitable<OffsetFetchResponse::OffsetFetchResponseGroup> GroupCoordinator::DoFetchOffsets(
    OffsetFetchRequest::OffsetFetchRequestGroup req, RequireStable require_stable) {
  OffsetFetchResponse::OffsetFetchResponseGroup out;
  out.group_id = req.group_id;
  if (loading_) {
    // The error for every partition asked for as well (v1 has no other place).
    out.error_code = ErrorCode::kCoordinatorLoadInProgress;
    for (const auto& topic : req.topics.value_or(decltype(req.topics)::value_type{})) {
      auto& t = out.topics.emplace_back();
      t.name = topic.name;
      for (int32_t p : topic.partition_indexes) {
        t.partitions.push_back({.partition_index = p,
                                .committed_offset = -1,
                                .metadata = std::string(),
                                .error_code = ErrorCode::kCoordinatorLoadInProgress});
      }
    }
    co_return out;
  }
  Group* group = FindGroup(req.group_id);
  auto partition_result = [&](const std::string& topic, int32_t partition) {
    OffsetFetchResponse::OffsetFetchResponsePartitions r{
        .partition_index = partition, .committed_offset = -1, .metadata = std::string()};
    if (group == nullptr) return r;
    if (require_stable == RequireStable::kYes && group->HasPendingTxnOffset({topic, partition})) {
      r.error_code = ErrorCode::kUnstableOffsetCommit;
      return r;
    }
    auto it = group->offsets().find({topic, partition});
    if (it == group->offsets().end()) return r;
    r.committed_offset = it->second.offset;
    r.committed_leader_epoch = it->second.leader_epoch;
    r.metadata = it->second.metadata;
    return r;
  };
  if (req.topics) {
    for (const auto& topic : *req.topics) {
      auto& t = out.topics.emplace_back();
      t.name = topic.name;
      for (int32_t p : topic.partition_indexes) {
        t.partitions.push_back(partition_result(topic.name, p));
      }
    }
    co_return out;
  }
  if (group == nullptr) co_return out;
  for (const auto& [tp, c] : group->offsets()) {
    if (out.topics.empty() || out.topics.back().name != tp.first) {
      out.topics.emplace_back().name = tp.first;
    }
    out.topics.back().partitions.push_back(partition_result(tp.first, tp.second));
  }
  co_return out;
}

// Kafka's handleDeleteOffsets: an empty group loses any offset; a consumer
// group with members keeps those of topics it subscribes to.
asio::awaitable<OffsetDeleteResponse> GroupCoordinator::DoOffsetDelete(OffsetDeleteRequest req) {
  OffsetDeleteResponse resp;
  if (loading_) co_return OffsetDeleteResponse{.error_code = ErrorCode::kCoordinatorLoadInProgress};
  Group* group = FindGroup(req.group_id);
  if (group == nullptr || group->Is(GroupState::kDead)) {
    resp.error_code = ErrorCode::kGroupIdNotFound;
    co_return resp;
  }
  const bool empty = group->Is(GroupState::kEmpty);
  const bool consumer = group->protocol_type() == "consumer";
  if (!empty && !consumer) {
    resp.error_code = ErrorCode::kNonEmptyGroup;
    co_return resp;
  }
  std::set<std::string> subscribed;
  if (!empty) {
    for (const auto& [id, m] : group->members()) {
      for (const auto& p : m.protocols) {
        for (std::string& t : SubscribedTopics(p.metadata).value_or(std::vector<std::string>())) {
          subscribed.insert(std::move(t));
        }
      }
    }
  }
  std::vector<TopicPartition> deleted;
  for (const auto& topic : req.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = topic.name;
    for (const auto& p : topic.partitions) {
      auto& rp = rt.partitions.emplace_back();
      rp.partition_index = p.partition_index;
      if (options_.logs == nullptr ||
          options_.logs->Partition(topic.name, p.partition_index) == nullptr) {
        rp.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (subscribed.count(topic.name) != 0) {
        rp.error_code = ErrorCode::kGroupSubscribedToTopic;
      } else if (group->offsets().count({topic.name, p.partition_index}) != 0 ||
                 group->HasPendingTxnOffset({topic.name, p.partition_index})) {
        deleted.emplace_back(topic.name, p.partition_index);
      }
    }
  }
  if (deleted.empty()) co_return resp;
  if (ErrorCode e = RemoveOffsetsAndMaybeGroup(*group, deleted); e != ErrorCode::kNone) {
    resp.error_code = e;
    resp.topics.clear();
  }
  co_return resp;
}

asio::awaitable<TxnOffsetCommitResponse> GroupCoordinator::TxnOffsetCommit(
    TxnOffsetCommitRequest req, int16_t version) {
  co_return co_await asio::co_spawn(strand_, DoTxnOffsetCommit(std::move(req), version),
                                    asio::use_awaitable);
}

asio::awaitable<void> GroupCoordinator::CompleteTransaction(int64_t producer_id,
                                                            int32_t offsets_partition,
                                                            int64_t marker_offset, bool commit) {
  co_await asio::co_spawn(strand_,
                          DoCompleteTransaction(producer_id, offsets_partition, marker_offset,
                                                commit ? TxnResult::kCommit : TxnResult::kAbort),
                          asio::use_awaitable);
}

// Kafka's commitTransactionalOffset (GroupCoordinatorService /
// OffsetMetadataManager, 3.x-4.0): validateTransactionalOffsetCommit, then
// verification against the transaction coordinator, then one transactional
// batch in __consumer_offsets whose offsets pend under the producer id.
asio::awaitable<TxnOffsetCommitResponse> GroupCoordinator::DoTxnOffsetCommit(
    TxnOffsetCommitRequest req, int16_t version) {
  if (version < 3) {
    // The member fields came with v3; older requests commit as a simple group.
    req.generation_id = -1;
    req.member_id.clear();
    req.group_instance_id.reset();
  }
  ErrorCode error = loading_ ? ErrorCode::kCoordinatorLoadInProgress : ErrorCode::kNone;
  Group* group = loading_ ? nullptr : FindGroup(req.group_id);
  if (group == nullptr && !loading_ && req.generation_id >= 0) {
    // Only a group without membership starts out with a commit.
    error = ErrorCode::kIllegalGeneration;
  }
  if (error == ErrorCode::kNone && group != nullptr) {
    // Kafka's ClassicGroup.validateOffsetCommit with isTransactional: a
    // simple commit is taken in any state (older versions have no member
    // fields); no REBALANCE_IN_PROGRESS either.
    const bool simple =
        req.generation_id < 0 && req.member_id.empty() && !req.group_instance_id.has_value();
    if (group->Is(GroupState::kDead)) {
      error = ErrorCode::kCoordinatorNotAvailable;
    } else if (!simple) {
      if (group->IsStaticMemberFenced(req.group_instance_id, req.member_id)) {
        error = ErrorCode::kFencedInstanceId;
      } else if (!group->Has(req.member_id)) {
        error = ErrorCode::kUnknownMemberId;
      } else if (req.generation_id != group->generation()) {
        error = ErrorCode::kIllegalGeneration;
      }
    }
  }

  TxnOffsetCommitResponse resp;
  std::vector<Record> records;
  std::vector<std::pair<TopicPartition, CommittedOffset>> accepted;
  const int64_t now = options_.now_ms != nullptr ? options_.now_ms() : 0;
  PlanCommits(options_.logs, req.group_id, req.topics, error, version >= 2, now,
              /*expire_timestamp=*/-1, resp.topics, records, accepted);
  if (records.empty()) co_return resp;

  Appended appended;
  {
    // The hold keeps the transaction from ending between the check and the
    // append: both run here without suspending, and it is released on this
    // thread before anything else.
    TxnVerification verification;
    if (options_.verify_txn) {
      verification = options_.verify_txn(
          req.transactional_id, req.producer_id, req.producer_epoch, std::string(kOffsetsTopic),
          OffsetsPartitionFor(req.group_id, kOffsetsTopicPartitions));
    }
    if (verification.error != ErrorCode::kNone) {
      appended.error = verification.error;
    } else {
      appended = AppendRecords(
          req.group_id, records,
          BatchProducer{.producer_id = req.producer_id, .producer_epoch = req.producer_epoch});
    }
    if (verification.hold.owns_lock()) verification.hold.unlock();
  }
  if (appended.error != ErrorCode::kNone) {
    const ErrorCode answer = ToTxnCommitError(appended.error, version);
    for (auto& rt : resp.topics) {
      for (auto& rp : rt.partitions) {
        if (rp.error_code == ErrorCode::kNone) rp.error_code = answer;
      }
    }
    co_return resp;
  }
  Group& target = GetOrCreateGroup(req.group_id);
  Group::PendingOffsets& pending = target.pending_txn_offsets()[req.producer_id];
  for (size_t i = 0; i < accepted.size(); ++i) {
    accepted[i].second.record_offset = appended.base_offset + static_cast<int64_t>(i);
    pending[accepted[i].first] = std::move(accepted[i].second);
  }
  txn_groups_[req.producer_id].insert(req.group_id);
  co_return resp;
}

asio::awaitable<void> GroupCoordinator::DoCompleteTransaction(int64_t producer_id,
                                                              int32_t offsets_partition,
                                                              int64_t marker_offset,
                                                              TxnResult result) {
  if (loading_) {
    deferred_txn_ends_.push_back({producer_id, offsets_partition, marker_offset, result});
    co_return;
  }
  CompleteTxnIn(groups_, txn_groups_, producer_id, offsets_partition, marker_offset, result);
  co_return;
}

GroupCoordinator::Appended GroupCoordinator::AppendRecords(const std::string& group_id,
                                                           std::span<const Record> records,
                                                           std::optional<BatchProducer> producer) {
  if (options_.logs == nullptr) return {.error = ErrorCode::kCoordinatorNotAvailable};
  storage::LogManager& logs = *options_.logs;
  const int32_t partition = OffsetsPartitionFor(group_id, kOffsetsTopicPartitions);
  std::shared_ptr<storage::PartitionLog> log =
      InternalTopicPartition(logs, kOffsetsTopic, kOffsetsTopicPartitions, partition);
  if (log == nullptr) return {.error = ErrorCode::kCoordinatorNotAvailable};
  RecordBatchHeader header;
  header.base_timestamp = options_.now_ms != nullptr ? options_.now_ms() : 0;
  if (producer) {
    header.producer_id = producer->producer_id;
    header.producer_epoch = producer->producer_epoch;
    header.attributes |= kTransactionalAttribute;
  }
  Result<std::string> batch = BuildRecordBatch(header, Compression::kNone, records);
  if (!batch.ok()) {
    kLog.Error("building a batch for group ", group_id, ": ", batch.status().ToString());
    return {.error = ErrorCode::kUnknownServerError};
  }
  Result<storage::AppendResult> appended =
      log->Append(std::move(batch).value(), 0,
                  producer ? storage::AppendOrigin::kCoordinator : storage::AppendOrigin::kClient);
  if (!appended.ok()) {
    if (producer && (appended.status().code() == storage::Errc::kInvalidProducerEpoch ||
                     appended.status().code() == storage::Errc::kInvalidTxnState)) {
      // The producer's doing, not ours: the caller answers it.
      return {.error = ToTxnCommitError(appended.status(), 0)};
    }
    kLog.Error("appending to ", kOffsetsTopic, "-", partition, " for group ", group_id, ": ",
               appended.status().ToString());
    return {.error = ToCommitError(appended.status())};
  }
  return {.base_offset = appended->base_offset};
}

void GroupCoordinator::StoreGroup(const Group& group) {
  GroupMetadataValue value;
  value.protocol_type = group.protocol_type().value_or("");
  value.generation = group.generation();
  value.protocol = group.protocol_name();
  if (!group.leader().empty()) value.leader = group.leader();
  value.current_state_timestamp = group.current_state_timestamp();
  for (const auto& [id, m] : group.members()) {
    value.members.push_back(
        {.member_id = id,
         .group_instance_id = m.instance_id,
         .client_id = m.client_id,
         .client_host = m.client_host,
         .rebalance_timeout = m.rebalance_timeout_ms,
         .session_timeout = m.session_timeout_ms,
         .subscription = group.protocol_name() ? m.MetadataFor(*group.protocol_name()) : "",
         .assignment = m.assignment});
  }
  const Record record{.key = EncodeGroupMetadataKey({.group = group.id()}),
                      .value = EncodeGroupMetadataValue(value)};
  // A lost metadata record costs a rebalance after a restart, nothing more.
  (void)AppendRecords(group.id(), std::span<const Record>(&record, 1)).error;
}

void GroupCoordinator::ApplyLoadedRecord(GroupMap& groups, TxnGroups& txn_groups,
                                         const RecordView& record, int64_t record_offset,
                                         std::optional<int64_t> txn_producer) {
  auto find = [&groups](const std::string& id) -> Group* {
    auto it = groups.find(id);
    return it == groups.end() ? nullptr : it->second.get();
  };
  if (!record.key) return;
  Result<GroupRecordKey> key = ParseGroupRecordKey(*record.key);
  if (!key.ok()) {
    kLog.Warn("skipping a ", kOffsetsTopic, " record with a bad key: ", key.status().ToString());
    return;
  }
  if (key->offset) {
    const OffsetCommitKey& k = *key->offset;
    if (!record.value) {
      if (Group* g = find(k.group)) {
        if (txn_producer) {
          auto it = g->pending_txn_offsets().find(*txn_producer);
          if (it != g->pending_txn_offsets().end()) it->second.erase({k.topic, k.partition});
        } else {
          g->RemoveOffset({k.topic, k.partition});
        }
      }
      return;
    }
    Result<OffsetCommitValue> v = ParseOffsetCommitValue(*record.value);
    if (!v.ok()) {
      kLog.Warn("skipping offset record of group ", k.group, ": ", v.status().ToString());
      return;
    }
    std::unique_ptr<Group>& slot = groups[k.group];
    if (!slot) slot = std::make_unique<Group>(k.group);
    CommittedOffset c{.offset = v->offset,
                      .leader_epoch = v->leader_epoch,
                      .metadata = v->metadata,
                      .commit_timestamp = v->commit_timestamp,
                      .expire_timestamp = v->expire_timestamp,
                      .record_offset = record_offset};
    if (txn_producer) {
      // Pending until its transaction's marker (Kafka's loader does the same).
      slot->pending_txn_offsets()[*txn_producer][{k.topic, k.partition}] = std::move(c);
      txn_groups[*txn_producer].insert(k.group);
    } else {
      slot->offsets()[{k.topic, k.partition}] = std::move(c);
    }
    return;
  }
  const std::string& id = key->group->group;
  if (!record.value) {
    groups.erase(id);  // DeleteGroups: its offsets were tombstoned just before
    return;
  }
  Result<GroupMetadataValue> v = ParseGroupMetadataValue(*record.value);
  if (!v.ok()) {
    kLog.Warn("skipping metadata record of group ", id, ": ", v.status().ToString());
    return;
  }
  // A fresh Group with the stored generation; the offsets loaded so far stay.
  auto fresh = std::make_unique<Group>(id);
  if (Group* old = find(id)) {
    fresh->offsets() = std::move(old->offsets());
    fresh->pending_txn_offsets() = std::move(old->pending_txn_offsets());
  }
  fresh->set_generation(v->generation);
  if (!v->protocol_type.empty()) fresh->set_protocol_type(v->protocol_type);
  fresh->set_protocol_name(v->protocol);
  for (const auto& mm : v->members) {
    Member m;
    m.id = mm.member_id;
    m.instance_id = mm.group_instance_id;
    m.client_id = mm.client_id;
    m.client_host = mm.client_host;
    m.session_timeout_ms = mm.session_timeout;
    m.rebalance_timeout_ms = mm.rebalance_timeout;
    m.protocol_type = v->protocol_type;
    if (v->protocol) m.protocols = {{.name = *v->protocol, .metadata = mm.subscription}};
    m.assignment = mm.assignment;
    // Members that do not come back expire.
    m.session_deadline = Now() + std::chrono::milliseconds(m.session_timeout_ms);
    fresh->Add(std::move(m));
  }
  if (v->leader && fresh->Has(*v->leader)) fresh->set_leader(*v->leader);
  fresh->set_state(fresh->members().empty() ? GroupState::kEmpty : GroupState::kStable);
  fresh->set_current_state_timestamp(v->current_state_timestamp);
  groups[id] = std::move(fresh);
}

Status GroupCoordinator::LoadInto(storage::LogManager& logs, GroupMap& groups,
                                  TxnGroups& txn_groups, const std::atomic<bool>& stop) {
  if (!logs.Topic(kOffsetsTopic)) return Status::Ok();
  size_t records = 0;
  Status read = ForEachInternalBatch(
      logs, kOffsetsTopic, &stop, [&](int32_t p, const RecordBatchView& batch) {
        const RecordBatchHeader& h = batch.header();
        if (h.is_control()) {
          // A transaction marker: the producer's pending offsets of this
          // partition's groups are committed or dropped, as live.
          Result<EndTransactionMarker> marker = ReadEndTransactionMarker(batch);
          if (!marker.ok()) {
            kLog.Warn("skipping a control batch at ", h.base_offset, " of ", kOffsetsTopic, "-", p,
                      ": ", marker.status().ToString());
            return Status::Ok();
          }
          CompleteTxnIn(
              groups, txn_groups, h.producer_id, p, h.base_offset,
              marker->type == ControlRecordType::kCommit ? TxnResult::kCommit : TxnResult::kAbort);
          return Status::Ok();
        }
        const std::optional<int64_t> txn_producer =
            h.is_transactional() ? std::optional<int64_t>(h.producer_id) : std::nullopt;
        std::string scratch;
        return batch.VisitRecords(64 << 20, &scratch, [&](const RecordView& r) {
          ApplyLoadedRecord(groups, txn_groups, r, h.record_offset(r.offset_delta), txn_producer);
          ++records;
          return true;
        });
      });
  if (!read.ok()) return read;
  // Groups known only from offset records whose offsets were all removed
  // (expired, deleted) are gone, as in Kafka's loader.
  for (auto it = groups.begin(); it != groups.end();) {
    const Group& g = *it->second;
    const bool offsets_only = g.generation() == 0 && !g.protocol_type() && g.members().empty();
    it = offsets_only && g.HasNoOffsets() ? groups.erase(it) : std::next(it);
  }
  kLog.Info("loaded ", groups.size(), " groups from ", records, " records of ", kOffsetsTopic);
  return Status::Ok();
}

void GroupCoordinator::Loaded(std::shared_ptr<LoadedState> loaded) {
  // Nothing was created meanwhile: every request was turned away.
  for (auto& [id, group] : loaded->groups) groups_[id] = std::move(group);
  txn_groups_ = std::move(loaded->txn_groups);
  // Markers written while loading; those the loader read already find
  // nothing left to complete.
  for (const TxnEnd& end : deferred_txn_ends_) {
    CompleteTxnIn(groups_, txn_groups_, end.producer_id, end.offsets_partition, end.marker_offset,
                  end.result);
  }
  deferred_txn_ends_.clear();
  loading_ = false;
}

void GroupCoordinator::CompleteTxnIn(GroupMap& groups, TxnGroups& txn_groups, int64_t producer_id,
                                     int32_t offsets_partition, int64_t marker_offset,
                                     TxnResult result) {
  auto it = txn_groups.find(producer_id);
  if (it == txn_groups.end()) return;
  std::set<std::string>& ids = it->second;
  for (auto id = ids.begin(); id != ids.end();) {
    auto group = groups.find(*id);
    if (group == groups.end()) {
      id = ids.erase(id);  // deleted with its pending offsets
    } else if (OffsetsPartitionFor(*id, kOffsetsTopicPartitions) != offsets_partition) {
      ++id;  // the same transaction commits there with its own marker
    } else if (!group->second->CompleteTxn(producer_id, marker_offset, result)) {
      id = ids.erase(id);
    } else {
      ++id;
    }
  }
  if (ids.empty()) txn_groups.erase(it);
}

void GroupCoordinator::Stop() {
  stop_loading_ = true;
  if (loader_.joinable()) loader_.join();
}

asio::awaitable<void> GroupCoordinator::Sweep() {
  for (;;) {
    sweep_timer_.expires_after(std::chrono::milliseconds(kTickMs));
    asio::error_code ec;
    co_await sweep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const SteadyTime now = Now();
    for (auto& [id, group] : groups_) ExpireDeadlines(*group, now);
    if (!loading_ && now >= next_offsets_check_) {
      next_offsets_check_ =
          now + std::chrono::milliseconds(options_.offsets_retention_check_interval_ms);
      CleanupGroupMetadata();
    }
  }
}

}  // namespace brook::broker
