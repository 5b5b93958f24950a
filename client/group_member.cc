// client/group_member.cc
#include "client/group_member.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <set>

#include "protocol/base/logging.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/sync_group.h"

namespace brook::client {
namespace {

const Logger kLog("client.group");

constexpr int8_t kGroupKeyType = 0;

Status KafkaStatus(ErrorCode code, const std::string& what) {
  return Status(make_error_code(code), what);
}

std::optional<ErrorCode> KafkaCode(const Status& s) {
  if (s.ok() || s.code().category() != KafkaCategory()) {
    return std::nullopt;
  }
  return static_cast<ErrorCode>(s.code().value());
}

bool InvalidatesMembership(ErrorCode code) {
  return code == ErrorCode::kRebalanceInProgress || code == ErrorCode::kIllegalGeneration ||
         code == ErrorCode::kUnknownMemberId;
}

const LogEscaped kEscaped{kLog, "group coroutine"};

}  // namespace

bool IsCoordinatorError(ErrorCode code) {
  return code == ErrorCode::kNotCoordinator || code == ErrorCode::kCoordinatorNotAvailable;
}

GroupMember::GroupMember(asio::io_context& io, const ClientConfig& config, Cluster& cluster,
                         Strand strand)
    : io_(io),
      config_(config),
      cluster_(cluster),
      group_id_(config.group_id.value_or("")),
      strand_(std::move(strand)),
      heartbeat_timer_(strand_) {
  identity_.group_id = group_id_;
  identity_.group_instance_id = config.group_instance_id;
}

GroupMember::~GroupMember() { Close(); }

void GroupMember::Close() {
  closed_ = true;
  ++heartbeat_token_;
  heartbeat_timer_.cancel();
  if (coordinator_) coordinator_->Close();
}

void GroupMember::SetIdentity(int32_t generation_id, std::string member_id) {
  std::lock_guard lock(mu_);
  identity_.generation_id = generation_id;
  identity_.member_id = std::move(member_id);
}

void GroupMember::OnMembershipError(ErrorCode code) {
  ConsumerGroupMetadata me = metadata();
  if (code == ErrorCode::kUnknownMemberId) {
    SetIdentity(-1, "");
  } else if (code == ErrorCode::kIllegalGeneration) {
    SetIdentity(-1, me.member_id);
  }
  ++heartbeat_token_;
  if (!needs_rejoin_.exchange(true)) {
    kLog.Info("group ", group_id_, ": rejoining after ", ErrorName(code));
    if (on_rejoin_needed_) on_rejoin_needed_();
  }
}

asio::awaitable<void> GroupMember::Backoff() {
  asio::steady_timer timer(strand_);
  timer.expires_after(config_.retry_backoff);
  asio::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

bool GroupMember::membership_lost() const {
  ConsumerGroupMetadata me = metadata();
  return me.member_id.empty() || me.generation_id < 0;
}

void GroupMember::PollEnded() {
  last_poll_end_ns_.store(std::chrono::steady_clock::now().time_since_epoch().count());
  in_poll_.store(false);
}

bool GroupMember::PollExpired() const {
  if (in_poll_.load()) return false;
  std::chrono::steady_clock::time_point last{
      std::chrono::steady_clock::duration(last_poll_end_ns_.load())};
  return std::chrono::steady_clock::now() - last > config_.max_poll_interval;
}

std::vector<JoinGroupRequest::JoinGroupRequestProtocol> GroupMember::Protocols(
    const std::vector<std::string>& topics, const std::vector<TopicPartition>& owned) const {
  ConsumerSubscription subscription{
      .topics = topics, .owned_partitions = owned, .generation_id = synced_generation_};
  std::vector<JoinGroupRequest::JoinGroupRequestProtocol> out;
  for (AssignorKind kind : config_.assignment_strategies) {
    std::string name(AssignorName(kind));
    if (std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.name == name; })) {
      continue;  // listed twice
    }
    ConsumerSubscription mine = subscription;
    if (kind == AssignorKind::kCooperativeSticky) {
      mine.user_data = EncodeStickyUserData(owned, synced_generation_);
    }
    out.push_back({.name = std::move(name), .metadata = EncodeSubscription(mine, 2)});
  }
  return out;
}

