// broker/txn_coordinator.h
//
// The transaction coordinator, as Apache Kafka's TransactionCoordinator
// behaves for transactions version 0/1 (KIP-98, KIP-360, KIP-447 and the
// partition verification of KIP-890 part 1): this node coordinates every
// transactional id. Each id's state lives in memory and every change is a
// record in the compacted __transaction_state (broker/txn_records.h), written
// before the request is answered and read back by Load at startup.
//
//   Empty/CompleteCommit/CompleteAbort --AddPartitionsToTxn/AddOffsetsToTxn-->
//   Ongoing --EndTxn(commit)--> PrepareCommit --markers--> CompleteCommit
//           --EndTxn(abort), timeout, fencing--> PrepareAbort --markers--> CompleteAbort
//
// Completing a transaction (markers to every partition, then the Complete
// record) runs inside the call that decided it, so EndTxn answers once the
// markers are in the logs and a client never waits on CONCURRENT_TRANSACTIONS
// in the normal case. A transaction stays in PrepareCommit/PrepareAbort only
// when a marker could not be written (or the broker died there): requests for
// it get CONCURRENT_TRANSACTIONS until the sweeper (or Load, after a restart)
// writes the missing markers.
//
// An InitProducerId that finds its id's previous instance mid-transaction
// fences it (epoch + 1), aborts the transaction with the new epoch and then
// hands out epoch + 2, in one call (Kafka answers CONCURRENT_TRANSACTIONS
// there and lets the client retry into the same result).
//
// Coordinator epoch: this node is the only coordinator ever, so markers carry 0.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "broker/txn_records.h"
#include "broker/txn_verification.h"
#include "protocol/base/status.h"
#include "protocol/error_code.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/list_transactions.h"

namespace brook::storage {
class LogManager;
}  // namespace brook::storage

namespace brook::broker {

class ProducerIdManager;

using TopicPartition = std::pair<std::string, int32_t>;

// A marker the coordinator wrote to __consumer_offsets: the group coordinator
// must make the producer's pending offsets there committed or drop them.
struct OffsetsMarker {
  int64_t producer_id = -1;
  int32_t partition = 0;  // of __consumer_offsets
  int64_t marker_offset = -1;
  bool commit = false;

  bool operator==(const OffsetsMarker&) const = default;
};

struct TxnCoordinatorOptions {
  storage::LogManager* logs = nullptr;        // must outlive the coordinator
  ProducerIdManager* producer_ids = nullptr;  // must outlive the coordinator
  int64_t (*now_ms)() = nullptr;              // wall clock, for timeouts and records
  int32_t max_timeout_ms = 900000;            // transaction.max.timeout.ms
  int32_t state_partitions = 50;              // transaction.state.log.num.partitions
  int64_t abort_timed_out_interval_ms = 10000;
  int64_t id_expiration_ms = 604800000;  // transactional.id.expiration.ms
  int64_t remove_expired_interval_ms = 3600000;
  bool stall_after_prepare = false;  // brook.testing.txn.stall=after-prepare
  // After every marker append (wakes parked fetches). Called with the
  // coordinator's lock held: must not call back into it.
  std::function<void(const std::string& topic, int32_t partition)> on_marker_appended;
  // Markers in __consumer_offsets written outside EndTxn and InitProducerId
  // (timeouts, retries, Load). Called without the lock.
  std::function<void(std::vector<OffsetsMarker>)> on_offsets_markers;
};

// What InitProducerId and EndTxn answer, with the __consumer_offsets markers
// they wrote (the caller hands those to the group coordinator before it
// answers, so that committed offsets are visible once the client hears back).
struct TxnReply {
  ErrorCode error = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  std::vector<OffsetsMarker> markers;
};

// Kafka answers PRODUCER_FENCED only from the version of each transaction API
// that introduced it (KIP-588); older versions get INVALID_PRODUCER_EPOCH.
inline ErrorCode FencedForVersion(ErrorCode error, int16_t version, int16_t first_fenced_version) {
  return error == ErrorCode::kProducerFenced && version < first_fenced_version
             ? ErrorCode::kInvalidProducerEpoch
             : error;
}

// Thread-safe: every public method takes mu_ (state changes, appends to
// __transaction_state and the markers run under it); Verify takes only
// verify_mu_, shared, so produce requests do not queue behind the coordinator.
// Lock order: mu_, then verify_mu_.
class TransactionCoordinator {
 public:
  explicit TransactionCoordinator(TxnCoordinatorOptions options);
  ~TransactionCoordinator();
  TransactionCoordinator(const TransactionCoordinator&) = delete;
  TransactionCoordinator& operator=(const TransactionCoordinator&) = delete;

