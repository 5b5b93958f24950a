// client/network/cluster.h
//
// What the client knows of the cluster: brokers, and for each topic it uses
// its partitions and their leaders, from Metadata requests; and one
// connection per broker. Bootstrap servers are used until the first Metadata
// answer names the brokers. Metadata is refreshed when asked for
// (RequestUpdate: after NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, a
// lost connection) and when older than metadata.max.age.ms. A broker whose
// connection fails is retried after reconnect.backoff.ms, doubling up to
// reconnect.backoff.max.ms.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/client_config.h"
#include "client/network/broker_connection.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"

namespace brook::client {

struct PartitionMetadata {
  int32_t partition = 0;
  int32_t leader_id = -1;  // -1: no leader right now
  int32_t leader_epoch = -1;
  ErrorCode error = ErrorCode::kNone;
};

struct TopicMetadata {
  std::string name;
  Uuid topic_id;  // zero when the broker gave none (Metadata before v10)
  ErrorCode error = ErrorCode::kNone;
  std::vector<PartitionMetadata> partitions;  // by partition index
};

// One Metadata answer, immutable once published.
struct ClusterMetadata {
  std::map<int32_t, BrokerAddress> brokers;
  std::map<std::string, TopicMetadata, std::less<>> topics;
  std::chrono::steady_clock::time_point updated{};

  const TopicMetadata* Topic(std::string_view name) const {
    auto it = topics.find(name);
    return it == topics.end() ? nullptr : &it->second;
  }
  // The leader of a partition; nullopt when unknown or leaderless.
  std::optional<int32_t> Leader(std::string_view topic, int32_t partition) const;
};

// Thread-safe. Connections and refreshes run on strand_; the published
// metadata is behind mu_. The io_context must outlive the Cluster and run
// while it is used.
class Cluster {
 public:
  Cluster(asio::io_context& io, ClientConfig config);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Sends a Metadata request for every topic used so far plus `topics`
  // (brokers may auto-create them) and publishes the answer.
  // Errors: kNoBrokers when no broker answers, Call's.
  asio::awaitable<Status> Refresh(std::vector<std::string> topics);
  // The latest metadata (empty before the first Refresh).
  std::shared_ptr<const ClusterMetadata> metadata() const;
  // Marks the metadata stale: NeedsRefresh() is true until the next Refresh.
  void RequestUpdate();
  // Stale, asked for, or older than metadata.max.age.ms.
  bool NeedsRefresh(std::chrono::steady_clock::time_point now) const;
  // Topics the client has asked about.
  std::vector<std::string> topics() const;

  // A ready connection to broker `node_id`, connecting (after any backoff)
  // if needed. Errors: kNoBrokers (unknown node), EnsureConnected's.
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Connection(int32_t node_id);
  // A ready connection to any broker: a connected one first, then the known
  // brokers and the bootstrap servers in turn.
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> AnyConnection();

  // Closes every connection and waits until done. Idempotent.
  // REQUIRES: the io_context is running (or this runs on it).
  void Close();

 private:
  struct Node {
    BrokerAddress address;
    std::shared_ptr<BrokerConnection> connection;
    int failures = 0;
    std::chrono::steady_clock::time_point next_attempt{};
  };

  asio::awaitable<Status> DoRefresh(std::vector<std::string> topics);  // strand_
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> DoConnection(int32_t node_id);
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> DoAnyConnection();
  Node* FindNode(int32_t node_id);  // strand_

  asio::io_context& io_;
  ClientConfig config_;
  asio::strand<asio::io_context::executor_type> strand_;
  std::map<int32_t, Node> nodes_;  // strand_: brokers by id; bootstrap servers at -1, -2, ...
  bool closed_ = false;            // strand_

  mutable std::mutex mu_;
  std::shared_ptr<const ClusterMetadata> metadata_;  // guarded by mu_
  std::set<std::string, std::less<>> topics_;        // guarded by mu_
  bool update_requested_ = true;                     // guarded by mu_
};

}  // namespace brook::client