asio::awaitable<GroupMember::JoinOutcome> GroupMember::JoinAndSync(
    std::vector<std::string> topics, std::vector<TopicPartition> owned) {
  ++heartbeat_token_;  // the old generation's heartbeats stop
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  std::sort(owned.begin(), owned.end());
  bool lost_owned = false;
  uint64_t epoch = join_epoch_;
  joining_ = true;
  struct Done {
    bool& joining;
    ~Done() { joining = false; }
  } done{joining_};
  for (;;) {
    if (closed_) co_return JoinOutcome{.status = Status(ClientErrc::kClosed, "consumer closed")};
    if (epoch != join_epoch_) {
      co_return JoinOutcome{.status = Status(ClientErrc::kClosed, "left the group")};
    }
    Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
    if (!connection.ok()) {
      if (!ClientError(connection.status()).retriable()) {
        co_return JoinOutcome{.status = connection.status()};
      }
      co_await Backoff();
      continue;
    }
    if (!owned.empty() && membership_lost()) {
      // The generation ended under us (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID):
      // what we held is no longer ours to claim.
      owned.clear();
      synced_generation_ = -1;
      lost_owned = true;
    }
    ConsumerGroupMetadata me = metadata();
    JoinGroupRequest req;
    req.group_id = group_id_;
    req.session_timeout_ms = static_cast<int32_t>(config_.session_timeout.count());
    req.rebalance_timeout_ms = static_cast<int32_t>(config_.max_poll_interval.count());
    req.member_id = me.member_id;
    req.group_instance_id = me.group_instance_id;
    req.protocol_type = std::string(kConsumerProtocolType);
    req.protocols = Protocols(topics, owned);
    req.reason = "joining the group";
    Result<JoinGroupResponse> resp = co_await (*connection)->Call(std::move(req));
    if (epoch != join_epoch_) continue;  // left meanwhile
    if (!resp.ok()) {
      kLog.Debug("JoinGroup: ", resp.status().ToString());
      ForgetCoordinator(*connection);
      co_await Backoff();
      continue;
    }
    switch (resp->error_code) {
      case ErrorCode::kNone: break;
      case ErrorCode::kMemberIdRequired:  // KIP-394: join again under the given id
        SetIdentity(-1, resp->member_id);
        continue;
      case ErrorCode::kUnknownMemberId: SetIdentity(-1, ""); continue;
      case ErrorCode::kIllegalGeneration:
      case ErrorCode::kRebalanceInProgress:
      case ErrorCode::kCoordinatorLoadInProgress: co_await Backoff(); continue;
      case ErrorCode::kNotCoordinator:
      case ErrorCode::kCoordinatorNotAvailable:
        ForgetCoordinator(*connection);
        co_await Backoff();
        continue;
      default:
        co_return JoinOutcome{.status = KafkaStatus(resp->error_code, "JoinGroup " + group_id_)};
    }
    SetIdentity(resp->generation_id, resp->member_id);
    bool leader = resp->leader == resp->member_id;
    std::vector<MemberSubscription> members;
    bool malformed = false;
    if (leader) {
      for (const auto& m : resp->members) {
        Result<ConsumerSubscription> sub = DecodeSubscription(m.metadata);
        if (!sub.ok()) {
          kLog.Warn("group ", group_id_, ": member ", m.member_id, ": ", sub.status().ToString());
          malformed = true;
          continue;
        }
        members.push_back(MemberSubscription{.member_id = m.member_id,
                                             .group_instance_id = m.group_instance_id,
                                             .subscription = std::move(*sub)});
      }
    }
    if (malformed && members.empty()) {
      co_return JoinOutcome{.status = Status(ClientErrc::kBadResponse, "no member metadata")};
    }
    std::vector<TopicPartition> assignment;
    Status synced =
        co_await SyncAs(resp->generation_id, resp->member_id, resp->protocol_name.value_or(""),
                        leader, std::move(members), &assignment);
    if (synced.ok()) {
      needs_rejoin_.store(false);
      synced_generation_ = resp->generation_id;
      // The poll timer starts now if no poll() is running.
      last_poll_end_ns_.store(std::chrono::steady_clock::now().time_since_epoch().count());
      uint64_t token = ++heartbeat_token_;
      asio::co_spawn(strand_, HeartbeatLoop(token), kEscaped);
      kLog.Info("group ", group_id_, ": generation ", resp->generation_id, " (",
                resp->protocol_name.value_or(""), ") as ", leader ? "leader" : "follower", " with ",
                assignment.size(), " partition(s)");
      co_return JoinOutcome{.status = Status::Ok(),
                            .assignment = std::move(assignment),
                            .protocol = resp->protocol_name.value_or(""),
                            .generation_id = resp->generation_id,
                            .lost_owned = lost_owned};
    }
    std::optional<ErrorCode> code = KafkaCode(synced);
    if (code && InvalidatesMembership(*code)) {
      if (*code != ErrorCode::kRebalanceInProgress) OnMembershipError(*code);
      continue;  // rejoin at once
    }
    if (epoch != join_epoch_) continue;
    if (code && IsCoordinatorError(*code)) ForgetCoordinator(nullptr);
    if (!ClientError(synced).retriable()) co_return JoinOutcome{.status = synced};
    co_await Backoff();
  }
}

