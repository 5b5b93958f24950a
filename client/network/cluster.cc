// client/network/cluster.cc
#include "client/network/cluster.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/dispatch.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <future>

#include "protocol/base/logging.h"
#include "protocol/messages/metadata.h"

namespace brook::client {
namespace {

const Logger kLog("client.cluster");

using Clock = std::chrono::steady_clock;

}  // namespace

std::optional<int32_t> ClusterMetadata::Leader(std::string_view topic, int32_t partition) const {
  const TopicMetadata* t = Topic(topic);
  if (t == nullptr || partition < 0 || static_cast<size_t>(partition) >= t->partitions.size()) {
    return std::nullopt;
  }
  const PartitionMetadata& p = t->partitions[static_cast<size_t>(partition)];
  if (p.leader_id < 0) return std::nullopt;
  return p.leader_id;
}

Cluster::Cluster(asio::io_context& io, ClientConfig config)
    : io_(io),
      config_(std::move(config)),
      strand_(asio::make_strand(io)),
      metadata_(std::make_shared<ClusterMetadata>()) {
  int32_t id = -1;
  for (const BrokerAddress& address : config_.bootstrap_servers) {
    nodes_[id--] = Node{.address = address};
  }
}

Cluster::~Cluster() {
  for (auto& [id, node] : nodes_) {
    if (node.connection) node.connection->Close();
  }
}

void Cluster::Close() {
  auto close = [this] {
    closed_ = true;
    for (auto& [id, node] : nodes_) {
      if (node.connection) node.connection->Close();
    }
  };
  if (strand_.running_in_this_thread()) return close();
  std::promise<void> done;
  asio::post(strand_, [&] {
    close();
    done.set_value();
  });
  done.get_future().wait();
}

std::shared_ptr<const ClusterMetadata> Cluster::metadata() const {
  std::lock_guard lock(mu_);
  return metadata_;
}

void Cluster::RequestUpdate() {
  std::lock_guard lock(mu_);
  update_requested_ = true;
}

bool Cluster::NeedsRefresh(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return update_requested_ || now - metadata_->updated >= config_.metadata_max_age;
}

std::vector<std::string> Cluster::topics() const {
  std::lock_guard lock(mu_);
  return {topics_.begin(), topics_.end()};
}

Cluster::Node* Cluster::FindNode(int32_t node_id) {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Cluster::Connection(int32_t node_id) {
  co_return co_await RunOn(strand_, DoConnection(node_id));
}

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Cluster::DoConnection(int32_t node_id) {
  Node* node = FindNode(node_id);
  if (node == nullptr || closed_) {
    co_return Status(ClientErrc::kNoBrokers, "no broker with node id " + std::to_string(node_id));
  }
  if (node->connection && node->connection->ready()) co_return node->connection;
  if (!node->connection || node->connection->closed()) {
    Clock::time_point now = Clock::now();
    if (now < node->next_attempt) {
      asio::steady_timer backoff(strand_);
      backoff.expires_at(node->next_attempt);
      asio::error_code ec;
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      node = FindNode(node_id);  // the map may have changed meanwhile
      if (node == nullptr || closed_) {
        co_return Status(ClientErrc::kNoBrokers, "node " + std::to_string(node_id) + " is gone");
      }
    }
    if (!node->connection || node->connection->closed()) {
      node->connection = BrokerConnection::Create(
          io_, ConnectionOptions{.host = node->address.host,
                                 .port = node->address.port,
                                 .node_id = node_id,
                                 .client_id = config_.client_id,
                                 .request_timeout = config_.request_timeout,
                                 .connect_timeout = config_.request_timeout});
    }
  }
  std::shared_ptr<BrokerConnection> connection = node->connection;
  Status s = co_await connection->EnsureConnected();
  node = FindNode(node_id);
  if (!s.ok()) {
    if (node != nullptr && node->connection == connection) {
      ++node->failures;
      auto backoff = config_.reconnect_backoff * (int64_t{1} << std::min(node->failures - 1, 16));
      node->next_attempt = Clock::now() + std::min(backoff, config_.reconnect_backoff_max);
    }
    kLog.Debug("connection to node ", node_id, " failed: ", s.ToString());
    co_return s;
  }
  if (node != nullptr) node->failures = 0;
  co_return connection;
}

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Cluster::AnyConnection() {
  co_return co_await RunOn(strand_, DoAnyConnection());
}

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Cluster::DoAnyConnection() {
  for (auto& [id, node] : nodes_) {
    if (node.connection && node.connection->ready()) co_return node.connection;
  }
  // Known brokers first (ids >= 0), then the bootstrap servers; the ones
  // not backing off before the others.
  std::vector<int32_t> order;
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) order.push_back(it->first);
  std::stable_partition(order.begin(), order.end(), [this](int32_t id) { return id >= 0; });
  Clock::time_point now = Clock::now();
  std::stable_partition(order.begin(), order.end(), [&](int32_t id) {
    const Node* n = FindNode(id);
    return n != nullptr && n->next_attempt <= now;
  });
  Status last(ClientErrc::kNoBrokers, "no broker known");
  for (int32_t id : order) {
    Result<std::shared_ptr<BrokerConnection>> c = co_await DoConnection(id);
    if (c.ok()) co_return c;
    last = c.status();
  }
  co_return Status(ClientErrc::kNoBrokers, "no broker reachable: " + last.ToString());
}

// ---------------------------------------------------------------------------

asio::awaitable<Status> Cluster::Refresh(std::vector<std::string> topics) {
  co_return co_await asio::co_spawn(strand_, DoRefresh(std::move(topics)), asio::use_awaitable);
}

asio::awaitable<Status> Cluster::DoRefresh(std::vector<std::string> topics) {
  MetadataRequest req;
  {
    std::lock_guard lock(mu_);
    for (std::string& t : topics) topics_.insert(std::move(t));
    req.topics.emplace();
    for (const std::string& t : topics_) {
      MetadataRequest::MetadataRequestTopic topic;
      topic.name = t;
      req.topics->push_back(std::move(topic));
    }
  }
  req.allow_auto_topic_creation = true;  // as the Java producer asks

  Result<std::shared_ptr<BrokerConnection>> connection = co_await DoAnyConnection();
  if (!connection.ok()) co_return connection.status();
  Result<MetadataResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) co_return resp.status();

