// client/producer.cc
#include "client/producer.h"

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "client/network/cluster.h"
#include "client/record_accumulator.h"
#include "client/transaction_manager.h"
#include "protocol/base/logging.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"

namespace brook::client {
namespace {

const Logger kLog("client.producer");

std::atomic<int> producer_count{0};

// Java's InvalidMetadataException family: the leader moved or is unknown.
bool IsStaleMetadata(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kKafkaStorageError:
    case ErrorCode::kFencedLeaderEpoch:
    case ErrorCode::kUnknownLeaderEpoch: return true;
    default: return false;
  }
}

const LogEscaped kEscaped{kLog, "producer coroutine"};

}  // namespace

// Owns the io thread, the cluster view, the accumulator and the sender. The
// sender's state (producer id, in-flight counts, the wake flag) lives on
// strand_; the accumulator is thread-safe.
class ProducerCore {
 public:
  explicit ProducerCore(ClientConfig config)
      : config_(std::move(config)),
        work_(asio::make_work_guard(io_)),
        strand_(asio::make_strand(io_)),
        cluster_(io_, config_),
        accumulator_(config_),
        wake_timer_(strand_) {
    if (config_.transactional_id) {
      txn_ = std::make_unique<TransactionManager>(config_, strand_, cluster_, accumulator_, pid_,
                                                  [this] { Wake(); });
    }
  }

  ~ProducerCore() {
    Close();
    if (io_thread_.joinable()) io_thread_.join();
  }

  void Start() {
    asio::co_spawn(strand_, RunSender(), [this](std::exception_ptr e) {
      kEscaped(e);
      sender_done_.set_value();
    });
    io_thread_ = std::thread([this] { io_.run(); });
  }

  const ClientConfig& config() const { return config_; }

  void Send(ProducerRecord record, SendCallback callback) {
    if (txn_) {
      if (std::optional<ClientError> error = txn_->CheckSend()) {
        RecordMetadata md{.topic = record.topic, .partition = record.partition.value_or(-1)};
        if (callback) callback(md, &*error);
        return;
      }
      // A failed record fails its transaction (before its callback runs).
      callback = [txn = txn_.get(), cb = std::move(callback)](const RecordMetadata& md,
                                                              const ClientError* error) {
        if (error != nullptr) txn->RecordSendError(*error);
        if (cb) cb(md, error);
      };
    }
    RecordAccumulator::Completions done;
    bool wake = accumulator_.Append(std::move(record), std::move(callback), &done);
    done.Run();
    if (wake) Wake();
  }

  void Flush() {
    accumulator_.BeginFlush();
    Wake();
    accumulator_.AwaitAllCompleted();
    accumulator_.EndFlush();
  }

  // The transactional calls: runs `op` on the strand and waits for it up to
  // max.block.ms. A call that timed out goes on in the background; calling the
  // same method again waits for it (as the Java producer does).
  enum class TxnCall { kInit, kBegin, kSendOffsets, kCommit, kAbort };
  Status RunTxnCall(TxnCall call, const char* name,
                    asio::awaitable<Status> (TransactionManager::*start)());
  Status RunTxnCall(TxnCall call, const char* name, asio::awaitable<Status> op);
  TransactionManager* txn() { return txn_.get(); }

  void Close() {
    if (closed_.exchange(true)) return;
    if (txn_) txn_->Close();
    accumulator_.Close();  // later sends fail; every batch is ready now
    Wake();
    accumulator_.AwaitAllCompleted();
    closing_.store(true);
    Wake();
    sender_done_.get_future().wait();
    cluster_.Close();
    work_.reset();
    asio::post(io_, [this] { io_.stop(); });
    if (io_thread_.joinable() && io_thread_.get_id() != std::this_thread::get_id()) {
      io_thread_.join();
    }
  }

 private:
  bool idempotent() const { return config_.enable_idempotence; }

  // Any thread: the sender looks again.
  bool transactional() const { return txn_ != nullptr; }

  void Wake() {
    asio::post(strand_, [this] {
      wake_pending_ = true;
      wake_timer_.cancel();
    });
  }