asio::awaitable<Status> GroupMember::SyncAs(int32_t generation_id, std::string member_id,
                                            std::string protocol_name, bool leader,
                                            std::vector<MemberSubscription> members,
                                            std::vector<TopicPartition>* assignment) {
  SyncGroupRequest req;
  req.group_id = group_id_;
  req.generation_id = generation_id;
  req.member_id = member_id;
  req.group_instance_id = config_.group_instance_id;
  req.protocol_type = std::string(kConsumerProtocolType);
  req.protocol_name = protocol_name;
  if (leader) {
    std::optional<AssignorKind> kind = AssignorByName(protocol_name);
    if (!kind ||
        std::find(config_.assignment_strategies.begin(), config_.assignment_strategies.end(),
                  *kind) == config_.assignment_strategies.end()) {
      co_return Status(ClientErrc::kBadResponse,
                       "the group chose assignor '" + protocol_name + "', which is not offered");
    }
    std::set<std::string> topics;
    for (const MemberSubscription& m : members) {
      topics.insert(m.subscription.topics.begin(), m.subscription.topics.end());
    }
    Status refreshed = co_await cluster_.Refresh({topics.begin(), topics.end()});
    if (!refreshed.ok()) co_return refreshed;
    std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
    PartitionCounts counts;
    for (const std::string& t : topics) {
      const TopicMetadata* topic = metadata->Topic(t);
      if (topic != nullptr && topic->error == ErrorCode::kNone && !topic->partitions.empty()) {
        counts[t] = static_cast<int32_t>(topic->partitions.size());
      }
    }
    GroupAssignment assigned;
    switch (*kind) {
      case AssignorKind::kRange: assigned = AssignRange(members, counts); break;
      case AssignorKind::kRoundRobin: assigned = AssignRoundRobin(members, counts); break;
      case AssignorKind::kCooperativeSticky:
        assigned = AssignCooperativeSticky(members, counts);
        break;
    }
    for (auto& [member, partitions] : assigned) {
      req.assignments.push_back(SyncGroupRequest::SyncGroupRequestAssignment{
          .member_id = member,
          .assignment = EncodeAssignment(ConsumerAssignment{.partitions = partitions})});
    }
  }
  Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
  if (!connection.ok()) co_return connection.status();
  Result<SyncGroupResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    ForgetCoordinator(*connection);
    co_return resp.status();
  }
  if (resp->error_code != ErrorCode::kNone) {
    co_return KafkaStatus(resp->error_code, "SyncGroup " + group_id_);
  }
  Result<ConsumerAssignment> decoded = DecodeAssignment(resp->assignment);
  if (!decoded.ok()) co_return decoded.status();
  *assignment = std::move(decoded->partitions);
  co_return Status::Ok();
}