  auto fresh = std::make_shared<ClusterMetadata>();
  fresh->updated = Clock::now();
  for (const auto& b : resp->brokers) {
    fresh->brokers[b.node_id] =
        BrokerAddress{.host = b.host, .port = static_cast<uint16_t>(b.port)};
  }
  for (const auto& t : resp->topics) {
    if (!t.name) continue;
    TopicMetadata topic{.name = *t.name, .topic_id = t.topic_id, .error = t.error_code};
    int32_t count = 0;
    for (const auto& p : t.partitions) count = std::max(count, p.partition_index + 1);
    topic.partitions.resize(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) topic.partitions[static_cast<size_t>(i)].partition = i;
    for (const auto& p : t.partitions) {
      if (p.partition_index < 0) continue;
      topic.partitions[static_cast<size_t>(p.partition_index)] =
          PartitionMetadata{.partition = p.partition_index,
                            .leader_id = p.leader_id,
                            .leader_epoch = p.leader_epoch,
                            .error = p.error_code};
    }
    fresh->topics[topic.name] = std::move(topic);
  }
  // Brokers join the node table; a moved broker gets a new connection.
  for (const auto& [id, address] : fresh->brokers) {
    Node* node = FindNode(id);
    if (node == nullptr) {
      nodes_[id] = Node{.address = address};
    } else if (!(node->address == address)) {
      if (node->connection) node->connection->Close();
      *node = Node{.address = address};
    }
  }
  {
    std::lock_guard lock(mu_);
    metadata_ = std::move(fresh);
    update_requested_ = false;
  }
  co_return Status::Ok();
}

}  // namespace brook::client