  // Strand: whether batches may be drained for `node`, i.e. its connection
  // is up. Until it is, a connect starts (once) and wakes the sender when
  // done: requests that each waited for the connection on their own could
  // be written in another order than their batches were drained in, and a
  // partition's sequence numbers must reach the broker in order (Java's
  // Sender likewise drains only for ready nodes).
  bool NodeReady(int32_t node);
  asio::awaitable<void> ConnectNode(int32_t node);
  asio::awaitable<void> RunSender();
  asio::awaitable<void> InitProducerId();
  asio::awaitable<void> RefreshMetadata(std::vector<std::string> topics,
                                        RecordAccumulator::Completions* done);
  asio::awaitable<void> SendProduce(int32_t node,
                                    std::vector<std::shared_ptr<ProducerBatch>> batches);
  void HandleBatchError(const std::shared_ptr<ProducerBatch>& batch, const ClientError& error,
                        std::optional<ErrorCode> code, int64_t log_start_offset,
                        RecordAccumulator::Completions* done);
  void BumpEpoch();

  const ClientConfig config_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::strand<asio::io_context::executor_type> strand_;
  Cluster cluster_;
  RecordAccumulator accumulator_;
  asio::steady_timer wake_timer_;  // strand_
  std::promise<void> sender_done_;
  std::thread io_thread_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> closing_{false};

  // strand_:
  bool wake_pending_ = false;
  ProducerIdAndEpoch pid_;
  Clock::time_point pid_retry_at_{};
  bool bump_requested_ = false;
  Clock::time_point metadata_retry_at_{};
  std::map<int32_t, int> node_requests_;
  std::set<int32_t> ready_nodes_;       // connected once; dropped on a connection failure
  std::set<int32_t> connecting_nodes_;  // a ConnectNode is running
  int requests_in_flight_ = 0;
  std::optional<ClientError> fatal_error_;
  std::unique_ptr<TransactionManager> txn_;  // transactional.id set; state on strand_

  struct PendingTxnCall {
    TxnCall call;
    std::shared_future<Status> result;
  };
  std::mutex txn_call_mu_;
  std::optional<PendingTxnCall> txn_call_;  // guarded by txn_call_mu_
};

Status ProducerCore::RunTxnCall(TxnCall call, const char* name,
                                asio::awaitable<Status> (TransactionManager::*start)()) {
  if (!txn_) {
    return Status(ClientErrc::kIllegalState, std::string(name) + ": transactional.id is not set");
  }
  return RunTxnCall(call, name, (txn_.get()->*start)());
}

Status ProducerCore::RunTxnCall(TxnCall call, const char* name, asio::awaitable<Status> op) {
  if (!txn_) {
    return Status(ClientErrc::kIllegalState, std::string(name) + ": transactional.id is not set");
  }
  if (closed_.load()) return Status(ClientErrc::kClosed, std::string(name) + ": producer closed");
  std::shared_future<Status> result;
  {
    std::lock_guard lock(txn_call_mu_);
    if (txn_call_ && txn_call_->call == call) {
      result = txn_call_->result;  // resume the call that timed out
    } else if (txn_call_ &&
               txn_call_->result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      return Status(ClientErrc::kIllegalState,
                    std::string(name) +
                        ": an earlier transactional call is still running; call "
                        "it again until it completes");
    } else {
      auto promise = std::make_shared<std::promise<Status>>();
      result = promise->get_future().share();
      asio::co_spawn(strand_, std::move(op), [promise](std::exception_ptr e, Status s) {
        if (e) {
          kEscaped(e);
          s = Status(ClientErrc::kClosed, "transactional call failed");
        }
        promise->set_value(std::move(s));
      });
      txn_call_ = PendingTxnCall{call, result};
    }
  }
  if (result.wait_for(config_.max_block) != std::future_status::ready) {
    return Status(ClientErrc::kTimedOut, std::string(name) + " did not complete within " +
                                             std::to_string(config_.max_block.count()) +
                                             " ms (max.block.ms); call it again to keep waiting");
  }
  Status s;
  try {
    s = result.get();
  } catch (const std::future_error&) {
    s = Status(ClientErrc::kClosed, std::string(name) + ": producer closed");
  }
  std::lock_guard lock(txn_call_mu_);
  if (txn_call_ && txn_call_->call == call) txn_call_.reset();
  return s;
}