asio::awaitable<void> GroupMember::HeartbeatLoop(uint64_t token) {
  while (token == heartbeat_token_ && !closed_) {
    heartbeat_timer_.expires_after(config_.heartbeat_interval);
    asio::error_code ec;
    co_await heartbeat_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (token != heartbeat_token_ || closed_) break;
    if (PollExpired()) {
      kLog.Warn("group ", group_id_, ": poll() was not called within max.poll.interval.ms (",
                config_.max_poll_interval.count(),
                " ms); leaving the group, the next poll() joins again");
      co_await Leave("consumer poll timeout has expired");
      break;
    }
    Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
    if (!connection.ok()) continue;
    ConsumerGroupMetadata me = metadata();
    HeartbeatRequest req{.group_id = group_id_,
                         .generation_id = me.generation_id,
                         .member_id = me.member_id,
                         .group_instance_id = me.group_instance_id};
    Result<HeartbeatResponse> resp = co_await (*connection)->Call(std::move(req));
    if (token != heartbeat_token_ || closed_) break;
    if (!resp.ok()) {
      ForgetCoordinator(*connection);
      continue;
    }
    ErrorCode code = resp->error_code;
    if (code == ErrorCode::kNone) continue;
    if (IsCoordinatorError(code)) {
      ForgetCoordinator(*connection);
      continue;
    }
    if (InvalidatesMembership(code) || code == ErrorCode::kFencedInstanceId) {
      OnMembershipError(code);
      break;
    }
    kLog.Debug("group ", group_id_, ": Heartbeat: ", ErrorName(code));
  }
}

asio::awaitable<void> GroupMember::Leave(std::string reason) {
  ++heartbeat_token_;
  ++join_epoch_;
  heartbeat_timer_.cancel();
  // A JoinGroup parked on the coordinator connection would hold the
  // LeaveGroup behind it: drop that connection (failing the join).
  if (joining_) ForgetCoordinator(nullptr);
  ConsumerGroupMetadata me = metadata();
  needs_rejoin_.store(true);
  synced_generation_ = -1;
  if (me.member_id.empty()) co_return;
  SetIdentity(-1, "");
  if (me.group_instance_id) co_return;  // static: keeps its place until its session times out
  Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
  if (!connection.ok()) co_return;
  std::optional<int16_t> version = (*connection)->NegotiatedVersion(ApiKey::kLeaveGroup);
  LeaveGroupRequest req;
  req.group_id = group_id_;
  if (version && *version >= 3) {
    req.members.push_back(
        LeaveGroupRequest::MemberIdentity{.member_id = me.member_id, .reason = std::move(reason)});
  } else {
    req.member_id = me.member_id;
  }
  Result<LeaveGroupResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    kLog.Debug("LeaveGroup: ", resp.status().ToString());
  } else if (resp->error_code != ErrorCode::kNone) {
    kLog.Debug("LeaveGroup: ", ErrorName(resp->error_code));
  } else {
    kLog.Info("group ", group_id_, ": member ", me.member_id, " left");
  }
}

ConsumerGroupMetadata GroupMember::metadata() const {
  std::lock_guard lock(mu_);
  return identity_;
}

