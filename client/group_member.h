// client/group_member.h
//
// The consumer's side of its group coordinator: FindCoordinator (key type 0,
// the group id) and a connection of its own to the coordinator (so that
// commits and heartbeats never wait behind long-polling fetches, as the Java
// client keeps a separate coordinator connection), OffsetCommit and
// OffsetFetch (require_stable, so offsets pending in a transaction are waited
// for), and the member's identity in its generation.
//
// Errors that mean the coordinator moved (NOT_COORDINATOR,
// COORDINATOR_NOT_AVAILABLE, a lost connection) forget it, and the next call
// looks it up again.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/client_config.h"
#include "client/consumer_group_metadata.h"
#include "client/consumer_record.h"
#include "client/network/broker_connection.h"
#include "client/network/cluster.h"

namespace brook::client {

// The coordinator side of the consumer. Everything but metadata() runs on
// the consumer's strand; the identity behind metadata() is also under mu_.
// The io_context and Cluster must outlive it.
class GroupMember {
 public:
  GroupMember(asio::io_context& io, const ClientConfig& config, Cluster& cluster);
  ~GroupMember();
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  // Commits `offsets` in the current generation (or as a plain group id
  // outside one). Retriable failures (coordinator moved or loading) come
  // back as such; the caller decides whether to try again.
  asio::awaitable<Status> Commit(std::map<TopicPartition, OffsetAndMetadata> offsets);
  // The committed offsets of `partitions`; a partition without one is absent.
  asio::awaitable<Result<std::map<TopicPartition, OffsetAndMetadata>>> FetchCommitted(
      std::vector<TopicPartition> partitions);

  ConsumerGroupMetadata metadata() const;
  const std::string& group_id() const { return group_id_; }

  // Closes the coordinator connection.
  void Close();

 private:
  // A ready connection to the coordinator, looking it up first if needed.
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Coordinator();
  void ForgetCoordinator();

  asio::io_context& io_;
  const ClientConfig& config_;
  Cluster& cluster_;
  const std::string group_id_;
  std::shared_ptr<BrokerConnection> coordinator_;  // strand

  mutable std::mutex mu_;
  ConsumerGroupMetadata identity_;  // guarded by mu_
};

// Whether a commit or offset fetch failed in a way that asks for another
// coordinator lookup (and may succeed when tried again).
bool IsCoordinatorError(ErrorCode code);

}  // namespace brook::client
