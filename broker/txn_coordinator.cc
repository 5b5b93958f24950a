// broker/txn_coordinator.cc
#include "broker/txn_coordinator.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "broker/group_records.h"
#include "broker/internal_topics.h"
#include "broker/producer_ids.h"
#include "protocol/base/logging.h"
#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"

namespace brook::broker {
namespace {

const Logger kLog("txn_coordinator");

constexpr int32_t kCoordinatorEpoch = 0;  // the only coordinator this node ever has

// Kafka's TransactionMetadata.isEpochExhausted: a bump must leave room for one
// more (the fence before an abort).
bool EpochExhausted(int16_t epoch) { return epoch >= std::numeric_limits<int16_t>::max() - 1; }

bool IsPrepare(TxnState s) { return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort; }

}  // namespace

TransactionCoordinator::TransactionCoordinator(TxnCoordinatorOptions options)
    : options_(std::move(options)) {}

TransactionCoordinator::~TransactionCoordinator() { Stop(); }

int64_t TransactionCoordinator::Now() const {
  return options_.now_ms != nullptr ? options_.now_ms() : 0;
}

// Persistence.

ErrorCode TransactionCoordinator::PersistLocked(const Txn& txn, bool tombstone) {
  if (options_.logs == nullptr) return ErrorCode::kCoordinatorNotAvailable;
  const int32_t partitions =
      InternalTopicPartitions(*options_.logs, kTransactionStateTopic, options_.state_partitions);
  const int32_t partition = TransactionStatePartitionFor(txn.id, partitions);
  std::shared_ptr<storage::PartitionLog> log =
      InternalTopicPartition(*options_.logs, kTransactionStateTopic, partitions, partition);
  if (log == nullptr) return ErrorCode::kCoordinatorNotAvailable;
  Record record{.key = EncodeTransactionLogKey({.transactional_id = txn.id})};
  if (!tombstone) {
    TransactionLogValue value;
    value.producer_id = txn.producer_id;
    value.producer_epoch = txn.producer_epoch;
    value.transaction_timeout_ms = txn.timeout_ms;
    value.transaction_status = static_cast<int8_t>(txn.state);
    value.transaction_partitions.emplace();
    for (const auto& [topic, p] : txn.partitions) {
      if (value.transaction_partitions->empty() ||
          value.transaction_partitions->back().topic != topic) {
        value.transaction_partitions->push_back({.topic = topic, .partition_ids = {}});
      }
      value.transaction_partitions->back().partition_ids.push_back(p);
    }
    value.last_update_timestamp_ms = txn.last_update_timestamp_ms;
    value.start_timestamp_ms = txn.start_timestamp_ms;
    record.value = EncodeTransactionLogValue(value);
  }
  RecordBatchHeader header;
  header.base_timestamp = Now();
  Result<std::string> batch =
      BuildRecordBatch(header, Compression::kNone, std::span<const Record>(&record, 1));
  if (!batch.ok()) {
    kLog.Error("building a record for transactional id ", txn.id, ": ", batch.status().ToString());
    return ErrorCode::kUnknownServerError;
  }
  Result<storage::AppendResult> appended = log->Append(std::move(batch).value(), 0);
  if (!appended.ok()) {
    kLog.Error("appending to ", kTransactionStateTopic, "-", partition, " for transactional id ",
               txn.id, ": ", appended.status().ToString());
    return ErrorCode::kCoordinatorNotAvailable;  // retriable: the client tries again
  }
  return ErrorCode::kNone;
}

void TransactionCoordinator::PublishLocked(const Txn& txn) {
  std::unique_lock lock(verify_mu_);
  Verified& v = verified_[txn.id];
  v.producer_id = txn.producer_id;
  v.producer_epoch = txn.producer_epoch;
  if (txn.state == TxnState::kOngoing) {
    v.partitions = txn.partitions;
  } else {
    v.partitions.clear();
  }
}

// Loading.

Status TransactionCoordinator::Load() {
  std::lock_guard lock(mu_);
  storage::LogManager* logs = options_.logs;
  if (logs == nullptr || !logs->Topic(kTransactionStateTopic)) return Status::Ok();
  std::map<std::string, std::optional<TransactionLogValue>> latest;
  size_t records = 0;
  Status read = ForEachInternalBatch(
      *logs, kTransactionStateTopic, nullptr, [&](int32_t, const RecordBatchView& batch) {
        if (batch.header().is_control()) return Status::Ok();
        std::string scratch;
        return batch.VisitRecords(64 << 20, &scratch, [&](const RecordView& r) {
          ++records;
          if (!r.key) return true;
          Result<TransactionLogKey> key = ParseTransactionLogKey(*r.key);
          if (!key.ok()) {
            kLog.Warn("skipping a ", kTransactionStateTopic,
                      " record with a bad key: ", key.status().ToString());
            return true;
          }
          if (!r.value) {
            latest[key->transactional_id] = std::nullopt;
            return true;
          }
          Result<TransactionLogValue> value = ParseTransactionLogValue(*r.value);
          if (!value.ok()) {
            kLog.Warn("skipping the record of transactional id ", key->transactional_id, ": ",
                      value.status().ToString());
            return true;
          }
          latest[key->transactional_id] = std::move(value).value();
          return true;
        });
      });
  if (!read.ok()) return read;
  std::vector<OffsetsMarker> markers;
  size_t completed = 0;
  for (auto& [id, value] : latest) {
    if (!value) continue;  // expired
    const auto state = static_cast<TxnState>(value->transaction_status);
    if (state == TxnState::kDead) continue;
    Txn txn;
    txn.id = id;
    txn.producer_id = value->producer_id;
    txn.previous_producer_id = value->previous_producer_id;
    txn.producer_epoch = value->producer_epoch;
    txn.timeout_ms = value->transaction_timeout_ms;
    txn.state = state == TxnState::kPrepareEpochFence ? TxnState::kOngoing : state;
    for (const auto& t : value->transaction_partitions.value_or(
             std::vector<TransactionLogValue::PartitionsSchema>{})) {
      for (int32_t p : t.partition_ids) txn.partitions.insert({t.topic, p});
    }
    txn.start_timestamp_ms = value->start_timestamp_ms;
    txn.last_update_timestamp_ms = value->last_update_timestamp_ms;
    Txn& stored = txns_[id] = std::move(txn);
    if (IsPrepare(stored.state)) {
      ++completed;
      if (!CompleteLocked(stored, &markers)) {
        kLog.Warn("transaction of ", id, " left in ", TxnStateName(stored.state),
                  "; retrying in the background");
      }
    }
    PublishLocked(stored);
  }
  kLog.Info("loaded ", txns_.size(), " transactional ids from ", records, " records of ",
            kTransactionStateTopic, "; completed ", completed, " prepared transactions");
  if (!markers.empty() && options_.on_offsets_markers) options_.on_offsets_markers(markers);
  return Status::Ok();
}

// Completing transactions.

ErrorCode TransactionCoordinator::EndLocked(Txn& txn, bool commit, bool fence,
                                            std::vector<OffsetsMarker>* markers) {
  Txn next = txn;
  if (fence && !EpochExhausted(txn.producer_epoch)) {
    next.last_producer_epoch = txn.producer_epoch;
    next.producer_epoch = static_cast<int16_t>(txn.producer_epoch + 1);
  }
  next.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  next.last_update_timestamp_ms = Now();
  // Writes verified before this point are in their logs; later ones fail
  // verification, so no data lands after the markers.
  {
    std::unique_lock lock(verify_mu_);
    Verified& v = verified_[txn.id];
    v.producer_id = next.producer_id;
    v.producer_epoch = next.producer_epoch;
    v.partitions.clear();
  }
  if (ErrorCode e = PersistLocked(next); e != ErrorCode::kNone) {
    PublishLocked(txn);  // still Ongoing
    return e;
  }
  txn = std::move(next);
  if (options_.stall_after_prepare) Stall();
  if (!CompleteLocked(txn, markers)) {
    kLog.Warn("transaction of ", txn.id, " left in ", TxnStateName(txn.state),
              "; retrying in the background");
  }
  return ErrorCode::kNone;
}

bool TransactionCoordinator::CompleteLocked(Txn& txn, std::vector<OffsetsMarker>* markers) {
  const bool commit = txn.state == TxnState::kPrepareCommit;
  const ControlRecordType type = commit ? ControlRecordType::kCommit : ControlRecordType::kAbort;
  bool all_written = true;
  for (auto it = txn.partitions.begin(); it != txn.partitions.end();) {
    const auto& [topic, partition] = *it;
    std::shared_ptr<storage::PartitionLog> log =
        options_.logs != nullptr ? options_.logs->Partition(topic, partition) : nullptr;
    if (log == nullptr) {
      // Deleted since it joined the transaction: nothing left to mark.
      kLog.Info("transaction of ", txn.id, ": ", topic, "-", partition,
                " no longer exists; no marker written");
      it = txn.partitions.erase(it);
      continue;
    }
    Result<storage::AppendResult> appended = log->AppendMarker(
        txn.producer_id, txn.producer_epoch, type, kCoordinatorEpoch, /*leader_epoch=*/0);
    if (!appended.ok()) {
      kLog.Error("writing the ", commit ? "COMMIT" : "ABORT", " marker of ", txn.id, " to ", topic,
                 "-", partition, ": ", appended.status().ToString());
      all_written = false;
      ++it;
      continue;
    }
    if (options_.on_marker_appended) options_.on_marker_appended(topic, partition);
    if (topic == kOffsetsTopic) {
      markers->push_back({.producer_id = txn.producer_id,
                          .partition = partition,
                          .marker_offset = appended->base_offset,
                          .commit = commit});
    }
    it = txn.partitions.erase(it);
  }
  if (!all_written) return false;
  Txn next = txn;
  next.state = commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  next.last_update_timestamp_ms = Now();
  if (PersistLocked(next) != ErrorCode::kNone) return false;
  txn = std::move(next);
  return true;
}

void TransactionCoordinator::Stall() {
  kLog.Warn("brook.testing.txn.stall: the coordinator stalled after Prepare; kill the broker");
  std::unique_lock lock(sweeper_mu_);
  sweeper_cv_.wait(lock, [this] { return stopping_; });
}

// Requests.

TxnReply TransactionCoordinator::InitProducerId(
    const std::string& transactional_id, int32_t timeout_ms,
    std::optional<std::pair<int64_t, int16_t>> expected) {
  TxnReply result;
  if (timeout_ms <= 0 || timeout_ms > options_.max_timeout_ms) {
    result.error = ErrorCode::kInvalidTransactionTimeout;
    return result;
  }
  std::lock_guard lock(mu_);
  auto it = txns_.find(transactional_id);
  Txn fresh;
  if (it == txns_.end()) {
    if (options_.producer_ids == nullptr) {
      result.error = ErrorCode::kCoordinatorNotAvailable;
      return result;
    }
    Result<int64_t> id = options_.producer_ids->NextId();
    if (!id.ok()) {
      kLog.Error("allocating a producer id: ", id.status().ToString());
      result.error = ErrorCode::kUnknownServerError;
      return result;
    }
    fresh.id = transactional_id;
    fresh.producer_id = *id;
    fresh.timeout_ms = timeout_ms;
    fresh.last_update_timestamp_ms = Now();
  }
  Txn& txn = it != txns_.end() ? it->second : fresh;

  // Kafka's isValidProducerId.
  if (expected && txn.producer_epoch != kNoProducerEpoch && expected->first != txn.producer_id &&
      !(expected->first == txn.previous_producer_id && EpochExhausted(expected->second))) {
    result.error = ErrorCode::kProducerFenced;
    return result;
  }
  bool fenced = false;
  switch (txn.state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort: result.error = ErrorCode::kConcurrentTransactions; return result;
    case TxnState::kOngoing: {
      // A new instance fences the old one and aborts what it left open.
      kLog.Info("InitProducerId for ", transactional_id, " aborts the ongoing transaction of ",
                "producer ", txn.producer_id, " epoch ", txn.producer_epoch);
      if (ErrorCode e = EndLocked(txn, /*commit=*/false, /*fence=*/true, &result.markers);
          e != ErrorCode::kNone) {
        result.error = e;
        return result;
      }
      if (txn.state != TxnState::kCompleteAbort) {
        result.error = ErrorCode::kConcurrentTransactions;
        return result;
      }
      fenced = true;
      break;
    }
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort: break;
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      result.error = ErrorCode::kConcurrentTransactions;  // never at rest here
      return result;
  }

  if (expected && !fenced && txn.producer_epoch != kNoProducerEpoch) {
    const bool current =
        expected->first == txn.producer_id && expected->second == txn.producer_epoch;
    const bool retried_bump =
        (expected->first == txn.producer_id && expected->second == txn.last_producer_epoch) ||
        (expected->first == txn.previous_producer_id && EpochExhausted(expected->second));
    if (!current) {
      if (retried_bump) {  // the bump happened; its answer was lost
        result.producer_id = txn.producer_id;
        result.producer_epoch = txn.producer_epoch;
        return result;
      }
      result.error = ErrorCode::kProducerFenced;
      return result;
    }
  }

  Txn next = txn;
  if (EpochExhausted(txn.producer_epoch)) {
    Result<int64_t> id = options_.producer_ids != nullptr
                             ? options_.producer_ids->NextId()
                             : Result<int64_t>(Status(storage::Errc::kNotFound, "no producer ids"));
    if (!id.ok()) {
      kLog.Error("allocating a producer id: ", id.status().ToString());
      result.error = ErrorCode::kUnknownServerError;
      return result;
    }
    next.previous_producer_id = txn.producer_id;
    next.producer_id = *id;
    next.producer_epoch = 0;
    next.last_producer_epoch = kNoProducerEpoch;
  } else {
    next.last_producer_epoch = txn.producer_epoch;
    next.producer_epoch = static_cast<int16_t>(txn.producer_epoch + 1);
  }
  next.timeout_ms = timeout_ms;
  next.state = TxnState::kEmpty;
  next.partitions.clear();
  next.start_timestamp_ms = -1;
  next.last_update_timestamp_ms = Now();
  if (ErrorCode e = PersistLocked(next); e != ErrorCode::kNone) {
    result.error = e;
    return result;
  }
  Txn& stored = txns_[transactional_id] = std::move(next);
  PublishLocked(stored);
  result.producer_id = stored.producer_id;
  result.producer_epoch = stored.producer_epoch;
  return result;
}

ErrorCode TransactionCoordinator::AddPartitions(const std::string& transactional_id,
                                                int64_t producer_id, int16_t producer_epoch,
                                                const std::vector<TopicPartition>& partitions) {
  if (transactional_id.empty()) return ErrorCode::kInvalidRequest;
  std::lock_guard lock(mu_);
  auto it = txns_.find(transactional_id);
  if (it == txns_.end() || it->second.producer_id != producer_id) {
    return ErrorCode::kInvalidProducerIdMapping;
  }
  Txn& txn = it->second;
  if (txn.producer_epoch != producer_epoch) return ErrorCode::kProducerFenced;
  if (IsPrepare(txn.state)) return ErrorCode::kConcurrentTransactions;
  if (txn.state == TxnState::kDead || txn.state == TxnState::kPrepareEpochFence) {
    return ErrorCode::kConcurrentTransactions;
  }
  const bool ongoing = txn.state == TxnState::kOngoing;
  if (ongoing && std::all_of(partitions.begin(), partitions.end(), [&](const TopicPartition& tp) {
        return txn.partitions.count(tp) != 0;
      })) {
    return ErrorCode::kNone;
  }
  Txn next = txn;
  next.state = TxnState::kOngoing;
  next.partitions.insert(partitions.begin(), partitions.end());
  next.last_update_timestamp_ms = Now();
  if (!ongoing) next.start_timestamp_ms = next.last_update_timestamp_ms;
  if (ErrorCode e = PersistLocked(next); e != ErrorCode::kNone) return e;
  txn = std::move(next);
  PublishLocked(txn);
  return ErrorCode::kNone;
}

TxnReply TransactionCoordinator::EndTxn(const std::string& transactional_id, int64_t producer_id,
                                        int16_t producer_epoch, bool commit) {
  TxnReply result;
  if (transactional_id.empty()) {
    result.error = ErrorCode::kInvalidRequest;
    return result;
  }
  std::lock_guard lock(mu_);
  auto it = txns_.find(transactional_id);
  if (it == txns_.end() || it->second.producer_id != producer_id) {
    result.error = ErrorCode::kInvalidProducerIdMapping;
    return result;
  }
  Txn& txn = it->second;
  if (txn.producer_epoch != producer_epoch) {
    result.error = ErrorCode::kProducerFenced;
    return result;
  }
  result.producer_id = txn.producer_id;
  result.producer_epoch = txn.producer_epoch;
  switch (txn.state) {
    case TxnState::kOngoing:
      result.error = EndLocked(txn, commit, /*fence=*/false, &result.markers);
      break;
    case TxnState::kCompleteCommit:  // a retry of what already succeeded
      result.error = commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState;
      break;
    case TxnState::kCompleteAbort:
      result.error = commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone;
      break;
    case TxnState::kPrepareCommit:
      result.error = commit ? ErrorCode::kConcurrentTransactions : ErrorCode::kInvalidTxnState;
      break;
    case TxnState::kPrepareAbort:
      result.error = commit ? ErrorCode::kInvalidTxnState : ErrorCode::kConcurrentTransactions;
      break;
    case TxnState::kEmpty: result.error = ErrorCode::kInvalidTxnState; break;
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence: result.error = ErrorCode::kConcurrentTransactions; break;
  }
  return result;
}

TxnVerification TransactionCoordinator::Verify(const std::string& transactional_id,
                                               int64_t producer_id, int16_t producer_epoch,
                                               const std::string& topic, int32_t partition) {
  TxnVerification v{.error = ErrorCode::kNone, .hold = std::shared_lock(verify_mu_)};
  auto it = verified_.find(transactional_id);
  if (it == verified_.end() || it->second.producer_id != producer_id) {
    v.error = ErrorCode::kInvalidProducerIdMapping;
  } else if (producer_epoch < it->second.producer_epoch) {
    v.error = ErrorCode::kInvalidProducerEpoch;
  } else if (producer_epoch != it->second.producer_epoch ||
             it->second.partitions.count({topic, partition}) == 0) {
    v.error = ErrorCode::kInvalidTxnState;
  }
  return v;
}

// Introspection.

std::vector<DescribeTransactionsResponse::TransactionState> TransactionCoordinator::Describe(
    const std::vector<std::string>& transactional_ids) {
  std::lock_guard lock(mu_);
  std::vector<DescribeTransactionsResponse::TransactionState> out;
  for (const std::string& id : transactional_ids) {
    auto& s = out.emplace_back();
    s.transactional_id = id;
    auto it = txns_.find(id);
    if (it == txns_.end()) {
      s.error_code = ErrorCode::kTransactionalIdNotFound;
      s.transaction_start_time_ms = -1;
      s.producer_id = -1;
      s.producer_epoch = -1;
      continue;
    }
    const Txn& txn = it->second;
    s.transaction_state = std::string(TxnStateName(txn.state));
    s.transaction_timeout_ms = txn.timeout_ms;
    s.transaction_start_time_ms = txn.start_timestamp_ms;
    s.producer_id = txn.producer_id;
    s.producer_epoch = txn.producer_epoch;
    for (const auto& [topic, p] : txn.partitions) {
      if (s.topics.empty() || s.topics.back().topic != topic) {
        s.topics.push_back({.topic = topic, .partitions = {}});
      }
      s.topics.back().partitions.push_back(p);
    }
  }
  return out;
}

ListTransactionsResponse TransactionCoordinator::List(const ListTransactionsRequest& req) {
  ListTransactionsResponse resp;
  std::set<TxnState> states;
  for (const std::string& name : req.state_filters) {
    if (std::optional<TxnState> s = TxnStateFromName(name)) {
      states.insert(*s);
    } else {
      resp.unknown_state_filters.push_back(name);
    }
  }
  const std::set<int64_t> producers(req.producer_id_filters.begin(), req.producer_id_filters.end());
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  for (const auto& [id, txn] : txns_) {
    if (!req.state_filters.empty() && states.count(txn.state) == 0) continue;
    if (!producers.empty() && producers.count(txn.producer_id) == 0) continue;
    // v1: only transactions running longer than duration_filter ms.
    if (req.duration_filter >= 0 &&
        (txn.state != TxnState::kOngoing || now - txn.start_timestamp_ms <= req.duration_filter)) {
      continue;
    }
    resp.transaction_states.push_back({.transactional_id = id,
                                       .producer_id = txn.producer_id,
                                       .transaction_state = std::string(TxnStateName(txn.state))});
  }
  return resp;
}

// Background work.

void TransactionCoordinator::AbortTimedOut() {
  std::vector<OffsetsMarker> markers;
  {
    std::lock_guard lock(mu_);
    const int64_t now = Now();
    for (auto& [id, txn] : txns_) {
      if (IsPrepare(txn.state)) {
        (void)CompleteLocked(txn, &markers);  // a marker failed before: try again
      } else if (txn.state == TxnState::kOngoing &&
                 txn.start_timestamp_ms + txn.timeout_ms <= now) {
        kLog.Info("aborting the transaction of ", id, " (producer ", txn.producer_id, " epoch ",
                  txn.producer_epoch, "): it exceeded its timeout of ", txn.timeout_ms, " ms");
        if (ErrorCode e = EndLocked(txn, /*commit=*/false, /*fence=*/true, &markers);
            e != ErrorCode::kNone) {
          kLog.Warn("aborting the timed-out transaction of ", id, ": ", ErrorName(e));
        }
      }
    }
  }
  if (!markers.empty() && options_.on_offsets_markers) options_.on_offsets_markers(markers);
}

void TransactionCoordinator::RemoveExpired() {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  for (auto it = txns_.begin(); it != txns_.end();) {
    const Txn& txn = it->second;
    const bool idle = txn.state == TxnState::kEmpty || txn.state == TxnState::kCompleteCommit ||
                      txn.state == TxnState::kCompleteAbort;
    if (!idle || txn.last_update_timestamp_ms + options_.id_expiration_ms > now) {
      ++it;
      continue;
    }
    if (PersistLocked(txn, /*tombstone=*/true) != ErrorCode::kNone) {
      ++it;
      continue;
    }
    kLog.Info("transactional id ", txn.id, " expired");
    {
      std::unique_lock vlock(verify_mu_);
      verified_.erase(txn.id);
    }
    it = txns_.erase(it);
  }
}

void TransactionCoordinator::Start() {
  std::lock_guard lock(sweeper_mu_);
  if (sweeper_.joinable()) return;
  stopping_ = false;
  sweeper_ = std::thread([this] { RunSweeper(); });
}

void TransactionCoordinator::Stop() {
  {
    std::lock_guard lock(sweeper_mu_);
    stopping_ = true;
  }
  sweeper_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void TransactionCoordinator::RunSweeper() {
  using Clock = std::chrono::steady_clock;
  using std::chrono::milliseconds;
  auto next_abort = Clock::now() + milliseconds(options_.abort_timed_out_interval_ms);
  auto next_expire = Clock::now() + milliseconds(options_.remove_expired_interval_ms);
  std::unique_lock lock(sweeper_mu_);
  while (!stopping_) {
    sweeper_cv_.wait_until(lock, std::min(next_abort, next_expire), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (Clock::now() >= next_abort) {
      AbortTimedOut();
      next_abort = Clock::now() + milliseconds(options_.abort_timed_out_interval_ms);
    }
    if (Clock::now() >= next_expire) {
      RemoveExpired();
      next_expire = Clock::now() + milliseconds(options_.remove_expired_interval_ms);
    }
    lock.lock();
  }
}

}  // namespace brook::broker
