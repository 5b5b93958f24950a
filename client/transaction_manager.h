// client/transaction_manager.h
//
// The transactional producer's state machine and its coordinator requests, as
// the Java client's TransactionManager runs them:
//
//   Uninitialized --init--> Ready --begin--> InTransaction --commit--> Committing --> Ready
//                                                         --abort---> Aborting ---> Ready
//   any state --fatal error--> FatalError (close the producer)
//   InTransaction/Committing --abortable error--> AbortableError --abort--> Aborting
//
// init: FindCoordinator (key_type 1) then InitProducerId(transactional.id,
// transaction.timeout.ms); the producer id and epoch go to the sender, and
// every partition's sequence restarts at 0 (as after any new epoch).
// Records: before a partition's first batch of a transaction is sent, the
// sender asks AddPartitionsToTxn (all new partitions in one request) and drains
// only added partitions (MaySend). send_offsets: AddOffsetsToTxn, then
// TxnOffsetCommit (generation, member id and instance id: v3+) to the group's
// coordinator (FindCoordinator key_type 0). commit: flush, then
// EndTxn(commit). abort: unsent batches fail (TRANSACTION_ABORTABLE), in-flight
// ones complete, EndTxn(abort), and when a failed batch left a gap in the
// sequence numbers, InitProducerId with the current id and epoch for a new
// epoch (KIP-360). CONCURRENT_TRANSACTIONS, COORDINATOR_LOAD_IN_PROGRESS,
// NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE are retried inside (the last
// two after finding the coordinator again), after retry.backoff.ms.
//
// Errors: fatal ones (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH from the
// coordinator, TRANSACTIONAL_ID_AUTHORIZATION_FAILED, INVALID_TXN_STATE from
// the coordinator, INVALID_PRODUCER_ID_MAPPING, unsupported versions) leave
// the producer unusable; abortable ones (a failed send, INVALID_PRODUCER_EPOCH
// or INVALID_TXN_STATE on a Produce, TRANSACTION_ABORTABLE, a rejected group
// generation) make every later call but abort_transaction() fail until it is
// called. See client_error.h for how a returned Status is classified.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "client/client_config.h"
#include "client/client_error.h"
#include "client/consumer_group_metadata.h"
#include "client/producer.h"
#include "client/record_accumulator.h"
#include "protocol/api_table.h"
#include "protocol/base/status.h"

namespace brook::client {

class Cluster;
class BrokerConnection;

// Owned by the producer's core. Its state lives on the producer's strand;
// RecordSendError and CheckSend may be called from any thread (error_mu_).
// `cluster`, `accumulator` and `pid` belong to the core and outlive this.
class TransactionManager {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;

  enum class State {
    kUninitialized,
    kInitializing,
    kReady,
    kInTransaction,
    kCommitting,
    kAborting,
  };

  TransactionManager(const ClientConfig& config, Strand strand, Cluster& cluster,
                     RecordAccumulator& accumulator, ProducerIdAndEpoch& pid,
                     std::function<void()> wake);

  // The operations, each run on the strand to its end (the caller waits for
  // it with max.block.ms, see Producer).
  asio::awaitable<Status> InitTransactions();
  asio::awaitable<Status> BeginTransaction();
  asio::awaitable<Status> SendOffsets(std::map<TopicPartition, OffsetAndMetadata> offsets,
                                      ConsumerGroupMetadata group);
  asio::awaitable<Status> Commit();
  asio::awaitable<Status> Abort();

  // The sender's part, each loop (strand): adds the partitions that have
  // batches waiting to the transaction. Returns true when some still wait
  // (the sender backs off).
  asio::awaitable<bool> AddPendingPartitions();
  // Whether the sender may send this partition's batches now (strand).
  bool MaySend(const TopicPartition& tp) const;
  // Whether the sender may send at all: a producer id, no error (strand).
  bool CanSend() const;
  // The error queued batches must fail with (abortable or fatal), if any.
  std::optional<ClientError> error() const;
  State state() const { return state_.load(); }
  // A batch with a sequence number failed for good: the next abort must get
  // a new epoch (strand).
  void RequireEpochBump() { epoch_bump_required_ = true; }
  // Something completed: operations waiting for the sender look again (strand).
  void Notify();
  // The producer is closing: operations stop retrying (any thread).
  void Close() { closing_.store(true); }

  // Any thread: a record of the transaction failed (the transaction must be
  // aborted, or the producer closed if `error` is fatal).
  void RecordSendError(const ClientError& error);
  // Any thread: whether send() may queue a record now; the error to fail it
  // with otherwise.
  std::optional<ClientError> CheckSend() const;

 private:
  enum class CoordinatorType : int8_t { kGroup = 0, kTransaction = 1 };
  struct Coordinator {
    std::shared_ptr<BrokerConnection> connection;
  };

  // Sends `req` to the coordinator of (type, key), again after retry.backoff.ms
  // while the answer's error (any partition's) is one retried here, finding
  // the coordinator again when it moved. Errors: kClosed, transport failures
  // that are not retried (kUnsupportedVersion), FindCoordinator's errors.
  template <typename Req>
  asio::awaitable<Result<ResponseFor<Req>>> CallCoordinator(CoordinatorType type, std::string key,
                                                            Req req);
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> CoordinatorConnection(
      CoordinatorType type, std::string key);
  void ForgetCoordinator(CoordinatorType type, const std::string& key);
  asio::awaitable<Status> InitProducerId(ProducerIdAndEpoch resume);
  asio::awaitable<Status> AddOffsets(const std::string& group_id);
  asio::awaitable<Status> CommitOffsets(std::map<TopicPartition, OffsetAndMetadata> offsets,
                                        ConsumerGroupMetadata group);
  asio::awaitable<Status> EndTxn(bool commit);
  asio::awaitable<void> Backoff(std::chrono::milliseconds delay);
  asio::awaitable<void> WaitForProgress();

  void SetState(State state);
  // Records `error` as the transaction's; returns it as the Status callers see.
  Status Fail(const ClientError& error);
  // A coordinator's answer `code` (not kNone): abortable or fatal as Java says.
  Status FailWith(ErrorCode code, const std::string& what);
  // A failed call (transport, FindCoordinator): kClosed as is, else as FailWith.
  Status FailWith(const Status& status);
  // The call cannot go on because of an earlier error: the Status for it.
  std::optional<Status> PendingError() const;
  Status IllegalState(const std::string& what) const;

  const ClientConfig& config_;
  const std::string transactional_id_;
  Strand strand_;
  Cluster& cluster_;
  RecordAccumulator& accumulator_;
  ProducerIdAndEpoch& pid_;  // strand_
  std::function<void()> wake_;
  std::atomic<bool> closing_{false};
  std::atomic<State> state_{State::kUninitialized};  // written on strand_
  asio::steady_timer progress_;                      // strand_

  // strand_:
  std::set<TopicPartition> partitions_;  // added to the ongoing transaction
  bool offsets_added_ = false;           // AddOffsetsToTxn succeeded in this one
  bool epoch_bump_required_ = false;
  Clock::time_point add_retry_at_{};
  std::map<std::pair<int8_t, std::string>, Coordinator> coordinators_;

  mutable std::mutex error_mu_;
  std::optional<ClientError> error_;  // guarded by error_mu_
  bool recording_ = false;            // guarded by error_mu_: send errors count
};

}  // namespace brook::client