  // Reads __transaction_state (when it exists) and finishes the transactions
  // a previous run left in PrepareCommit/PrepareAbort by writing their
  // markers. Ongoing ones stay open until their producer comes back or their
  // timeout aborts them. Call once, before serving; records that fail to
  // decode are logged and skipped.
  Status Load();
  // Starts the sweeper thread (timeouts, retries, expiration). Idempotent.
  void Start();
  // Stops and joins the sweeper. Idempotent.
  void Stop();

  // InitProducerId with a transactional id. `expected` (KIP-360): the
  // producer's current id and epoch when it asks for an epoch bump.
  TxnReply InitProducerId(const std::string& transactional_id, int32_t timeout_ms,
                          std::optional<std::pair<int64_t, int16_t>> expected);
  // AddPartitionsToTxn / AddOffsetsToTxn: the error for every partition.
  // REQUIRES: the partitions exist (the handler answers UNKNOWN_TOPIC_OR_PARTITION).
  ErrorCode AddPartitions(const std::string& transactional_id, int64_t producer_id,
                          int16_t producer_epoch, const std::vector<TopicPartition>& partitions);
  TxnReply EndTxn(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                  bool commit);
  // Whether a transactional write may be appended (broker/txn_verification.h).
  TxnVerification Verify(const std::string& transactional_id, int64_t producer_id,
                         int16_t producer_epoch, const std::string& topic, int32_t partition);

  std::vector<DescribeTransactionsResponse::TransactionState> Describe(
      const std::vector<std::string>& transactional_ids);
  ListTransactionsResponse List(const ListTransactionsRequest& req);

  // The sweeper's passes, public for tests: aborts (and fences) transactions
  // past their timeout and retries unfinished completions; removes ids idle
  // past transactional.id.expiration.ms.
  void AbortTimedOut();
  void RemoveExpired();

 private:
  struct Txn {
    std::string id;
    int64_t producer_id = -1;
    int64_t previous_producer_id = -1;  // before an exhausted epoch forced a new id
    int16_t producer_epoch = -1;
    int16_t last_producer_epoch = -1;  // before the last bump (KIP-360 retries); not persisted
    int32_t timeout_ms = 0;
    TxnState state = TxnState::kEmpty;
    std::set<TopicPartition> partitions;
    int64_t start_timestamp_ms = -1;
    int64_t last_update_timestamp_ms = -1;
  };

  int64_t Now() const;
  // Appends the state as a record (or a tombstone) to __transaction_state.
  ErrorCode PersistLocked(const Txn& txn, bool tombstone = false);
  // Ongoing -> PrepareCommit/PrepareAbort -> markers -> Complete*. With
  // fence, the epoch is bumped first (timeouts, a new instance). kNone once
  // the Prepare record is durable, even if markers are left for a retry.
  ErrorCode EndLocked(Txn& txn, bool commit, bool fence, std::vector<OffsetsMarker>* markers);
  // Writes the markers of a Prepare* transaction and then the Complete
  // record; false if a marker or the record failed (retried later).
  bool CompleteLocked(Txn& txn, std::vector<OffsetsMarker>* markers);
  // Mirrors txn's producer and Ongoing partitions into verified_.
  void PublishLocked(const Txn& txn);
  void Stall();
  void RunSweeper();

  struct Verified {
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    std::set<TopicPartition> partitions;  // of the Ongoing transaction; empty otherwise
  };

  TxnCoordinatorOptions options_;
  std::mutex mu_;
  std::map<std::string, Txn> txns_;  // guarded by mu_

  std::shared_mutex verify_mu_;
  std::map<std::string, Verified> verified_;  // guarded by verify_mu_

  std::thread sweeper_;
  std::mutex sweeper_mu_;
  std::condition_variable sweeper_cv_;
  bool stopping_ = false;  // guarded by sweeper_mu_
};

}  // namespace brook::broker
