// client/transaction_manager.cc
#include "client/transaction_manager.h"

#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "client/network/broker_connection.h"
#include "client/network/cluster.h"
#include "protocol/base/logging.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/txn_offset_commit.h"

namespace brook::client {
namespace {

const Logger kLog("client.txn");

// What the Java TransactionManager's handlers do with a coordinator's answer.
enum class Next { kDone, kRetry, kFindCoordinator, kAbortable, kFatal };

Next Classify(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNone: return Next::kDone;
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorNotAvailable: return Next::kFindCoordinator;
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kConcurrentTransactions:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kOperationNotAttempted: return Next::kRetry;
    case ErrorCode::kTransactionAbortable:
    case ErrorCode::kTopicAuthorizationFailed:
    case ErrorCode::kGroupAuthorizationFailed:
    case ErrorCode::kUnknownMemberId:
    case ErrorCode::kIllegalGeneration:
    case ErrorCode::kFencedInstanceId:
    case ErrorCode::kRebalanceInProgress: return Next::kAbortable;
    default: return Next::kFatal;  // fencing, authorization, INVALID_TXN_STATE, unexpected
  }
}

// The answer's error that decides what happens next: a final one (abortable,
// fatal) over one to retry over none.
ErrorCode Worst(ErrorCode a, ErrorCode b) {
  auto rank = [](ErrorCode c) {
    switch (Classify(c)) {
      case Next::kDone: return 0;
      case Next::kRetry: return 1;
      case Next::kFindCoordinator: return 2;
      case Next::kAbortable: return 3;
      case Next::kFatal: return 4;
    }
    return 4;
  };
  return rank(b) > rank(a) ? b : a;
}

ErrorCode ErrorOf(const InitProducerIdResponse& r) { return r.error_code; }
ErrorCode ErrorOf(const AddOffsetsToTxnResponse& r) { return r.error_code; }
ErrorCode ErrorOf(const EndTxnResponse& r) { return r.error_code; }
ErrorCode ErrorOf(const AddPartitionsToTxnResponse& r) {
  ErrorCode worst = ErrorCode::kNone;
  for (const auto& t : r.results_by_topic) {
    for (const auto& p : t.results_by_partition) worst = Worst(worst, p.partition_error_code);
  }
  return worst;
}
ErrorCode ErrorOf(const TxnOffsetCommitResponse& r) {
  ErrorCode worst = ErrorCode::kNone;
  for (const auto& t : r.topics) {
    for (const auto& p : t.partitions) worst = Worst(worst, p.error_code);
  }
  return worst;
}

Status Abortable(const std::string& what) {
  return Status(make_error_code(ErrorCode::kTransactionAbortable), what);
}

}  // namespace

TransactionManager::TransactionManager(const ClientConfig& config, Strand strand, Cluster& cluster,
                                       RecordAccumulator& accumulator, ProducerIdAndEpoch& pid,
                                       std::function<void()> wake)
    : config_(config),
      transactional_id_(config.transactional_id.value_or("")),
      strand_(std::move(strand)),
      cluster_(cluster),
      accumulator_(accumulator),
      pid_(pid),
      wake_(std::move(wake)),
      progress_(strand_) {}

// ---------------------------------------------------------------------------
// Errors

void TransactionManager::SetState(State state) {
  kLog.Debug("transactional id ", transactional_id_, ": state ", static_cast<int>(state));
  state_.store(state);
}

Status TransactionManager::Fail(const ClientError& error) {
  ClientError classified = error.WithSeverity(error.fatal() ? ClientError::Severity::kFatal
                                                            : ClientError::Severity::kAbortable);
  {
    std::lock_guard lock(error_mu_);
    if (!error_ || (!error_->fatal() && classified.fatal())) error_ = classified;
  }
  if (classified.fatal()) {
    kLog.Warn("transactional id ", transactional_id_, ": fatal error: ", classified.what());
    return classified.ToStatus();
  }
  return Abortable(classified.what());
}

Status TransactionManager::FailWith(ErrorCode code, const std::string& what) {
  ClientError error(code, what);
  return Fail(error.WithSeverity(Classify(code) == Next::kAbortable
                                     ? ClientError::Severity::kAbortable
                                     : ClientError::Severity::kFatal));
}

