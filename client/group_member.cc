// client/group_member.cc
#include "client/group_member.h"

#include <algorithm>

#include "protocol/base/logging.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"

namespace brook::client {
namespace {

const Logger kLog("client.group");

constexpr int8_t kGroupKeyType = 0;

Status KafkaStatus(ErrorCode code, const std::string& what) {
  return Status(make_error_code(code), what);
}

}  // namespace

bool IsCoordinatorError(ErrorCode code) {
  return code == ErrorCode::kNotCoordinator || code == ErrorCode::kCoordinatorNotAvailable;
}

GroupMember::GroupMember(asio::io_context& io, const ClientConfig& config, Cluster& cluster)
    : io_(io), config_(config), cluster_(cluster), group_id_(config.group_id.value_or("")) {
  identity_.group_id = group_id_;
  identity_.group_instance_id = config.group_instance_id;
}

GroupMember::~GroupMember() { Close(); }

void GroupMember::Close() {
  if (coordinator_) coordinator_->Close();
}

ConsumerGroupMetadata GroupMember::metadata() const {
  std::lock_guard lock(mu_);
  return identity_;
}

void GroupMember::ForgetCoordinator() {
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
  ForgetCoordinator();
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
  auto connection =
      BrokerConnection::Create(io_, ConnectionOptions{.host = host,
                                                      .port = static_cast<uint16_t>(port),
                                                      .node_id = node_id,
                                                      .client_id = config_.client_id,
                                                      .request_timeout = config_.request_timeout,
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
    ForgetCoordinator();
    co_return resp.status();
  }
  for (const auto& topic : resp->topics) {
    for (const auto& p : topic.partitions) {
      if (p.error_code == ErrorCode::kNone) continue;
      if (IsCoordinatorError(p.error_code)) ForgetCoordinator();
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
    ForgetCoordinator();
    co_return resp.status();
  }
  auto take = [&](const std::string& topic, int32_t partition, int64_t offset, int32_t leader_epoch,
                  const std::optional<std::string>& metadata, ErrorCode error) -> Status {
    if (error != ErrorCode::kNone) {
      if (IsCoordinatorError(error)) ForgetCoordinator();
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
        if (IsCoordinatorError(group.error_code)) ForgetCoordinator();
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
      if (IsCoordinatorError(resp->error_code)) ForgetCoordinator();
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
