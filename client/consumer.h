// client/consumer.h
//
// A Kafka consumer with the Java client's behaviour and property names:
//
//   auto consumer = brook::client::Consumer::Create({{"bootstrap.servers", "127.0.0.1:9092"},
//                                                    {"auto.offset.reset", "earliest"}});
//   if (!consumer.ok()) return consumer.status();
//   (*consumer)->assign({{"orders", 0}, {"orders", 1}});
//   for (const ConsumerRecord& r : (*consumer)->poll(std::chrono::seconds(1))) Use(r);
//
// Records are fetched ahead on the consumer's own io thread (see Fetcher):
// poll() returns what is buffered, waiting up to its timeout for some, at
// most max.poll.records at a time, and advances each partition's position
// past what it returned. isolation.level=read_committed returns only
// committed transactions' records, never past the last stable offset.
//
// With group.id set, positions are committed to the group's coordinator:
// commit_sync()/commit_async() on demand, and with enable.auto.commit (the
// default) every auto.commit.interval.ms from the io thread and on close();
// assigned partitions then start at the committed offset.
//
// subscribe() makes the consumer a member of its group (classic protocol,
// see GroupMember): poll() joins, runs the rebalance listener, and rejoins
// when a heartbeat or commit says the generation ended. The leader computes
// assignments with the assignor the coordinator chose among those every
// member offers (partition.assignment.strategy, the first preferred:
// "range", "roundrobin", "cooperative-sticky").
//
// The rebalance protocol follows Java's rule: cooperative (KIP-429) when
// every configured assignor is cooperative ("cooperative-sticky"), else
// eager (Java 3.x's default "range,cooperative-sticky" is eager, whichever
// of the two the group picks, which is what makes rolling upgrades safe).
//   eager        before rejoining, commit (with auto commit) and revoke
//                every partition; after the sync, assign all it was given.
//   cooperative  rejoin claiming the partitions held (they keep being
//                fetched and returned meanwhile); after the sync, revoke
//                only those no longer assigned (committing them first with
//                auto commit), keep the others with their positions, tell
//                on_partitions_assigned of the added ones only, and if
//                anything was revoked, rejoin at once so that the group can
//                hand it on.
// Partitions whose generation ended under the member (fenced, or it left
// after a poll timeout) are lost rather than revoked: not committed, and
// reported to on_partitions_lost.
//
// When poll() is not called within max.poll.interval.ms, the member leaves
// the group (as Java's heartbeat thread does) and the next poll() joins
// again.
//
// Not yet: the eager "sticky" assignor, pattern subscriptions, rejoining
// when a subscribed topic's partition count grows.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/client_config.h"
#include "client/client_error.h"
#include "client/consumer_group_metadata.h"
#include "client/consumer_record.h"
#include "protocol/base/status.h"

namespace brook::client {

class ConsumerCore;

// Called on the thread that calls poll() (or close(), unsubscribe()),
// while the partitions named are still assigned.
struct RebalanceListener {
  // Partitions given up: eager, every partition before a rebalance;
  // cooperative, those moving to another member, after the sync.
  std::function<void(const std::vector<TopicPartition>& partitions)> on_partitions_revoked;
  // After the group is synced, with the partitions added (eager: all the
  // consumer's partitions; cooperative: perhaps none).
  std::function<void(const std::vector<TopicPartition>& partitions)> on_partitions_assigned;
  // Partitions that are no longer this member's because its generation
  // ended (Java's onPartitionsLost); empty: on_partitions_revoked is called.
  std::function<void(const std::vector<TopicPartition>& partitions)> on_partitions_lost;
};

// Not for concurrent use, as Java's KafkaConsumer: one thread calls its
// methods (close() and wakeup-free destruction from that thread too).
class Consumer {
 public:
  // Errors: kInvalidConfig (unknown or invalid property, see ClientConfig).
  static Result<std::unique_ptr<Consumer>> Create(
      const std::map<std::string, std::string>& properties);
  static Result<std::unique_ptr<Consumer>> Create(ClientConfig config);
  // close(), then waits for the io thread.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group (on the next poll()) with `topics` as the subscription.
  // Errors: INVALID_GROUP_ID without group.id.
  Status subscribe(const std::vector<std::string>& topics, RebalanceListener listener = {});
  // Revokes the partitions, leaves the group and stops fetching.
  void unsubscribe();
  std::vector<std::string> subscription() const;

  // Reads exactly these partitions (replacing any earlier assignment).
  // Partitions that stay keep their position; new ones start at the
  // group's committed offset when group.id is set, else (or without one) as
  // auto.offset.reset says.
  void assign(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> assignment() const;

  // The partitions of `topic` (a Metadata request; the broker may create
  // the topic). Errors: the topic's error code, kNoBrokers, kClosed.
  Result<std::vector<TopicPartition>> partitions_for(const std::string& topic);

  // The next poll() returns `tp` from `offset`. Errors: invalid_argument
  // (not assigned, negative offset).
  Status seek(const TopicPartition& tp, int64_t offset);
  Status seek_to_beginning(const std::vector<TopicPartition>& partitions);
  Status seek_to_end(const std::vector<TopicPartition>& partitions);
  // The offset of the next record poll() returns for `tp`, waiting (up to
  // `timeout`) for a committed offset or a reset. Errors: invalid_argument
  // (not assigned), kTimedOut, the lookup's failure.
  Result<int64_t> position(const TopicPartition& tp,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Paused partitions keep their position and are not fetched nor returned.
  void pause(const std::vector<TopicPartition>& partitions);
  void resume(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> paused() const;

  // Records from the assigned partitions, waiting up to `timeout` for the
  // first. Throws ClientError on what the Java client throws for
  // (OFFSET_OUT_OF_RANGE under auto.offset.reset=none, a corrupt batch,
  // authorization or unsupported-version failures, a closed consumer).
  std::vector<ConsumerRecord> poll(std::chrono::milliseconds timeout);

  // Commits the positions of every assigned partition (what poll() has
  // returned), or `offsets`, to the group, retrying what is retriable until
  // `timeout`. Errors: INVALID_GROUP_ID without group.id, the broker's code
  // (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID: the
  // member lost its partitions), kTimedOut.
  Status commit_sync(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  Status commit_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // The same without waiting, tried once; `callback` (may be empty) runs on
  // the consumer's io thread and must not block.
  using CommitCallback = std::function<void(
      const std::map<TopicPartition, OffsetAndMetadata>& offsets, const Status& status)>;
  void commit_async(CommitCallback callback = {});
  void commit_async(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                    CommitCallback callback);
  // The group's committed offsets of `partitions`; those without one are
  // absent. Errors: as commit_sync's.
  Result<std::map<TopicPartition, OffsetAndMetadata>> committed(
      const std::vector<TopicPartition>& partitions,
      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // The group and this member's generation, for a transactional producer's
  // send_offsets_to_transaction. Without group.id: an empty group id.
  ConsumerGroupMetadata group_metadata() const;

  // Commits (with auto commit), stops fetching and releases the io thread.
  // Idempotent.
  void close();

  const ClientConfig& config() const;

 private:
  explicit Consumer(std::shared_ptr<ConsumerCore> core);
  std::shared_ptr<ConsumerCore> core_;
};

}  // namespace brook::client
