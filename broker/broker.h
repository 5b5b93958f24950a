// broker/broker.h
//
// An embeddable Brook broker: construct with a BrokerConfig, Start() to bind
// and serve on background io threads, Stop() (or destroy) to shut down.
//
//   brook::broker::BrokerConfig config;
//   config.listener_port = 0;                  // any free port
//   brook::broker::Broker broker(config);
//   if (Status s = broker.Start(); !s.ok()) ...
//   std::string bootstrap = broker.bootstrap();  // "127.0.0.1:40123"
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/strand.hpp>
#include <asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker_config.h"
#include "broker/fetch_waiters.h"
#include "protocol/base/status.h"

namespace brook::storage {
class FileSystem;
class LogManager;
class MetadataStore;
}  // namespace brook::storage

namespace brook::broker {

class GroupCoordinator;
class ProducerIdManager;
class TransactionCoordinator;
struct OffsetsMarker;

// Start and Stop are called from the owning thread; everything else the
// broker does runs on its io threads.
class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens storage (recovering the logs) and binds the listener, then starts
  // `io_threads` threads. Returns once the listener accepts connections.
  Status Start();
  // Closes the listener and every connection and joins the io threads. Idempotent.
  void Stop();

  const BrokerConfig& config() const { return config_; }
  const std::string& cluster_id() const { return cluster_id_; }
  // The bound port (useful with listener_port = 0).
  uint16_t port() const { return port_; }
  // Host and port given to clients in Metadata.
  const std::string& advertised_host() const { return advertised_host_; }
  uint16_t advertised_port() const { return advertised_port_; }
  // "host:port" for bootstrap.servers.
  std::string bootstrap() const;

  // The partition logs and the catalog. REQUIRES: Start() succeeded.
  storage::LogManager& logs() { return *logs_; }
  storage::MetadataStore& catalog() { return *catalog_; }
  // Fetches parked until data arrives (long polling).
  FetchWaiters& fetch_waiters() { return fetch_waiters_; }
  // Producer ids for InitProducerId. REQUIRES: Start() succeeded.
  ProducerIdManager& producer_ids() { return *producer_ids_; }
  // Consumer groups and their committed offsets. REQUIRES: Start() succeeded.
  GroupCoordinator& groups() { return *groups_; }
  // Transactional ids and their transactions. REQUIRES: Start() succeeded.
  TransactionCoordinator& transactions() { return *transactions_; }
  // Hands markers written to __consumer_offsets to the group coordinator,
  // which makes the producer's pending transactional offsets committed or
  // drops them; done once it returns.
  asio::awaitable<void> ApplyOffsetsMarkers(std::vector<OffsetsMarker> markers);
  // Where blocking calls run (broker/blocking.h). REQUIRES: Start() succeeded.
  asio::thread_pool& blocking_pool() { return *blocking_; }
  // Wakes the fetches parked on the partition; call after every successful
  // append to it (produce, transaction markers). Any thread.
  void NotifyAppended(const std::string& topic, int32_t partition);
  // Wall-clock milliseconds, as every timestamp the broker writes.
  static int64_t NowMs();

 private:
  asio::awaitable<void> Accept();
  Status OpenStorage();
  void RunMaintenance();  // on maintenance_thread_

  BrokerConfig config_;
  // Storage outlives the io threads: opened before they start, closed after
  // they are joined.
  std::unique_ptr<storage::FileSystem> fs_;
  std::unique_ptr<storage::MetadataStore> catalog_;
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<ProducerIdManager> producer_ids_;
  std::unique_ptr<TransactionCoordinator> transactions_;
  // Retention, interval flushes and checkpoints run off the io threads.
  std::thread maintenance_thread_;
  std::mutex maintenance_mu_;
  std::condition_variable maintenance_cv_;
  bool stopping_ = false;  // guarded by maintenance_mu_
  std::string cluster_id_;
  uint16_t port_ = 0;
  std::string advertised_host_;
  uint16_t advertised_port_ = 0;
  // Before io_: parked fetches destroyed with the io_context unregister here.
  FetchWaiters fetch_waiters_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  // The accept loop and the close at Stop run here, never at the same time.
  asio::strand<asio::io_context::executor_type> accept_strand_;
  // After io_: destroyed first, while the io_context (and its strand) lives;
  // parked group requests are destroyed with the io_context.
  std::unique_ptr<GroupCoordinator> groups_;
  std::vector<std::thread> threads_;
  // Joined after the io threads and before the logs close.
  std::unique_ptr<asio::thread_pool> blocking_;
  bool started_ = false;
};

}  // namespace brook::broker