void GroupMember::ForgetCoordinator(const std::shared_ptr<BrokerConnection>& used) {
  // Only the connection that failed: another coroutine may have found the
  // coordinator again meanwhile.
  if (used) {
    used->Close();
    if (coordinator_ != used) return;
  }
  if (coordinator_) coordinator_->Close();
  coordinator_.reset();
}

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> GroupMember::Coordinator() {
  if (coordinator_ && coordinator_->ready()) co_return coordinator_;
  if (coordinator_ && !coordinator_->closed()) {
    std::shared_ptr<BrokerConnection> connection = coordinator_;
    Status s = co_await connection->EnsureConnected();
    if (s.ok()) co_return connection;
  }
  ForgetCoordinator(nullptr);
  Result<std::shared_ptr<BrokerConnection>> any = co_await cluster_.AnyConnection();
  if (!any.ok()) co_return any.status();
  std::optional<int16_t> version = (*any)->NegotiatedVersion(ApiKey::kFindCoordinator);
  FindCoordinatorRequest req;
  req.key_type = kGroupKeyType;
  if (version && *version >= 4) {
    req.coordinator_keys = {group_id_};
  } else {
    req.key = group_id_;
  }
  Result<FindCoordinatorResponse> resp = co_await (*any)->Call(std::move(req));
  if (!resp.ok()) co_return resp.status();
  ErrorCode error = resp->error_code;
  int32_t node_id = resp->node_id;
  std::string host = resp->host;
  int32_t port = resp->port;
  if (version && *version >= 4) {
    if (resp->coordinators.empty()) {
      co_return Status(ClientErrc::kBadResponse, "FindCoordinator answered no coordinator");
    }
    const auto& c = resp->coordinators.front();
    error = c.error_code;
    node_id = c.node_id;
    host = c.host;
    port = c.port;
  }
  if (error != ErrorCode::kNone) {
    co_return KafkaStatus(error, "FindCoordinator for group " + group_id_);
  }
  if (port <= 0 || port > 65535) {
    co_return Status(ClientErrc::kBadResponse,
                     "FindCoordinator answered port " + std::to_string(port));
  }
  auto connection = BrokerConnection::Create(
      io_, ConnectionOptions{
               .host = host,
               .port = static_cast<uint16_t>(port),
               .node_id = node_id,
               .client_id = config_.client_id,
               // JoinGroup waits up to the rebalance timeout.
               .request_timeout = std::max(config_.request_timeout,
                                           config_.max_poll_interval + std::chrono::seconds(5)),
               .connect_timeout = config_.request_timeout});
  Status s = co_await connection->EnsureConnected();
  if (!s.ok()) co_return s;
  kLog.Debug("group ", group_id_, ": coordinator is node ", node_id, " at ", host, ":", port);
  coordinator_ = connection;
  co_return connection;
}

asio::awaitable<Status> GroupMember::Commit(std::map<TopicPartition, OffsetAndMetadata> offsets) {
  if (offsets.empty()) co_return Status::Ok();
  Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
  if (!connection.ok()) co_return connection.status();
  ConsumerGroupMetadata me = metadata();
  OffsetCommitRequest req;
  req.group_id = group_id_;
  req.generation_id_or_member_epoch = me.generation_id;
  req.member_id = me.member_id;
  req.group_instance_id = me.group_instance_id;
  for (const auto& [tp, offset] : offsets) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      req.topics.push_back(OffsetCommitRequest::OffsetCommitRequestTopic{.name = tp.topic});
    }
    req.topics.back().partitions.push_back(OffsetCommitRequest::OffsetCommitRequestPartition{
        .partition_index = tp.partition,
        .committed_offset = offset.offset,
        .committed_leader_epoch = offset.leader_epoch,
        .committed_metadata = offset.metadata});
  }
  Result<OffsetCommitResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    ForgetCoordinator(*connection);
    co_return resp.status();
  }
  for (const auto& topic : resp->topics) {
    for (const auto& p : topic.partitions) {
      if (p.error_code == ErrorCode::kNone) continue;
      if (IsCoordinatorError(p.error_code)) ForgetCoordinator(*connection);
      if (p.error_code == ErrorCode::kIllegalGeneration ||
          p.error_code == ErrorCode::kUnknownMemberId) {
        OnMembershipError(p.error_code);  // the generation is over: rejoin
      }
      co_return KafkaStatus(p.error_code,
                            "OffsetCommit " + topic.name + "-" + std::to_string(p.partition_index));
    }
  }
  co_return Status::Ok();
}

