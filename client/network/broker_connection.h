// client/network/broker_connection.h
//
// One TCP connection to one broker. Connect() opens it and negotiates versions
// with ApiVersions (v3, or v0 when the broker answers UNSUPPORTED_VERSION);
// afterwards Call<Req>() sends a request at the highest version both sides
// speak and returns the decoded response. Requests are pipelined: each gets a
// correlation id, frames are written in call order, and responses are matched
// to their requests by correlation id. A request without an answer after
// request.timeout.ms fails with kTimedOut and closes the connection (as the
// Java client does, since later responses can no longer be trusted); a closed
// connection fails every outstanding request with kDisconnected. A closed
// connection stays closed: the Cluster makes a new one.
//
// Frames: request  size int32 | header v1 (v2 when the version is flexible) | body
//         response size int32 | header v0 (v1 when flexible; ApiVersions: v0) | body
#pragma once

#include <array>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "client/client_error.h"
#include "protocol/api_table.h"
#include "protocol/base/status.h"

namespace brook::client {

namespace detail {
template <typename T>
asio::awaitable<std::optional<T>> Optionally(asio::awaitable<T> work) {
  co_return co_await std::move(work);
}
}  // namespace detail

// Runs `work` on `executor` (a strand) and waits for it. Unlike a bare
// co_spawn(..., use_awaitable), T need not be default-constructible (Result<T>).
template <typename T, typename Executor>
asio::awaitable<T> RunOn(Executor executor, asio::awaitable<T> work) {
  std::optional<T> result = co_await asio::co_spawn(
      executor, detail::Optionally<T>(std::move(work)), asio::use_awaitable);
  co_return std::move(*result);
}

struct ConnectionOptions {
  std::string host;
  uint16_t port = 0;
  int32_t node_id = -1;   // -1 and below: a bootstrap server
  std::string client_id;  // request header client.id
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
};

// Shared by everyone who calls it (always hold it by shared_ptr); every
// public method may be called from any thread. Socket, queues and pending
// requests live on strand_. The owner of the io_context must keep it running
// while the connection is in use.
class BrokerConnection : public std::enable_shared_from_this<BrokerConnection> {
 public:
  static std::shared_ptr<BrokerConnection> Create(asio::io_context& io, ConnectionOptions options);
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Connects and negotiates versions, once; concurrent callers wait for the
  // same attempt. OK when the connection is ready. Errors: kTimedOut,
  // kDisconnected (refused, closed), kUnsupportedVersion, kBadResponse.
  asio::awaitable<Status> EnsureConnected();

  // Sends `req` at the negotiated version and waits for its response.
  // Errors: kUnsupportedVersion, kTimedOut, kDisconnected, kClosed, decoding's.
  template <typename Req>
  asio::awaitable<Result<ResponseFor<Req>>> Call(Req req);
  // The same at an explicit version (REQUIRES: Req::kVersions.Contains(version)).
  template <typename Req>
  asio::awaitable<Result<ResponseFor<Req>>> CallAt(Req req, int16_t version);
  // Sends `req` without expecting a response (Produce with acks=0); done once
  // the frame is written.
  template <typename Req>
  asio::awaitable<Status> SendOneWay(Req req);
  // Blocking Call for threads that do not run the io_context.
  template <typename Req>
  Result<ResponseFor<Req>> CallSync(Req req) {
    return *asio::co_spawn(strand_, detail::Optionally(Call<Req>(std::move(req))), asio::use_future)
                .get();
  }

  // Closes the socket and fails what is outstanding. Idempotent.
  void Close();

  // Highest version of `key` both sides speak; nullopt before the connection
  // is ready or when there is none.
  std::optional<int16_t> NegotiatedVersion(ApiKey key) const;
  bool ready() const { return state_.load() == State::kReady; }
  bool closed() const { return state_.load() == State::kClosed; }
  int32_t node_id() const { return options_.node_id; }
  // "host:port (node n)", for messages.
  std::string peer() const;
  // Requests written or queued that still wait for their response.
  size_t in_flight() const { return in_flight_.load(); }

