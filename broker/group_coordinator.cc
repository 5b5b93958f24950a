// broker/group_coordinator.cc
#include "broker/group_coordinator.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cctype>
#include <exception>

#include "protocol/base/logging.h"
#include "protocol/base/uuid.h"

namespace brook::broker {
namespace {

const Logger kLog("groups");

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

struct LogEscaped {
  void operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      kLog.Error("group sweep failed: ", ex.what());
    }
  }
};

}  // namespace

GroupCoordinator::GroupCoordinator(asio::io_context& io, GroupCoordinatorOptions options)
    : strand_(asio::make_strand(io)), sweep_timer_(strand_), options_(options) {}

void GroupCoordinator::Start() { asio::co_spawn(strand_, Sweep(), LogEscaped{}); }

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
  if (!group->SupportsProtocols(req.protocol_type, req.protocols)) {
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
    m.join_version = version;
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
        UpdateMemberAndRebalance(*group, *group->Find(id), req, version, parked);
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
  member.join_version = version;
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
  group.set_state(GroupState::kPreparingRebalance);
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
    group.set_state(GroupState::kEmpty);
    return;
  }
  group.set_protocol_name(group.SelectProtocol());
  group.set_state(GroupState::kCompletingRebalance);
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
    group->set_state(GroupState::kStable);
    PropagateAssignments(*group);
  }
  co_return co_await Wait(std::move(parked));
}

// Heartbeat: Kafka's handleHeartbeat.
asio::awaitable<ErrorCode> GroupCoordinator::DoHeartbeat(HeartbeatRequest req) {
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

asio::awaitable<void> GroupCoordinator::Sweep() {
  for (;;) {
    sweep_timer_.expires_after(std::chrono::milliseconds(kTickMs));
    asio::error_code ec;
    co_await sweep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const SteadyTime now = Now();
    for (auto& [id, group] : groups_) ExpireDeadlines(*group, now);
  }
}

}  // namespace brook::broker
