// broker/broker.cc
#include "broker/broker.h"

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>

#include "broker/connection.h"
#include "protocol/base/logging.h"
#include "protocol/base/uuid.h"

namespace brook::broker {
namespace {

const Logger kLog("broker");

// Completion handler for spawned coroutines: an escaped exception is a bug; log it.
struct LogEscapedException {
  const char* what;
  void operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      kLog.Error(what, " failed: ", ex.what());
    } catch (...) {
      kLog.Error(what, " failed with an unknown exception");
    }
  }
};

}  // namespace

Broker::Broker(BrokerConfig config)
    : config_(std::move(config)), io_(config_.io_threads), acceptor_(io_) {}

Broker::~Broker() { Stop(); }

std::string Broker::bootstrap() const {
  return advertised_host_ + ":" + std::to_string(advertised_port_);
}

Status Broker::Start() {
  if (started_) return Status::Ok();
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
    return Status(
        ec, "listening on " + config_.listener_host + ":" + std::to_string(config_.listener_port));
  }
  port_ = acceptor_.local_endpoint().port();
  advertised_host_ =
      config_.advertised_host.empty() ? config_.listener_host : config_.advertised_host;
  advertised_port_ = config_.advertised_port == 0 ? port_ : config_.advertised_port;
  cluster_id_ = config_.cluster_id.empty() ? Uuid::Random().ToBase64() : config_.cluster_id;

  asio::co_spawn(io_, Accept(), LogEscapedException{"accept loop"});
  threads_.reserve(static_cast<size_t>(config_.io_threads));
  for (int i = 0; i < config_.io_threads; ++i) threads_.emplace_back([this] { io_.run(); });
  started_ = true;
  kLog.Info("listening on ", config_.listener_host, ":", port_, ", advertised as ", bootstrap());
  return Status::Ok();
}

void Broker::Stop() {
  if (!started_) return;
  started_ = false;
  asio::post(io_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
  });
  // Connections are coroutines owned by the io_context: stopping it and
  // joining the threads leaves them suspended; the io_context destroys their
  // frames (closing the sockets) when the Broker is destroyed.
  io_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
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
                   LogEscapedException{"connection"});
  }
}

}  // namespace brook::broker
