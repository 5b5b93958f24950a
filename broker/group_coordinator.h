// broker/group_coordinator.h
//
// The classic consumer group protocol as Apache Kafka's GroupCoordinator
// serves it: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ListGroups,
// DescribeGroups and DeleteGroups, for every group (this node coordinates
// them all), and the groups' committed offsets (OffsetCommit, OffsetFetch,
// OffsetDelete), each change appended to __consumer_offsets as Kafka's
// records (broker/group_records.h) and read back by Load at startup.
//
// Transactional offsets (TxnOffsetCommit) are appended as one transactional
// batch of the producer and stay pending, invisible to OffsetFetch, until the
// transaction coordinator has written the transaction's marker to the
// group's __consumer_offsets partition and calls CompleteTransaction: a
// commit makes them the committed offsets, an abort drops them. Load replays
// the same from the log: transactional batches pend, markers complete them.
//
//   Empty --join--> PreparingRebalance --all joined / rebalance timeout-->
//   CompletingRebalance --leader's SyncGroup--> Stable --join, leave, expiry-->
//   PreparingRebalance ...
//
// Parked JoinGroup and SyncGroup requests wait on the strand until the
// rebalance completes (or their member is removed). One sweep timer on the
// strand (every kTickMs) expires sessions, pending members, rebalance
// timeouts and the initial rebalance delay, and every
// offsets.retention.check.interval.ms expires committed offsets (KIP-211) and
// removes the groups left Empty without offsets (Dead), with tombstones in
// __consumer_offsets so a restart does not bring them back. When the io_context stops, the
// parked coroutines are destroyed with it, with their connections.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <atomic>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "broker/group.h"
#include "broker/txn_verification.h"
#include "protocol/base/status.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"
#include "protocol/messages/txn_offset_commit.h"
#include "protocol/record.h"

namespace brook::storage {
class LogManager;
}  // namespace brook::storage

namespace brook::broker {

struct GroupCoordinatorOptions {
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  int64_t initial_rebalance_delay_ms = 0;
  // group.max.size: JoinGroup of a new member beyond it is GROUP_MAX_SIZE_REACHED.
  int32_t max_size = INT32_MAX;
  // offsets.retention.minutes (as ms) and offsets.retention.check.interval.ms.
  int64_t offsets_retention_ms = 7 * 24 * 3600 * 1000LL;
  int64_t offsets_retention_check_interval_ms = 600000;
  // Where __consumer_offsets lives; commit timestamps come from now_ms.
  storage::LogManager* logs = nullptr;
  int64_t (*now_ms)() = nullptr;
  // When set, a TxnOffsetCommit is checked against the transaction
  // coordinator (KIP-890 part 1) right before its append, under the hold it
  // returns.
  VerifyTxnPartition verify_txn;
};

// OffsetFetch require_stable (v7+): partitions with pending transactional
// offsets answer UNSTABLE_OFFSET_COMMIT.
enum class RequireStable { kNo, kYes };

// Owns every Group; group state is read and written only on strand_. Every
// public coroutine may be awaited from any strand.
class GroupCoordinator {
 public:
  static constexpr int64_t kTickMs = 50;

  GroupCoordinator(asio::io_context& io, GroupCoordinatorOptions options);
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  ~GroupCoordinator();

  // Starts the sweep timer and, when __consumer_offsets exists, a thread that
  // reads every group's committed offsets and metadata back from it; until
  // it is done, group requests get COORDINATOR_LOAD_IN_PROGRESS. Records that
  // fail to decode are logged and skipped. Call once, before the io threads run.
  void Start();
  // Stops and joins the loader. Call before the logs close. Idempotent.
  void Stop();

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
  asio::awaitable<OffsetCommitResponse> OffsetCommit(OffsetCommitRequest req, int16_t version);
  // One group of an OffsetFetch (the v8+ layout; the handler reshapes it for v1-7).
  asio::awaitable<OffsetFetchResponse::OffsetFetchResponseGroup> FetchOffsets(
      OffsetFetchRequest::OffsetFetchRequestGroup req,
      RequireStable require_stable = RequireStable::kNo);
  asio::awaitable<OffsetDeleteResponse> OffsetDelete(OffsetDeleteRequest req);
  // TxnOffsetCommit, every version of TxnOffsetCommitRequest::kVersions: the
  // offsets pend under the producer id until CompleteTransaction.
  asio::awaitable<TxnOffsetCommitResponse> TxnOffsetCommit(TxnOffsetCommitRequest req,
                                                           int16_t version);
  // The transaction coordinator appended a COMMIT (commit) or ABORT marker of
  // `producer_id` at `marker_offset` to __consumer_offsets-`offsets_partition`:
  // the producer's pending offsets of that partition's groups written below
  // the marker become committed offsets (where no newer commit of the
  // partition exists) or are dropped. Idempotent. While the coordinator is
  // loading it is applied once the load is done.
  asio::awaitable<void> CompleteTransaction(int64_t producer_id, int32_t offsets_partition,
                                            int64_t marker_offset, bool commit);

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
  asio::awaitable<OffsetCommitResponse> DoOffsetCommit(OffsetCommitRequest req, int16_t version);
  asio::awaitable<OffsetFetchResponse::OffsetFetchResponseGroup> DoFetchOffsets(
      OffsetFetchRequest::OffsetFetchRequestGroup req, RequireStable require_stable);
  asio::awaitable<OffsetDeleteResponse> DoOffsetDelete(OffsetDeleteRequest req);
  asio::awaitable<TxnOffsetCommitResponse> DoTxnOffsetCommit(TxnOffsetCommitRequest req,
                                                             int16_t version);
  asio::awaitable<void> DoCompleteTransaction(int64_t producer_id, int32_t offsets_partition,
                                              int64_t marker_offset, TxnResult result);
  asio::awaitable<void> Sweep();

