// broker/group_coordinator.h
//
// The classic consumer group protocol as Apache Kafka's GroupCoordinator
// serves it: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ListGroups,
// DescribeGroups and DeleteGroups, for every group (this node coordinates
// them all).
//
//   Empty --join--> PreparingRebalance --all joined / rebalance timeout-->
//   CompletingRebalance --leader's SyncGroup--> Stable --join, leave, expiry-->
//   PreparingRebalance ...
//
// Parked JoinGroup and SyncGroup requests wait on the strand until the
// rebalance completes (or their member is removed). One sweep timer on the
// strand (every kTickMs) expires sessions, pending members, rebalance
// timeouts and the initial rebalance delay. When the io_context stops, the
// parked coroutines are destroyed with it, with their connections.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker/group.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/sync_group.h"

namespace brook::broker {

struct GroupCoordinatorOptions {
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  int64_t initial_rebalance_delay_ms = 0;
};

// Owns every Group; group state is read and written only on strand_. Every
// public coroutine may be awaited from any strand.
class GroupCoordinator {
 public:
  static constexpr int64_t kTickMs = 50;

  GroupCoordinator(asio::io_context& io, GroupCoordinatorOptions options);
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // Starts the sweep timer. Call once, before the io threads run.
  void Start();

  asio::awaitable<JoinGroupResponse> JoinGroup(JoinGroupRequest req, int16_t version,
                                               std::string client_id, std::string client_host);
  asio::awaitable<SyncGroupResponse> SyncGroup(SyncGroupRequest req, int16_t version);
  asio::awaitable<ErrorCode> Heartbeat(HeartbeatRequest req);
  // One response per leaving member, in request order.
  asio::awaitable<std::vector<LeaveGroupResponse::MemberResponse>> LeaveGroup(
      std::string group_id, std::vector<LeaveGroupRequest::MemberIdentity> members);
  asio::awaitable<ListGroupsResponse> ListGroups(ListGroupsRequest req);
  asio::awaitable<std::vector<DescribeGroupsResponse::DescribedGroup>> DescribeGroups(
      std::vector<std::string> groups, bool include_authorized_operations);
  asio::awaitable<std::vector<DeleteGroupsResponse::DeletableGroupResult>> DeleteGroups(
      std::vector<std::string> groups);

 private:
  using Strand = asio::strand<asio::io_context::executor_type>;

  // All on strand_.
  asio::awaitable<JoinGroupResponse> DoJoinGroup(JoinGroupRequest req, int16_t version,
                                                 std::string client_id, std::string client_host);
  asio::awaitable<SyncGroupResponse> DoSyncGroup(SyncGroupRequest req, int16_t version);
  asio::awaitable<ErrorCode> DoHeartbeat(HeartbeatRequest req);
  asio::awaitable<std::vector<LeaveGroupResponse::MemberResponse>> DoLeaveGroup(
      std::string group_id, std::vector<LeaveGroupRequest::MemberIdentity> members);
  asio::awaitable<ListGroupsResponse> DoListGroups(ListGroupsRequest req);
  asio::awaitable<std::vector<DescribeGroupsResponse::DescribedGroup>> DoDescribeGroups(
      std::vector<std::string> groups, bool include_authorized_operations);
  asio::awaitable<std::vector<DeleteGroupsResponse::DeletableGroupResult>> DoDeleteGroups(
      std::vector<std::string> groups);
  asio::awaitable<void> Sweep();

  template <typename Resp>
  static asio::awaitable<Resp> Wait(std::shared_ptr<Parked<Resp>> parked);

  // Kafka's rebalance steps.
  void AddMemberAndRebalance(Group& group, Member member,
                             std::shared_ptr<Parked<JoinGroupResponse>> parked);
  void UpdateMemberAndRebalance(Group& group, Member& member, const JoinGroupRequest& req,
                                int16_t version, std::shared_ptr<Parked<JoinGroupResponse>> parked);
  void MaybePrepareRebalance(Group& group);
  void PrepareRebalance(Group& group);
  void MaybeCompleteJoin(Group& group);
  void CompleteJoin(Group& group);
  void RemoveMemberAndUpdateGroup(Group& group, const std::string& member_id);
  void ResetAndPropagateAssignmentError(Group& group, ErrorCode error);
  void PropagateAssignments(Group& group);
  void ScheduleSession(Member& member);
  JoinGroupResponse CurrentJoinResponse(const Group& group, const std::string& member_id,
                                        bool include_members) const;
  void ExpireDeadlines(Group& group, SteadyTime now);

  Group* FindGroup(const std::string& group_id);

  Strand strand_;
  asio::steady_timer sweep_timer_;
  GroupCoordinatorOptions options_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
};

}  // namespace brook::broker
