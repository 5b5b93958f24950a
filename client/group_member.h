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
//
// Membership (subscribe()) follows the classic protocol as Java's
// AbstractCoordinator does: JoinGroup (protocol type "consumer", one
// protocol per configured assignor in the order listed, each with a
// ConsumerProtocolSubscription v2 naming the partitions the member owns and
// the generation it got them in; cooperative-sticky's user data repeats
// them as StickyAssignorUserData, the layout librdkafka's sticky assignor
// writes and reads; a new member joins again with the member id
// MEMBER_ID_REQUIRED gave it), the leader runs the assignor the group chose
// over every member's subscription (cooperative-sticky withholds partitions
// that another member still owns) and hands the assignments to SyncGroup,
// and then heartbeats every heartbeat.interval.ms until one says
// REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID (the last
// two also forget the generation, or the member id), which asks the consumer
// to rejoin (needs_rejoin()). A commit answered ILLEGAL_GENERATION or
// UNKNOWN_MEMBER_ID does the same. Leave() sends LeaveGroup (dynamic members
// only: a static member keeps its place until its session times out).
//
// Like Java's heartbeat thread, the heartbeat loop also watches the poll
// timer: when the consumer has not been inside poll() for
// max.poll.interval.ms the member leaves the group (LeaveGroup, reason
// "consumer poll timeout has expired") and the next poll() joins again.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/assignors.h"
#include "client/client_config.h"
#include "client/consumer_group_metadata.h"
#include "client/consumer_record.h"
#include "client/network/broker_connection.h"
#include "client/network/cluster.h"
#include "protocol/messages/join_group.h"

namespace brook::client {

// The coordinator side of the consumer. Everything but metadata() runs on
// the consumer's strand; the identity behind metadata() is also under mu_.
// The io_context and Cluster must outlive it.
class GroupMember {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;
  // What a join ends with: the member's partitions, or why it failed.
  struct JoinOutcome {
    Status status;
    std::vector<TopicPartition> assignment;
    std::string protocol;  // the assignor the group chose
    int32_t generation_id = -1;
    // The membership was lost during the join (ILLEGAL_GENERATION,
    // UNKNOWN_MEMBER_ID): the partitions it was started with are no longer
    // this member's, and it joined claiming none.
    bool lost_owned = false;
  };

  GroupMember(asio::io_context& io, const ClientConfig& config, Cluster& cluster, Strand strand);
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

  // --- Membership, on the strand.
  // Joins (again) with `topics` as the subscription, claiming `owned` (the
  // partitions the consumer holds, from the last synced generation), until
  // the group is synced, a fatal error, or Close(); then heartbeats in the
  // background. Retriable failures (coordinator moved, a rebalance
  // restarting) are retried after retry.backoff.ms.
  asio::awaitable<JoinOutcome> JoinAndSync(std::vector<std::string> topics,
                                           std::vector<TopicPartition> owned);
  // LeaveGroup, once, if a dynamic member; forgets the member id and the
  // generation and stops heartbeats either way.
  asio::awaitable<void> Leave(std::string reason = "the consumer is being closed");

  // --- Any thread.
  bool needs_rejoin() const { return needs_rejoin_.load(); }
  void RequestRejoin() { needs_rejoin_.store(true); }
  // Whether partitions held now belong to no generation (never joined, or
  // the generation or member id was reset): they are lost, not revoked.
  bool membership_lost() const;
  // The poll timer: the consumer calls these around every poll().
  void PollStarted() { in_poll_.store(true); }
  void PollEnded();
  // Called (on the strand) when needs_rejoin() turns true.
  void set_on_rejoin_needed(std::function<void()> callback) {
    on_rejoin_needed_ = std::move(callback);
  }
  ConsumerGroupMetadata metadata() const;
  const std::string& group_id() const { return group_id_; }

  // Closes the coordinator connection and stops heartbeats and joins.
  void Close();

 private:
  asio::awaitable<void> HeartbeatLoop(uint64_t token);
  // Not inside poll() and the last one ended more than max.poll.interval.ms ago.
  bool PollExpired() const;
  // Resets the member id and/or generation after the codes that invalidate
  // them, and asks for a rejoin.
  void OnMembershipError(ErrorCode code);
  void SetIdentity(int32_t generation_id, std::string member_id);
  // The JoinGroup protocols: every configured assignor, in order.
  std::vector<JoinGroupRequest::JoinGroupRequestProtocol> Protocols(
      const std::vector<std::string>& topics, const std::vector<TopicPartition>& owned) const;
  asio::awaitable<Status> SyncAs(int32_t generation_id, std::string member_id,
                                 std::string protocol_name, bool leader,
                                 std::vector<MemberSubscription> members,
                                 std::vector<TopicPartition>* assignment);
  asio::awaitable<void> Backoff();

  // A ready connection to the coordinator, looking it up first if needed.
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> Coordinator();
  // Closes `used` (when given) and forgets the coordinator if it is that
  // connection; without `used`, forgets whatever it is.
  void ForgetCoordinator(const std::shared_ptr<BrokerConnection>& used);

  asio::io_context& io_;
  const ClientConfig& config_;
  Cluster& cluster_;
  const std::string group_id_;
  Strand strand_;
  asio::steady_timer heartbeat_timer_;             // strand
  std::shared_ptr<BrokerConnection> coordinator_;  // strand
  uint64_t heartbeat_token_ = 0;                   // strand: a newer loop stops older ones
  bool closed_ = false;                            // strand
  bool joining_ = false;                           // strand: a JoinAndSync runs
  uint64_t join_epoch_ = 0;                        // strand: Leave() ends joins in progress
  int32_t synced_generation_ = -1;                 // strand: of the partitions owned
  std::atomic<bool> needs_rejoin_{true};
  std::atomic<bool> in_poll_{false};
  std::atomic<int64_t> last_poll_end_ns_{0};  // steady_clock
  std::function<void()> on_rejoin_needed_;

  mutable std::mutex mu_;
  ConsumerGroupMetadata identity_;  // guarded by mu_
};

// Whether a commit or offset fetch failed in a way that asks for another
// coordinator lookup (and may succeed when tried again).
bool IsCoordinatorError(ErrorCode code);

}  // namespace brook::client
