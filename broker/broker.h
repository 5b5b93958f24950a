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
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker_config.h"
#include "protocol/base/status.h"

namespace brook::broker {

// Start and Stop are called from the owning thread; everything else the
// broker does runs on its io threads.
class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Binds the listener and starts `io_threads` threads. Returns once the
  // listener accepts connections.
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

 private:
  asio::awaitable<void> Accept();

  BrokerConfig config_;
  std::string cluster_id_;
  uint16_t port_ = 0;
  std::string advertised_host_;
  uint16_t advertised_port_ = 0;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  bool started_ = false;
};

}  // namespace brook::broker