asio::awaitable<void> ProducerCore::RunSender() {
  for (;;) {
    Clock::time_point now = Clock::now();
    if (closing_.load() && accumulator_.empty() && requests_in_flight_ == 0 &&
        connecting_nodes_.empty()) {
      break;
    }
    RecordAccumulator::Completions done;
    bool backoff = false;
    if (fatal_error_) {
      accumulator_.FailAll(*fatal_error_, &done);
    } else {
      if (idempotent() && !transactional() && pid_.producer_id == kNoProducerId &&
          now >= pid_retry_at_) {
        co_await InitProducerId();
      }
      if (!transactional() && bump_requested_ && pid_.producer_id != kNoProducerId &&
          accumulator_.in_flight_batches() == 0) {
        BumpEpoch();
      }
      bool adds_pending = false;
      if (txn_) {
        // A failed transaction sends nothing more (Java's abortUndrainedBatches).
        if (std::optional<ClientError> error = txn_->error()) {
          if (accumulator_.FailAll(*error, &done)) txn_->RequireEpochBump();
          if (error->fatal()) fatal_error_ = error;
        } else {
          adds_pending = co_await txn_->AddPendingPartitions();
        }
      }
      std::vector<std::string> awaiting = accumulator_.TopicsAwaitingMetadata();
      if ((!awaiting.empty() || (cluster_.NeedsRefresh(now) && !cluster_.topics().empty())) &&
          now >= metadata_retry_at_) {
        co_await RefreshMetadata(std::move(awaiting), &done);
      }
      now = Clock::now();
      if (accumulator_.Expire(now, &done) && idempotent()) {
        if (txn_) {
          txn_->RequireEpochBump();
        } else {
          bump_requested_ = true;
        }
      }
      bool can_send =
          txn_ ? txn_->CanSend()
               : !idempotent() || (pid_.producer_id != kNoProducerId && !bump_requested_);
      bool need_metadata = false;
      if (can_send) {
        std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
        auto by_node = accumulator_.Drain(
            now, [&](const TopicPartition& tp) { return metadata->Leader(tp.topic, tp.partition); },
            [&](int32_t node) {
              return node_requests_[node] < config_.max_in_flight && NodeReady(node);
            },
            pid_, &need_metadata,
            txn_ ? std::function<bool(const TopicPartition&)>(
                       [this](const TopicPartition& tp) { return txn_->MaySend(tp); })
                 : nullptr);
        for (auto& [node, batches] : by_node) {
          ++node_requests_[node];
          ++requests_in_flight_;
          asio::co_spawn(strand_, SendProduce(node, std::move(batches)), kEscaped);
        }
      }
      if (need_metadata) cluster_.RequestUpdate();
      backoff = need_metadata || !can_send || adds_pending;
    }
    done.Run();
    if (txn_) txn_->Notify();
    if (wake_pending_) {
      wake_pending_ = false;
      continue;
    }
    now = Clock::now();
    std::optional<Clock::time_point> deadline = accumulator_.NextDeadline(now);
    Clock::time_point until = deadline ? *deadline : now + std::chrono::hours(1);
    if (backoff) until = std::max(until, now + config_.retry_backoff);
    if (cluster_.NeedsRefresh(now) && !cluster_.topics().empty()) {
      until = std::min(until, std::max(metadata_retry_at_, now + config_.retry_backoff));
    }
    if (closing_.load()) until = std::min(until, now + std::chrono::milliseconds(10));
    wake_timer_.expires_at(until);
    asio::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    wake_pending_ = false;
  }
}

bool ProducerCore::NodeReady(int32_t node) {
  if (ready_nodes_.count(node)) return true;
  if (connecting_nodes_.insert(node).second) {
    asio::co_spawn(strand_, ConnectNode(node), kEscaped);
  }
  return false;
}

asio::awaitable<void> ProducerCore::ConnectNode(int32_t node) {
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  connecting_nodes_.erase(node);
  if (connection.ok()) {
    ready_nodes_.insert(node);
  } else {
    kLog.Debug("connecting to node ", node, ": ", connection.status().ToString());
    cluster_.RequestUpdate();
  }
  wake_pending_ = true;
  wake_timer_.cancel();
}