asio::awaitable<Result<std::map<TopicPartition, OffsetAndMetadata>>> GroupMember::FetchCommitted(
    std::vector<TopicPartition> partitions) {
  std::map<TopicPartition, OffsetAndMetadata> out;
  if (partitions.empty()) co_return out;
  std::sort(partitions.begin(), partitions.end());
  Result<std::shared_ptr<BrokerConnection>> connection = co_await Coordinator();
  if (!connection.ok()) co_return connection.status();
  std::optional<int16_t> version = (*connection)->NegotiatedVersion(ApiKey::kOffsetFetch);
  bool batched = version && *version >= 8;
  OffsetFetchRequest req;
  req.require_stable = true;  // KIP-447: wait out offsets pending in a transaction
  std::vector<OffsetFetchRequest::OffsetFetchRequestTopic> topics;
  for (const TopicPartition& tp : partitions) {
    if (topics.empty() || topics.back().name != tp.topic) {
      topics.push_back(OffsetFetchRequest::OffsetFetchRequestTopic{.name = tp.topic});
    }
    topics.back().partition_indexes.push_back(tp.partition);
  }
  if (batched) {
    OffsetFetchRequest::OffsetFetchRequestGroup group{.group_id = group_id_};
    group.topics.emplace();
    for (auto& t : topics) {
      group.topics->push_back(OffsetFetchRequest::OffsetFetchRequestTopics{
          .name = t.name, .partition_indexes = std::move(t.partition_indexes)});
    }
    req.groups.push_back(std::move(group));
  } else {
    req.group_id = group_id_;
    req.topics = std::move(topics);
  }
  Result<OffsetFetchResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    ForgetCoordinator(*connection);
    co_return resp.status();
  }
  auto take = [&](const std::string& topic, int32_t partition, int64_t offset, int32_t leader_epoch,
                  const std::optional<std::string>& metadata, ErrorCode error) -> Status {
    if (error != ErrorCode::kNone) {
      if (IsCoordinatorError(error)) ForgetCoordinator(*connection);
      return KafkaStatus(error, "OffsetFetch " + topic + "-" + std::to_string(partition));
    }
    if (offset >= 0) {
      out[TopicPartition{topic, partition}] = OffsetAndMetadata{
          .offset = offset, .metadata = metadata.value_or(""), .leader_epoch = leader_epoch};
    }
    return Status::Ok();
  };
  if (batched) {
    for (const auto& group : resp->groups) {
      if (group.error_code != ErrorCode::kNone) {
        if (IsCoordinatorError(group.error_code)) ForgetCoordinator(*connection);
        co_return KafkaStatus(group.error_code, "OffsetFetch for group " + group_id_);
      }
      for (const auto& t : group.topics) {
        for (const auto& p : t.partitions) {
          Status s = take(t.name, p.partition_index, p.committed_offset, p.committed_leader_epoch,
                          p.metadata, p.error_code);
          if (!s.ok()) co_return s;
        }
      }
    }
  } else {
    if (resp->error_code != ErrorCode::kNone) {
      if (IsCoordinatorError(resp->error_code)) ForgetCoordinator(*connection);
      co_return KafkaStatus(resp->error_code, "OffsetFetch for group " + group_id_);
    }
    for (const auto& t : resp->topics) {
      for (const auto& p : t.partitions) {
        Status s = take(t.name, p.partition_index, p.committed_offset, p.committed_leader_epoch,
                        p.metadata, p.error_code);
        if (!s.ok()) co_return s;
      }
    }
  }
  co_return out;
}

}  // namespace brook::client