Status TransactionManager::FailWith(const Status& status) {
  if (status.code() == ClientErrc::kClosed) return status;
  if (status.code().category() == KafkaCategory()) {
    return FailWith(static_cast<ErrorCode>(status.code().value()), status.context());
  }
  return Fail(ClientError(status).WithSeverity(ClientError::Severity::kFatal));
}

std::optional<ClientError> TransactionManager::error() const {
  std::lock_guard lock(error_mu_);
  return error_;
}

std::optional<Status> TransactionManager::PendingError() const {
  std::lock_guard lock(error_mu_);
  if (!error_) return std::nullopt;
  if (error_->fatal()) return error_->ToStatus();
  return Abortable(std::string("the transaction must be aborted: ") + error_->what());
}

Status TransactionManager::IllegalState(const std::string& what) const {
  return Status(ClientErrc::kIllegalState, "transactional id " + transactional_id_ + ": " + what);
}

void TransactionManager::RecordSendError(const ClientError& error) {
  std::lock_guard lock(error_mu_);
  if (!recording_ && !error.fatal()) return;
  if (error_ && error_->fatal()) return;
  if (error_ && !error.fatal()) return;  // the first cause is the one to report
  error_ = error.WithSeverity(error.fatal() ? ClientError::Severity::kFatal
                                            : ClientError::Severity::kAbortable);
}

std::optional<ClientError> TransactionManager::CheckSend() const {
  {
    std::lock_guard lock(error_mu_);
    if (error_) return error_;
  }
  switch (state_.load()) {
    case State::kInTransaction: return std::nullopt;
    case State::kUninitialized:
    case State::kInitializing:
      return ClientError(IllegalState("send() before init_transactions() completed"));
    default:
      return ClientError(IllegalState("send() outside a transaction: call begin_transaction()"));
  }
}

// ---------------------------------------------------------------------------
// Coordinators

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>>
TransactionManager::CoordinatorConnection(CoordinatorType type, std::string key) {
  auto id = std::make_pair(static_cast<int8_t>(type), key);
  auto it = coordinators_.find(id);
  if (it != coordinators_.end() && it->second.connection && !it->second.connection->closed()) {
    co_return it->second.connection;
  }
  Result<std::shared_ptr<BrokerConnection>> any = co_await cluster_.AnyConnection();
  if (!any.ok()) co_return any.status();
  FindCoordinatorRequest req;
  req.key = key;
  req.key_type = static_cast<int8_t>(type);
  req.coordinator_keys = {key};
  Result<FindCoordinatorResponse> resp = co_await (*any)->Call(std::move(req));
  if (!resp.ok()) co_return resp.status();
  ErrorCode error = resp->error_code;
  int32_t node = resp->node_id;
  std::string message = resp->error_message.value_or("");
  if (!resp->coordinators.empty()) {  // v4+
    error = resp->coordinators[0].error_code;
    node = resp->coordinators[0].node_id;
    message = resp->coordinators[0].error_message.value_or("");
  }
  if (error != ErrorCode::kNone) {
    co_return Status(make_error_code(error), "FindCoordinator " + key + ": " + message);
  }
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  if (!connection.ok() && connection.status().code() == ClientErrc::kNoBrokers) {
    // A broker the metadata has not named yet: learn the brokers.
    Status refreshed = co_await cluster_.Refresh({});
    if (refreshed.ok()) connection = co_await cluster_.Connection(node);
  }
  if (!connection.ok()) co_return connection.status();
  kLog.Debug("coordinator for ", key, " (type ", static_cast<int>(type), "): node ", node);
  coordinators_[id] = Coordinator{*connection};
  co_return *connection;
}

void TransactionManager::ForgetCoordinator(CoordinatorType type, const std::string& key) {
  coordinators_.erase(std::make_pair(static_cast<int8_t>(type), key));
}