asio::awaitable<void> ProducerCore::InitProducerId() {
  pid_retry_at_ = Clock::now() + config_.retry_backoff;
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.AnyConnection();
  if (!connection.ok()) {
    kLog.Debug("InitProducerId: ", connection.status().ToString());
    co_return;
  }
  InitProducerIdRequest req;
  req.transactional_id = std::nullopt;
  req.transaction_timeout_ms = std::numeric_limits<int32_t>::max();  // as the Java client
  Result<InitProducerIdResponse> resp = co_await (*connection)->Call(std::move(req));
  if (!resp.ok()) {
    if (resp.status().code() == ClientErrc::kUnsupportedVersion) {
      fatal_error_ = ClientError(resp.status());
    }
    kLog.Debug("InitProducerId: ", resp.status().ToString());
    co_return;
  }
  if (resp->error_code != ErrorCode::kNone) {
    if (!IsRetriable(resp->error_code))
      fatal_error_ = ClientError(resp->error_code, "InitProducerId");
    co_return;
  }
  pid_ = ProducerIdAndEpoch{resp->producer_id, resp->producer_epoch};
  accumulator_.ResetSequences();
  kLog.Debug("producer id ", pid_.producer_id, " epoch ", pid_.epoch);
}

void ProducerCore::BumpEpoch() {
  bump_requested_ = false;
  if (pid_.epoch == std::numeric_limits<int16_t>::max()) {
    pid_ = ProducerIdAndEpoch{};  // exhausted: a new producer id
    pid_retry_at_ = Clock::time_point{};
  } else {
    ++pid_.epoch;  // KIP-360: the idempotent producer bumps its own epoch
  }
  accumulator_.ResetSequences();
  kLog.Info("producer ", pid_.producer_id, " bumped its epoch to ", pid_.epoch);
}

asio::awaitable<void> ProducerCore::RefreshMetadata(std::vector<std::string> topics,
                                                    RecordAccumulator::Completions* done) {
  Clock::time_point now = Clock::now();
  Status s = co_await cluster_.Refresh(topics);
  if (!s.ok()) {
    kLog.Debug("metadata refresh failed: ", s.ToString());
    metadata_retry_at_ = now + config_.retry_backoff;
    co_return;
  }
  std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
  for (const auto& [name, topic] : metadata->topics) {
    if (topic.error == ErrorCode::kNone && !topic.partitions.empty()) {
      accumulator_.SetPartitionCount(name, static_cast<int32_t>(topic.partitions.size()), nullptr,
                                     done);
    }
  }
  for (const std::string& name : topics) {
    const TopicMetadata* topic = metadata->Topic(name);
    if (topic && topic->error != ErrorCode::kNone && !IsRetriable(topic->error)) {
      ClientError error(topic->error, "topic " + name);
      accumulator_.SetPartitionCount(name, 0, &error, done);
    } else if (!topic || topic->partitions.empty() || topic->error != ErrorCode::kNone) {
      metadata_retry_at_ = now + config_.retry_backoff;  // still being created
      cluster_.RequestUpdate();
    }
  }
}