 private:
  enum class State { kIdle, kConnecting, kReady, kClosed };
  enum class Expect { kResponse, kNone };
  struct Pending;

  BrokerConnection(asio::io_context& io, ConnectionOptions options);

  // Untyped core: the response body (after its header), or "" for kNone.
  asio::awaitable<Result<std::string>> RoundTrip(ApiKey key, int16_t version, bool flexible,
                                                 std::string body, Expect expect);
  asio::awaitable<Result<std::string>> DoRoundTrip(ApiKey key, int16_t version, bool flexible,
                                                   std::string body, Expect expect);  // strand_
  asio::awaitable<Status> DoEnsureConnected();                                        // strand_
  asio::awaitable<Status> DoConnect();                                                // strand_
  asio::awaitable<Status> Negotiate();                                                // strand_
  asio::awaitable<void> ReadLoop(std::shared_ptr<BrokerConnection> self);             // strand_
  asio::awaitable<void> WriteLoop(std::shared_ptr<BrokerConnection> self);            // strand_
  void Shutdown(const Status& why);                                                   // strand_
  void SpawnOnStrand(asio::awaitable<void> work, const char* what);

  ConnectionOptions options_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::ip::tcp::socket socket_;
  std::atomic<State> state_{State::kIdle};
  std::atomic<size_t> in_flight_{0};
  Status connect_status_;                                // strand_: last attempt's outcome
  asio::steady_timer connected_signal_;                  // strand_: cancelled when settled
  int32_t next_correlation_id_ = 0;                      // strand_
  std::map<int32_t, std::shared_ptr<Pending>> pending_;  // strand_: by correlation id
  struct Outgoing {
    std::string frame;
    std::shared_ptr<Pending> one_way;  // completed once written (Expect::kNone)
  };
  std::deque<Outgoing> write_queue_;  // strand_
  bool writing_ = false;              // strand_

  mutable std::mutex versions_mu_;
  // Negotiated version per api key; -1: none.
  std::array<int16_t, 128> versions_;  // guarded by versions_mu_
};

// ---------------------------------------------------------------------------

template <typename Req>
asio::awaitable<Result<ResponseFor<Req>>> BrokerConnection::Call(Req req) {
  std::optional<int16_t> version = NegotiatedVersion(Req::kApiKey);
  if (!version) {
    co_return Status(ClientErrc::kUnsupportedVersion,
                     std::string(ApiName(Req::kApiKey)) + " to " + peer());
  }
  co_return co_await CallAt(std::move(req), *version);
}

template <typename Req>
asio::awaitable<Result<ResponseFor<Req>>> BrokerConnection::CallAt(Req req, int16_t version) {
  std::string body = wire::Encode(req, version);
  Result<std::string> raw = co_await RoundTrip(
      Req::kApiKey, version, wire::IsFlexible<Req>(version), std::move(body), Expect::kResponse);
  if (!raw.ok()) co_return raw.status();
  Result<ResponseFor<Req>> resp = wire::Decode<ResponseFor<Req>>(*raw, version);
  if (!resp.ok()) {
    co_return Status(ClientErrc::kBadResponse, std::string(ApiName(Req::kApiKey)) + " v" +
                                                   std::to_string(version) + " from " + peer() +
                                                   ": " + resp.status().ToString());
  }
  co_return resp;
}

template <typename Req>
asio::awaitable<Status> BrokerConnection::SendOneWay(Req req) {
  std::optional<int16_t> version = NegotiatedVersion(Req::kApiKey);
  if (!version) {
    co_return Status(ClientErrc::kUnsupportedVersion,
                     std::string(ApiName(Req::kApiKey)) + " to " + peer());
  }
  std::string body = wire::Encode(req, *version);
  Result<std::string> raw = co_await RoundTrip(
      Req::kApiKey, *version, wire::IsFlexible<Req>(*version), std::move(body), Expect::kNone);
  co_return raw.status();
}

}  // namespace brook::client