asio::awaitable<void> TransactionManager::Backoff(std::chrono::milliseconds delay) {
  asio::steady_timer timer(strand_);
  timer.expires_after(delay);
  asio::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void TransactionManager::Notify() { progress_.cancel(); }

asio::awaitable<void> TransactionManager::WaitForProgress() {
  progress_.expires_after(std::chrono::milliseconds(10));
  asio::error_code ec;
  co_await progress_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

template <typename Req>
asio::awaitable<Result<ResponseFor<Req>>> TransactionManager::CallCoordinator(CoordinatorType type,
                                                                              std::string key,
                                                                              Req req) {
  const std::string api(ApiName(Req::kApiKey));
  for (;;) {
    if (closing_.load()) co_return Status(ClientErrc::kClosed, api + ": closing");
    Result<std::shared_ptr<BrokerConnection>> connection =
        co_await CoordinatorConnection(type, key);
    if (!connection.ok()) {
      std::error_code code = connection.status().code();
      bool retry = code.category() == KafkaCategory()
                       ? IsRetriable(static_cast<ErrorCode>(code.value()))
                       : code != ClientErrc::kUnsupportedVersion;
      if (!retry) co_return connection.status();
      kLog.Debug(api, ": no coordinator yet: ", connection.status().ToString());
      co_await Backoff(config_.retry_backoff);
      continue;
    }
    Result<ResponseFor<Req>> resp = co_await (*connection)->Call(req);
    if (!resp.ok()) {
      if (resp.status().code() == ClientErrc::kUnsupportedVersion) co_return resp.status();
      kLog.Debug(api, ": ", resp.status().ToString());
      ForgetCoordinator(type, key);
      co_await Backoff(config_.retry_backoff);
      continue;
    }
    ErrorCode error = ErrorOf(*resp);
    Next next = Classify(error);
    if (next == Next::kFindCoordinator) ForgetCoordinator(type, key);
    if (next == Next::kFindCoordinator || next == Next::kRetry) {
      kLog.Debug(api, ": ", ErrorName(error), ", retrying");
      co_await Backoff(config_.retry_backoff);
      continue;
    }
    co_return resp;
  }
}

// ---------------------------------------------------------------------------
// Operations

asio::awaitable<Status> TransactionManager::InitProducerId(ProducerIdAndEpoch resume) {
  InitProducerIdRequest req;
  req.transactional_id = transactional_id_;
  req.transaction_timeout_ms = static_cast<int32_t>(config_.transaction_timeout.count());
  req.producer_id = resume.producer_id;  // v3+ (KIP-360): keep the id, bump the epoch
  req.producer_epoch = resume.epoch;
  Result<InitProducerIdResponse> resp =
      co_await CallCoordinator(CoordinatorType::kTransaction, transactional_id_, std::move(req));
  if (!resp.ok()) co_return FailWith(resp.status());
  if (resp->error_code != ErrorCode::kNone) co_return FailWith(resp->error_code, "InitProducerId");
  pid_ = ProducerIdAndEpoch{resp->producer_id, resp->producer_epoch};
  accumulator_.ResetSequences();  // a new epoch: sequences restart at 0
  epoch_bump_required_ = false;
  kLog.Info("transactional id ", transactional_id_, ": producer id ", pid_.producer_id, " epoch ",
            pid_.epoch);
  wake_();
  co_return Status::Ok();
}

asio::awaitable<Status> TransactionManager::InitTransactions() {
  if (std::optional<Status> e = PendingError()) co_return *e;
  State state = state_.load();
  if (state != State::kUninitialized && state != State::kInitializing) {
    co_return IllegalState("init_transactions() was called already");
  }
  SetState(State::kInitializing);
  Status s = co_await InitProducerId(ProducerIdAndEpoch{});
  if (s.ok()) SetState(State::kReady);
  co_return s;
}

asio::awaitable<Status> TransactionManager::BeginTransaction() {
  if (std::optional<Status> e = PendingError()) co_return *e;
  switch (state_.load()) {
    case State::kReady: break;
    case State::kUninitialized:
    case State::kInitializing: co_return IllegalState("call init_transactions() first");
    default: co_return IllegalState("a transaction is already in progress");
  }
  partitions_.clear();
  offsets_added_ = false;
  {
    std::lock_guard lock(error_mu_);
    recording_ = true;
  }
  SetState(State::kInTransaction);
  co_return Status::Ok();
}

asio::awaitable<bool> TransactionManager::AddPendingPartitions() {
  State state = state_.load();
  if ((state != State::kInTransaction && state != State::kCommitting) || error()) co_return false;
  std::vector<TopicPartition> fresh;
  for (TopicPartition& tp : accumulator_.QueuedPartitions()) {
    if (!partitions_.contains(tp)) fresh.push_back(std::move(tp));
  }
  if (fresh.empty()) co_return false;
  Clock::time_point now = Clock::now();
  if (now < add_retry_at_) co_return true;
  add_retry_at_ = now + config_.retry_backoff;
  Result<std::shared_ptr<BrokerConnection>> connection =
      co_await CoordinatorConnection(CoordinatorType::kTransaction, transactional_id_);
  if (!connection.ok()) {
    std::error_code code = connection.status().code();
    if (code.category() == KafkaCategory() && !IsRetriable(static_cast<ErrorCode>(code.value()))) {
      static_cast<void>(FailWith(connection.status()));  // recorded: the sender fails the batches
      co_return false;
    }
    co_return true;
  }
  AddPartitionsToTxnRequest req;
  req.transactional_id = transactional_id_;
  req.producer_id = pid_.producer_id;
  req.producer_epoch = pid_.epoch;
  for (const TopicPartition& tp : fresh) {  // sorted: one entry per topic
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      req.topics.push_back(AddPartitionsToTxnRequest::AddPartitionsToTxnTopic{.name = tp.topic});
    }
    req.topics.back().partitions.push_back(tp.partition);
  }
  Result<AddPartitionsToTxnResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    if (resp.status().code() == ClientErrc::kUnsupportedVersion) {
      static_cast<void>(FailWith(resp.status()));
      co_return false;
    }
    ForgetCoordinator(CoordinatorType::kTransaction, transactional_id_);
    co_return true;
  }
  for (const auto& t : resp->results_by_topic) {
    for (const auto& p : t.results_by_partition) {
      if (p.partition_error_code == ErrorCode::kNone) {
        partitions_.insert(TopicPartition{t.name, p.partition_index});
      }
    }
  }
  ErrorCode error = ErrorOf(*resp);
  switch (Classify(error)) {
    case Next::kDone:
      add_retry_at_ = {};
      kLog.Debug("transactional id ", transactional_id_, ": added ", fresh.size(), " partition(s)");
      co_return false;
    case Next::kFindCoordinator:
      ForgetCoordinator(CoordinatorType::kTransaction, transactional_id_);
      co_return true;
    case Next::kRetry: co_return true;
    case Next::kAbortable:
    case Next::kFatal: static_cast<void>(FailWith(error, "AddPartitionsToTxn")); co_return false;
  }
  co_return false;
}