asio::awaitable<void> ProducerCore::SendProduce(
    int32_t node, std::vector<std::shared_ptr<ProducerBatch>> batches) {
  RecordAccumulator::Completions done;
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  std::optional<int16_t> version;
  if (connection.ok()) version = (*connection)->NegotiatedVersion(ApiKey::kProduce);
  if (!connection.ok()) {
    ready_nodes_.erase(node);
    for (auto& batch : batches) {
      ++batch->attempts;
      HandleBatchError(batch, ClientError(connection.status()), std::nullopt, -1, &done);
    }
  } else if (!version || *version < 3) {
    // Record batches (magic 2) need Produce v3+.
    ClientError error(Status(ClientErrc::kUnsupportedVersion,
                             "Produce v3+ (record batch v2) with " + (*connection)->peer()));
    for (auto& batch : batches) accumulator_.Fail(batch, error, &done);
    fatal_error_ = error;
  } else {
    ProduceRequest req;
    req.acks = config_.acks;
    if (txn_) req.transactional_id = config_.transactional_id;
    req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
    std::vector<std::shared_ptr<ProducerBatch>> sent;
    const int16_t attributes = txn_ ? kTransactionalAttribute : 0;
    for (auto& batch : batches) {
      Result<std::string> bytes = batch->Encode(config_.compression, attributes);
      if (!bytes.ok()) {
        accumulator_.Fail(batch, ClientError(bytes.status()), &done);
        continue;
      }
      ++batch->attempts;
      auto topic = std::find_if(req.topic_data.begin(), req.topic_data.end(),
                                [&](const auto& t) { return t.name == batch->tp.topic; });
      if (topic == req.topic_data.end()) {
        req.topic_data.push_back(ProduceRequest::TopicProduceData{.name = batch->tp.topic});
        topic = std::prev(req.topic_data.end());
      }
      topic->partition_data.push_back(ProduceRequest::PartitionProduceData{
          .index = batch->tp.partition, .records = std::move(*bytes)});
      sent.push_back(batch);
    }
    if (!sent.empty() && config_.acks == 0) {
      Status s = co_await (*connection)->SendOneWay(std::move(req));
      for (auto& batch : sent) {
        if (s.ok()) {
          accumulator_.Complete(batch, -1, -1, &done);
        } else {
          HandleBatchError(batch, ClientError(s), std::nullopt, -1, &done);
        }
      }
    } else if (!sent.empty()) {
      Result<ProduceResponse> resp = co_await (*connection)->Call(std::move(req));
      for (auto& batch : sent) {
        if (!resp.ok()) {
          HandleBatchError(batch, ClientError(resp.status()), std::nullopt, -1, &done);
          continue;
        }
        const ProduceResponse::PartitionProduceResponse* found = nullptr;
        for (const auto& t : resp->responses) {
          if (t.name != batch->tp.topic) continue;
          for (const auto& p : t.partition_responses) {
            if (p.index == batch->tp.partition) found = &p;
          }
        }
        if (found == nullptr) {
          HandleBatchError(batch,
                           ClientError(Status(ClientErrc::kBadResponse,
                                              "no answer for " + batch->tp.topic + "-" +
                                                  std::to_string(batch->tp.partition))),
                           std::nullopt, -1, &done);
        } else if (found->error_code == ErrorCode::kNone) {
          accumulator_.Complete(batch, found->base_offset, found->log_append_time_ms, &done);
        } else if (found->error_code == ErrorCode::kDuplicateSequenceNumber) {
          accumulator_.Complete(batch, -1, -1, &done);  // written before; offset unknown
        } else {
          HandleBatchError(batch, ClientError(found->error_code, found->error_message.value_or("")),
                           found->error_code, found->log_start_offset, &done);
        }
      }
    }
  }
  --node_requests_[node];
  --requests_in_flight_;
  done.Run();
  if (txn_) txn_->Notify();
  wake_pending_ = true;
  wake_timer_.cancel();
}

void ProducerCore::HandleBatchError(const std::shared_ptr<ProducerBatch>& batch,
                                    const ClientError& reported, std::optional<ErrorCode> code,
                                    int64_t log_start_offset,
                                    RecordAccumulator::Completions* done) {
  bool has_sequence = idempotent() && batch->base_sequence != kNoSequence;
  ClientError error = reported;
  bool retry;
  if (txn_ && code &&
      (*code == ErrorCode::kInvalidProducerEpoch || *code == ErrorCode::kInvalidTxnState)) {
    // From a Produce these fail the transaction, not the producer (KIP-588);
    // the coordinator says at abort whether the producer was fenced.
    error = error.WithSeverity(ClientError::Severity::kAbortable);
    retry = false;
  } else if (txn_ && has_sequence &&
             (*code == ErrorCode::kUnknownProducerId ||
              (*code == ErrorCode::kOutOfOrderSequenceNumber &&
               accumulator_.IsNextSequence(batch->tp, batch->base_sequence)))) {
    // A transactional producer cannot bump its own epoch: the transaction
    // fails, and its abort gets a new epoch from the coordinator (KIP-360).
    retry = false;
  } else if (!code) {
    retry = error.retriable();  // lost connection, timeout: the outcome is unknown
    cluster_.RequestUpdate();
  } else if (has_sequence && *code == ErrorCode::kUnknownProducerId) {
    // The broker lost our state (retention, DeleteRecords): bump and retry,
    // unless the log start offset is not known yet.
    if (log_start_offset != -1) bump_requested_ = true;
    retry = true;
  } else if (has_sequence && *code == ErrorCode::kOutOfOrderSequenceNumber) {
    // Not the next batch: an earlier one failed and will be retried first.
    // The next one: a real gap, which a new epoch closes.
    if (accumulator_.IsNextSequence(batch->tp, batch->base_sequence)) bump_requested_ = true;
    retry = true;
  } else {
    retry = IsRetriable(*code);
    if (IsStaleMetadata(*code)) cluster_.RequestUpdate();
  }
  Clock::time_point now = Clock::now();
  bool expired = now - batch->created >= config_.delivery_timeout;
  if (retry && batch->attempts <= config_.retries && !expired && !fatal_error_) {
    kLog.Debug("retrying ", batch->records.size(), " record(s) for ", batch->tp.topic, "-",
               batch->tp.partition, " (attempt ", batch->attempts, "): ", error.what());
    accumulator_.Reenqueue(batch, now + config_.retry_backoff);
    return;
  }
  accumulator_.Fail(batch, error, done);
  if (has_sequence) {  // its sequence numbers are a gap now
    if (txn_) {
      txn_->RequireEpochBump();
    } else {
      bump_requested_ = true;
    }
  }
  if (error.fatal()) fatal_error_ = error;
}

