// broker/broker.cc
#include "broker/broker.h"

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <exception>

#include "broker/connection.h"
#include "broker/group_coordinator.h"
#include "broker/producer_ids.h"
#include "broker/txn_coordinator.h"
#include "protocol/base/logging.h"
#include "protocol/base/uuid.h"
#include "storage/log_manager.h"
#include "storage/mem_file_system.h"
#include "storage/metadata_store.h"
#include "storage/posix_file_system.h"

namespace brook::broker {
namespace {

const Logger kLog("broker");

}  // namespace

Broker::Broker(BrokerConfig config)
    : config_(std::move(config)),
      io_(config_.io_threads),
      acceptor_(io_),
      accept_strand_(asio::make_strand(io_)) {}

Broker::~Broker() { Stop(); }

int64_t Broker::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Broker::OpenStorage() {
  if (config_.memory) {
    // Nothing crashes an in-memory broker's file system: no synced copies.
    fs_ = std::make_unique<storage::MemFileSystem>(
        storage::MemFileSystem::Options{.track_durability = false});
    Result<std::unique_ptr<storage::MetadataStore>> catalog =
        storage::MetadataStore::OpenInMemory();
    if (!catalog.ok()) return catalog.status();
    catalog_ = std::move(catalog).value();
  } else {
    auto posix = std::make_unique<storage::PosixFileSystem>(config_.log_dirs);
    if (Status s = posix->CreateDirs(""); !s.ok()) return s;
    fs_ = std::move(posix);
    // The catalog sits beside the partition directories; no topic can be
    // named like it (topic names have no leading underscore pair and dot).
    Result<std::unique_ptr<storage::MetadataStore>> catalog =
        storage::MetadataStore::Open(config_.log_dirs + "/.brook-catalog");
    if (!catalog.ok()) return catalog.status();
    catalog_ = std::move(catalog).value();
  }
  if (config_.cluster_id.empty()) {
    Result<std::string> id = catalog_->GetOrCreateClusterId();
    if (!id.ok()) return id.status();
    cluster_id_ = *id;
  } else {
    cluster_id_ = config_.cluster_id;
  }
  Result<std::unique_ptr<storage::LogManager>> logs =
      storage::LogManager::Open({.fs = fs_.get(),
                                 .catalog = catalog_.get(),
                                 .defaults = config_.log_defaults,
                                 .now = &Broker::NowMs});
  if (!logs.ok()) return logs.status();
  logs_ = std::move(logs).value();
  producer_ids_ = std::make_unique<ProducerIdManager>(*catalog_);
  transactions_ = std::make_unique<TransactionCoordinator>(TxnCoordinatorOptions{
      .logs = logs_.get(),
      .producer_ids = producer_ids_.get(),
      .now_ms = &Broker::NowMs,
      .max_timeout_ms = config_.transaction_max_timeout_ms,
      .state_partitions = config_.transaction_state_partitions,
      .abort_timed_out_interval_ms = config_.transaction_abort_timed_out_interval_ms,
      .id_expiration_ms = config_.transactional_id_expiration_ms,
      .remove_expired_interval_ms = config_.transaction_remove_expired_interval_ms,
      .stall_after_prepare = config_.testing_txn_stall == "after-prepare",
      .on_marker_appended = [this](const std::string& topic,
                                   int32_t partition) { NotifyAppended(topic, partition); },
      .on_offsets_markers =
          [this](std::vector<OffsetsMarker> markers) {
            asio::co_spawn(io_, ApplyOffsetsMarkers(std::move(markers)),
                           LogEscaped{kLog, "offsets markers"});
          }});
  if (!groups_) {
    VerifyTxnPartition verify;
    if (config_.transaction_partition_verification) {
      verify = [this](const std::string& transactional_id, int64_t producer_id,
                      int16_t producer_epoch, const std::string& topic, int32_t partition) {
        return transactions_->Verify(transactional_id, producer_id, producer_epoch, topic,
                                     partition);
      };
    }
    groups_ = std::make_unique<GroupCoordinator>(
        io_, GroupCoordinatorOptions{
                 .min_session_timeout_ms = config_.group_min_session_timeout_ms,
                 .max_session_timeout_ms = config_.group_max_session_timeout_ms,
                 .initial_rebalance_delay_ms = config_.group_initial_rebalance_delay_ms,
                 .max_size = config_.group_max_size,
                 .offsets_retention_ms = config_.offsets_retention_ms,
                 .offsets_retention_check_interval_ms = config_.offsets_retention_check_interval_ms,
                 .logs = logs_.get(),
                 .now_ms = &Broker::NowMs,
                 .verify_txn = std::move(verify)});
  }
  return Status::Ok();
}

void Broker::RunMaintenance() {
  // Flushes due (rolled segments, flush.ms) and checkpoints every second;
  // retention and compaction at log.retention.check.interval.ms.
  using std::chrono::milliseconds;
  using Clock = std::chrono::steady_clock;
  const milliseconds retention_interval(config_.log_retention_check_interval_ms);
  const milliseconds tick = std::min(milliseconds(1000), retention_interval);
  auto next_retention = Clock::now();
  auto next_flush = Clock::now() + milliseconds(1000);
  std::unique_lock lock(maintenance_mu_);
  while (!stopping_) {
    maintenance_cv_.wait_for(lock, tick, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const auto now = Clock::now();
    const bool flush_due = now >= next_flush;
    if (flush_due) {
      Status flushed = logs_->FlushDue();
      if (!flushed.ok()) kLog.Warn("log flush: ", flushed.ToString());
      next_flush = now + milliseconds(1000);
    }
    Status s;
    if (now >= next_retention) {
      s = logs_->RunMaintenance();  // checkpoints too
      next_retention = now + retention_interval;
    } else if (flush_due) {
      s = logs_->Checkpoint();
    }
    if (!s.ok()) kLog.Warn("log maintenance: ", s.ToString());
    lock.lock();
  }
}

asio::awaitable<void> Broker::ApplyOffsetsMarkers(std::vector<OffsetsMarker> markers) {
  for (const OffsetsMarker& m : markers) {
    co_await groups_->CompleteTransaction(m.producer_id, m.partition, m.marker_offset, m.commit);
  }
}

void Broker::NotifyAppended(const std::string& topic, int32_t partition) {
  fetch_waiters_.Notify(topic, partition);
}

std::string Broker::bootstrap() const {
  return advertised_host_ + ":" + std::to_string(advertised_port_);
}

Status Broker::Start() {
  if (started_) return Status::Ok();
  if (Status s = OpenStorage(); !s.ok()) return s;
  asio::error_code ec;
  asio::ip::address address = asio::ip::make_address(config_.listener_host, ec);
  if (ec) return Status(ec, "listener host '" + config_.listener_host + "'");
  asio::ip::tcp::endpoint endpoint(address, config_.listener_port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    if (Status closed = logs_->Close(); !closed.ok()) {
      kLog.Error("closing the logs: ", closed.ToString());
    }
    return Status(
        ec, "listening on " + config_.listener_host + ":" + std::to_string(config_.listener_port));
  }
  // Transactions a previous run left half-completed get their markers before
  // the group coordinator reads __consumer_offsets and before any client
  // can see the partitions.
  if (Status s = transactions_->Load(); !s.ok()) {
    acceptor_.close();
    if (Status closed = logs_->Close(); !closed.ok()) {
      kLog.Error("closing the logs: ", closed.ToString());
    }
    return Status(s.code(), "loading __transaction_state: " + s.context());
  }
  port_ = acceptor_.local_endpoint().port();
  advertised_host_ =
      config_.advertised_host.empty() ? config_.listener_host : config_.advertised_host;
  advertised_port_ = config_.advertised_port == 0 ? port_ : config_.advertised_port;

  asio::co_spawn(accept_strand_, Accept(), LogEscaped{kLog, "accept loop"});
  groups_->Start();
  transactions_->Start();
  blocking_ = std::make_unique<asio::thread_pool>(static_cast<size_t>(config_.background_threads));
  threads_.reserve(static_cast<size_t>(config_.io_threads));
  for (int i = 0; i < config_.io_threads; ++i) threads_.emplace_back([this] { io_.run(); });
  stopping_ = false;
  maintenance_thread_ = std::thread([this] { RunMaintenance(); });
  started_ = true;
  kLog.Info("listening on ", config_.listener_host, ":", port_, ", advertised as ", bootstrap());
  return Status::Ok();
}

void Broker::Stop() {
  if (!started_) return;
  started_ = false;
  asio::post(accept_strand_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
  });
  // Connections are coroutines owned by the io_context: stopping it and
  // joining the threads leaves them suspended; the io_context destroys their
  // frames (closing the sockets) when the Broker is destroyed.
  io_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  // Blocking calls in flight finish (their answers are dropped with the
  // stopped io_context); none starts any more.
  blocking_->join();
  groups_->Stop();  // the loader reads the logs closed below
  transactions_->Stop();
  {
    std::lock_guard lock(maintenance_mu_);
    stopping_ = true;
  }
  maintenance_cv_.notify_all();
  maintenance_thread_.join();
  if (Status s = logs_->Close(); !s.ok()) kLog.Error("closing the logs: ", s.ToString());
  kLog.Info("stopped");
}

asio::awaitable<void> Broker::Accept() {
  for (;;) {
    auto strand = asio::make_strand(io_);
    asio::error_code ec;
    asio::ip::tcp::socket socket =
        co_await acceptor_.async_accept(strand, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      kLog.Warn("accept failed: ", ec.message());
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    asio::co_spawn(strand, ServeConnection(*this, std::move(socket)),
                   LogEscaped{kLog, "connection"});
  }
}

}  // namespace brook::broker