bool TransactionManager::MaySend(const TopicPartition& tp) const {
  State state = state_.load();
  return (state == State::kInTransaction || state == State::kCommitting) &&
         partitions_.contains(tp);
}

bool TransactionManager::CanSend() const {
  State state = state_.load();
  return pid_.producer_id != kNoProducerId &&
         (state == State::kInTransaction || state == State::kCommitting);
}

asio::awaitable<Status> TransactionManager::SendOffsets(
    std::map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
  if (std::optional<Status> e = PendingError()) co_return *e;
  if (state_.load() != State::kInTransaction) {
    co_return IllegalState("send_offsets_to_transaction() outside a transaction");
  }
  if (group.group_id.empty()) co_return IllegalState("send_offsets_to_transaction(): no group id");
  if (Status s = co_await AddOffsets(group.group_id); !s.ok()) co_return s;
  co_return co_await CommitOffsets(std::move(offsets), std::move(group));
}

asio::awaitable<Status> TransactionManager::AddOffsets(const std::string& group_id) {
  AddOffsetsToTxnRequest req;
  req.transactional_id = transactional_id_;
  req.producer_id = pid_.producer_id;
  req.producer_epoch = pid_.epoch;
  req.group_id = group_id;
  Result<AddOffsetsToTxnResponse> resp =
      co_await CallCoordinator(CoordinatorType::kTransaction, transactional_id_, std::move(req));
  if (!resp.ok()) co_return FailWith(resp.status());
  if (resp->error_code != ErrorCode::kNone) {
    co_return FailWith(resp->error_code, "AddOffsetsToTxn for group " + group_id);
  }
  offsets_added_ = true;
  co_return Status::Ok();
}