// ---------------------------------------------------------------------------

Result<std::unique_ptr<Producer>> Producer::Create(
    const std::map<std::string, std::string>& properties) {
  Result<ClientConfig> config = ClientConfig::FromProperties(properties);
  if (!config.ok()) return config.status();
  return Create(std::move(*config));
}

Result<std::unique_ptr<Producer>> Producer::Create(ClientConfig config) {
  if (config.bootstrap_servers.empty()) {
    return Status(ClientErrc::kInvalidConfig, "bootstrap.servers: missing required property");
  }
  if (config.transactional_id && !config.enable_idempotence) {
    return Status(ClientErrc::kInvalidConfig,
                  "transactional.id: needs enable.idempotence=true (and acks=all)");
  }
  if (config.client_id.empty()) {
    config.client_id = "producer-" + std::to_string(++producer_count);
  }
  auto core = std::make_shared<ProducerCore>(std::move(config));
  core->Start();
  return std::unique_ptr<Producer>(new Producer(std::move(core)));
}

Producer::Producer(std::shared_ptr<ProducerCore> core) : core_(std::move(core)) {}

Producer::~Producer() { close(); }

std::future<RecordMetadata> Producer::send(ProducerRecord record) {
  auto promise = std::make_shared<std::promise<RecordMetadata>>();
  std::future<RecordMetadata> future = promise->get_future();
  core_->Send(std::move(record), [promise](const RecordMetadata& md, const ClientError* error) {
    if (error != nullptr) {
      promise->set_exception(std::make_exception_ptr(*error));
    } else {
      promise->set_value(md);
    }
  });
  return future;
}

void Producer::send(ProducerRecord record, SendCallback callback) {
  core_->Send(std::move(record), std::move(callback));
}

void Producer::flush() { core_->Flush(); }

void Producer::close() { core_->Close(); }

const ClientConfig& Producer::config() const { return core_->config(); }

Status Producer::init_transactions() {
  return core_->RunTxnCall(ProducerCore::TxnCall::kInit, "init_transactions",
                           &TransactionManager::InitTransactions);
}

Status Producer::begin_transaction() {
  return core_->RunTxnCall(ProducerCore::TxnCall::kBegin, "begin_transaction",
                           &TransactionManager::BeginTransaction);
}

Status Producer::send_offsets_to_transaction(
    const std::map<TopicPartition, OffsetAndMetadata>& offsets,
    const ConsumerGroupMetadata& group_metadata) {
  TransactionManager* txn = core_->txn();
  if (txn == nullptr) {
    return Status(ClientErrc::kIllegalState,
                  "send_offsets_to_transaction: transactional.id is not set");
  }
  return core_->RunTxnCall(ProducerCore::TxnCall::kSendOffsets, "send_offsets_to_transaction",
                           txn->SendOffsets(offsets, group_metadata));
}

Status Producer::commit_transaction() {
  return core_->RunTxnCall(ProducerCore::TxnCall::kCommit, "commit_transaction",
                           &TransactionManager::Commit);
}

Status Producer::abort_transaction() {
  return core_->RunTxnCall(ProducerCore::TxnCall::kAbort, "abort_transaction",
                           &TransactionManager::Abort);
}

}  // namespace brook::client