  // Persistence in __consumer_offsets (created on first use). With a
  // producer, one transactional batch of it (no sequence, as Kafka's
  // coordinator writes).
  struct BatchProducer {
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
  };
  struct Appended {
    ErrorCode error = ErrorCode::kNone;
    int64_t base_offset = -1;  // of the batch, when error is kNone
  };
  Appended AppendRecords(const std::string& group_id, std::span<const Record> records,
                         std::optional<BatchProducer> producer = std::nullopt);
  // Writes the group's GroupMetadataValue (after a generation is settled).
  void StoreGroup(const Group& group);
  using GroupMap = std::map<std::string, std::unique_ptr<Group>>;
  // Producer id -> the groups where it has pending offsets (may name groups
  // that are gone or no longer pending: they are skipped and forgotten).
  using TxnGroups = std::map<int64_t, std::set<std::string>>;
  // A record of __consumer_offsets at `record_offset`; `txn_producer` when
  // its batch is transactional.
  static void ApplyLoadedRecord(GroupMap& groups, TxnGroups& txn_groups, const RecordView& record,
                                int64_t record_offset, std::optional<int64_t> txn_producer);
  static void CompleteTxnIn(GroupMap& groups, TxnGroups& txn_groups, int64_t producer_id,
                            int32_t offsets_partition, int64_t marker_offset, TxnResult result);
  struct LoadedState {
    GroupMap groups;
    TxnGroups txn_groups;
  };
  static Status LoadInto(storage::LogManager& logs, GroupMap& groups, TxnGroups& txn_groups,
                         const std::atomic<bool>& stop);
  void Loaded(std::shared_ptr<LoadedState> loaded);  // on strand_
  Group& GetOrCreateGroup(const std::string& group_id);

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
  void TransitionTo(Group& group, GroupState state);  // stamps current_state_timestamp
  // Kafka's acceptJoiningMember: whether `member_id` (empty: a new member)
  // may join without the group outgrowing group.max.size.
  bool AcceptJoiningMember(const Group& group, const std::string& member_id) const;
  // Committed offsets of `group` past retention at `now_ms`, or of a topic
  // partition that no longer exists; never one with pending transactional
  // offsets.
  std::vector<TopicPartition> ExpiredOffsets(const Group& group, int64_t now_ms) const;
  // Kafka's cleanupGroupMetadata: tombstones for `partitions` (and for the
  // group when that leaves it Empty without offsets: it is Dead and removed)
  // in one append, then the same in memory. `group` may be gone on return.
  ErrorCode RemoveOffsetsAndMaybeGroup(Group& group, const std::vector<TopicPartition>& partitions);
  // Every group's expired offsets, and the groups that die of it.
  void CleanupGroupMetadata();

  Group* FindGroup(const std::string& group_id);

  Strand strand_;
  asio::steady_timer sweep_timer_;
  SteadyTime next_offsets_check_{};  // on strand_
  GroupCoordinatorOptions options_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  TxnGroups txn_groups_;
  bool loading_ = false;  // on strand_ (set before the io threads run)
  // CompleteTransaction calls that came while loading, applied after it.
  struct TxnEnd {
    int64_t producer_id;
    int32_t offsets_partition;
    int64_t marker_offset;
    TxnResult result;
  };
  std::vector<TxnEnd> deferred_txn_ends_;
  std::atomic<bool> stop_loading_{false};
  std::thread loader_;
};

}  // namespace brook::broker