asio::awaitable<Status> TransactionManager::CommitOffsets(
    std::map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
  TxnOffsetCommitRequest req;
  req.transactional_id = transactional_id_;
  req.group_id = group.group_id;
  req.producer_id = pid_.producer_id;
  req.producer_epoch = pid_.epoch;
  req.generation_id = group.generation_id;  // v3+ (KIP-447): the group fences zombies
  req.member_id = group.member_id;
  req.group_instance_id = group.group_instance_id;
  for (const auto& [tp, om] : offsets) {  // sorted: one entry per topic
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      req.topics.push_back(TxnOffsetCommitRequest::TxnOffsetCommitRequestTopic{.name = tp.topic});
    }
    req.topics.back().partitions.push_back(TxnOffsetCommitRequest::TxnOffsetCommitRequestPartition{
        .partition_index = tp.partition,
        .committed_offset = om.offset,
        .committed_leader_epoch = om.leader_epoch,
        .committed_metadata = om.metadata});
  }
  Result<TxnOffsetCommitResponse> resp =
      co_await CallCoordinator(CoordinatorType::kGroup, group.group_id, std::move(req));
  if (!resp.ok()) co_return FailWith(resp.status());
  if (ErrorCode error = ErrorOf(*resp); error != ErrorCode::kNone) {
    co_return FailWith(error, "TxnOffsetCommit for group " + group.group_id);
  }
  co_return Status::Ok();
}

asio::awaitable<Status> TransactionManager::EndTxn(bool commit) {
  EndTxnRequest req;
  req.transactional_id = transactional_id_;
  req.producer_id = pid_.producer_id;
  req.producer_epoch = pid_.epoch;
  req.committed = commit;
  Result<EndTxnResponse> resp =
      co_await CallCoordinator(CoordinatorType::kTransaction, transactional_id_, std::move(req));
  if (!resp.ok()) co_return FailWith(resp.status());
  if (resp->error_code != ErrorCode::kNone) {
    co_return FailWith(resp->error_code, commit ? "EndTxn(commit)" : "EndTxn(abort)");
  }
  co_return Status::Ok();
}

asio::awaitable<Status> TransactionManager::Commit() {
  if (std::optional<Status> e = PendingError()) co_return *e;
  State state = state_.load();
  if (state != State::kInTransaction && state != State::kCommitting) {
    co_return IllegalState("commit_transaction() outside a transaction");
  }
  SetState(State::kCommitting);  // send() refuses records from here on
  accumulator_.BeginFlush();
  wake_();
  while (!accumulator_.empty() && !closing_.load() && !error()) co_await WaitForProgress();
  accumulator_.EndFlush();
  if (std::optional<Status> e = PendingError()) {
    SetState(State::kInTransaction);  // abort_transaction() ends it
    co_return *e;
  }
  if (!partitions_.empty() || offsets_added_) {
    Status s = co_await EndTxn(/*commit=*/true);
    if (!s.ok()) {
      if (s.code() != ClientErrc::kClosed) SetState(State::kInTransaction);
      co_return s;
    }
  }
  partitions_.clear();
  offsets_added_ = false;
  {
    std::lock_guard lock(error_mu_);
    recording_ = false;
  }
  SetState(State::kReady);
  co_return Status::Ok();
}

asio::awaitable<Status> TransactionManager::Abort() {
  {
    std::lock_guard lock(error_mu_);
    if (error_ && error_->fatal()) co_return error_->ToStatus();
  }
  State state = state_.load();
  if (state != State::kInTransaction && state != State::kCommitting && state != State::kAborting) {
    co_return IllegalState("abort_transaction() outside a transaction");
  }
  SetState(State::kAborting);
  {
    std::lock_guard lock(error_mu_);
    recording_ = false;
    error_.reset();  // abortable: this is what it asked for
  }
  // Unsent records fail; sent ones complete (their batches are aborted with
  // the transaction); retries of sent ones fail when they come back.
  ClientError aborted = ClientError(ErrorCode::kTransactionAbortable, "the transaction was aborted")
                            .WithSeverity(ClientError::Severity::kAbortable);
  for (;;) {
    RecordAccumulator::Completions done;
    if (accumulator_.FailAll(aborted, &done)) epoch_bump_required_ = true;
    done.Run();
    if (accumulator_.empty() || closing_.load()) break;
    wake_();
    co_await WaitForProgress();
  }
  if (std::optional<ClientError> e = error(); e && e->fatal()) co_return e->ToStatus();
  if (!partitions_.empty() || offsets_added_) {
    Status s = co_await EndTxn(/*commit=*/false);
    if (!s.ok()) co_return s;
  }
  if (epoch_bump_required_) {
    // A failed batch left a gap in some partition's sequence numbers: a new
    // epoch (same producer id) starts every partition at 0 again (KIP-360).
    Status s = co_await InitProducerId(pid_);
    if (!s.ok()) co_return s;
  }
  partitions_.clear();
  offsets_added_ = false;
  SetState(State::kReady);
  co_return Status::Ok();
}

}  // namespace brook::client
