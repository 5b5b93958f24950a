// tests/client/test_proxy.h
//
// A TCP proxy on 127.0.0.1 for client tests: forwards every connection to a
// target port and can cut all of them at once (DropAll), the way a network
// failure or a broker restart would. Runs its own io thread.
#pragma once

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace brook::client::testing {

class TestProxy {
 public:
  TestProxy() : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestProxy() {
    io_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void set_target_port(uint16_t port) { target_port_.store(port); }
  // Closes every proxied connection, both sides.
  void DropAll() {
    asio::post(io_, [this] {
      for (auto& link : links_) link->Close();
      links_.clear();
      ++drops_;
    });
  }
  int drops() const { return drops_.load(); }

 private:
  struct Link : std::enable_shared_from_this<Link> {
    explicit Link(asio::io_context& io) : client(io), server(io) {}
    asio::ip::tcp::socket client;
    asio::ip::tcp::socket server;
    char up[16384];
    char down[16384];
    void Close() {
      asio::error_code ignored;
      client.close(ignored);
      server.close(ignored);
    }
    static void Pump(std::shared_ptr<Link> self, asio::ip::tcp::socket& from,
                     asio::ip::tcp::socket& to, char* buf) {
      from.async_read_some(
          asio::buffer(buf, 16384), [self, &from, &to, buf](asio::error_code ec, size_t n) {
            if (ec) return self->Close();
            asio::async_write(to, asio::buffer(buf, n),
                              [self, &from, &to, buf](asio::error_code wec, size_t) {
                                if (wec) return self->Close();
                                Pump(self, from, to, buf);
                              });
          });
    }
  };

  void Accept() {
    auto link = std::make_shared<Link>(io_);
    acceptor_.async_accept(link->client, [this, link](asio::error_code ec) {
      if (ec) return;
      asio::error_code cec;
      link->server.connect(
          asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), target_port_.load()), cec);
      if (cec) {
        link->Close();
      } else {
        links_.push_back(link);
        Link::Pump(link, link->client, link->server, link->up);
        Link::Pump(link, link->server, link->client, link->down);
      }
      Accept();
    });
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<uint16_t> target_port_{0};
  std::list<std::shared_ptr<Link>> links_;  // io thread only
  std::atomic<int> drops_{0};
  std::thread thread_;
};

}  // namespace brook::client::testing
