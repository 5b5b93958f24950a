// client/network/broker_connection.cc
#include "client/network/broker_connection.h"

#include <algorithm>
#include <asio/connect.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/write.hpp>
#include <exception>

#include "protocol/base/logging.h"
#include "protocol/frame.h"
#include "protocol/request_header.h"

namespace brook::client {
namespace {

const Logger kLog("client.connection");

constexpr int16_t kApiVersionsFirstTry = 3;

}  // namespace

// One request waiting for its response (or, one-way, for its write).
struct BrokerConnection::Pending {
  explicit Pending(asio::strand<asio::io_context::executor_type>& strand) : timer(strand) {}
  ApiKey key = ApiKey::kApiVersions;
  int16_t version = 0;
  bool flexible = false;
  asio::steady_timer timer;  // the request timeout; cancelled to wake the waiter
  std::optional<Result<std::string>> result;

  void Complete(Result<std::string> r) {
    if (result) return;
    result = std::move(r);
    timer.cancel();
  }
};

std::shared_ptr<BrokerConnection> BrokerConnection::Create(asio::io_context& io,
                                                           ConnectionOptions options) {
  return std::shared_ptr<BrokerConnection>(new BrokerConnection(io, std::move(options)));
}

BrokerConnection::BrokerConnection(asio::io_context& io, ConnectionOptions options)
    : options_(std::move(options)),
      strand_(asio::make_strand(io)),
      socket_(strand_),
      connected_signal_(strand_) {
  versions_.fill(-1);
}

BrokerConnection::~BrokerConnection() = default;

std::string BrokerConnection::peer() const {
  std::string out = options_.host + ":" + std::to_string(options_.port);
  if (options_.node_id >= 0) out += " (node " + std::to_string(options_.node_id) + ")";
  return out;
}

std::optional<int16_t> BrokerConnection::NegotiatedVersion(ApiKey key) const {
  auto index = static_cast<size_t>(key);
  if (index >= versions_.size()) return std::nullopt;
  std::lock_guard lock(versions_mu_);
  if (versions_[index] < 0) return std::nullopt;
  return versions_[index];
}

void BrokerConnection::SpawnOnStrand(asio::awaitable<void> work, const char* what) {
  asio::co_spawn(strand_, std::move(work), LogEscaped{kLog, what});
}

void BrokerConnection::Close() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->Shutdown(Status(ClientErrc::kClosed, self->peer() + ": connection closed"));
  });
}

void BrokerConnection::Shutdown(const Status& why) {
  if (state_.load() == State::kClosed) return;
  if (state_.load() == State::kConnecting && connect_status_.ok()) connect_status_ = why;
  state_.store(State::kClosed);
  kLog.Debug("closing ", peer(), ": ", why.ToString());
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  Status failed = why.code() == ClientErrc::kClosed
                      ? why
                      : Status(ClientErrc::kDisconnected, peer() + ": " + why.ToString());
  for (auto& [id, pending] : pending_) pending->Complete(failed);
  pending_.clear();
  for (Outgoing& out : write_queue_) {
    if (out.one_way) out.one_way->Complete(failed);
  }
  write_queue_.clear();
  in_flight_.store(0);
  connected_signal_.cancel();
}

// ---------------------------------------------------------------------------
// Connecting.

asio::awaitable<Status> BrokerConnection::EnsureConnected() {
  co_return co_await asio::co_spawn(strand_, DoEnsureConnected(), asio::use_awaitable);
}

asio::awaitable<Status> BrokerConnection::DoEnsureConnected() {
  auto self = shared_from_this();
  switch (state_.load()) {
    case State::kReady: co_return Status::Ok();
    case State::kClosed:
      co_return connect_status_.ok() ? Status(ClientErrc::kDisconnected, peer() + ": closed")
                                     : connect_status_;
    case State::kConnecting:
      while (state_.load() == State::kConnecting) {
        connected_signal_.expires_at(asio::steady_timer::time_point::max());
        asio::error_code ec;
        co_await connected_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      co_return state_.load() == State::kReady ? Status::Ok() : connect_status_;
    case State::kIdle: break;
  }
  state_.store(State::kConnecting);
  Status s = co_await DoConnect();
  if (s.ok()) s = co_await Negotiate();
  if (!s.ok()) {
    connect_status_ = s;
    Shutdown(s);
    co_return s;
  }
  if (state_.load() != State::kConnecting) co_return connect_status_;  // closed meanwhile
  state_.store(State::kReady);
  connected_signal_.cancel();
  kLog.Debug("connected to ", peer());
  co_return Status::Ok();
}

asio::awaitable<Status> BrokerConnection::DoConnect() {
  asio::error_code ec;
  asio::ip::tcp::resolver resolver(strand_);
  auto endpoints = co_await resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return Status(ClientErrc::kDisconnected, "resolve " + peer() + ": " + ec.message());

  // The deadline closes the socket, which ends the connect with an error.
  bool timed_out = false;
  asio::steady_timer deadline(strand_);
  deadline.expires_after(options_.connect_timeout);
  deadline.async_wait([this, &timed_out](asio::error_code wait_ec) {
    if (wait_ec) return;
    timed_out = true;
    asio::error_code ignored;
    socket_.close(ignored);
  });
  co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  deadline.cancel();
  // Let the deadline's handler run (it refers to locals) before leaving.
  co_await asio::post(strand_, asio::use_awaitable);
  if (timed_out) co_return Status(ClientErrc::kTimedOut, "connect to " + peer());
  if (ec) co_return Status(ClientErrc::kDisconnected, "connect to " + peer() + ": " + ec.message());
  if (state_.load() == State::kClosed) co_return connect_status_;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  SpawnOnStrand(ReadLoop(shared_from_this()), "connection read loop");
  co_return Status::Ok();
}

asio::awaitable<Status> BrokerConnection::Negotiate() {
  ApiVersionsRequest req{.client_software_name = "brook-cpp", .client_software_version = "0.1"};
  int16_t version = kApiVersionsFirstTry;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string body = wire::Encode(req, version);
    Result<std::string> raw = co_await DoRoundTrip(ApiKey::kApiVersions, version,
                                                   wire::IsFlexible<ApiVersionsRequest>(version),
                                                   std::move(body), Expect::kResponse);
    if (!raw.ok()) co_return raw.status();
    // A broker that does not speak `version` answers in v0 with UNSUPPORTED_VERSION
    // and, in api_keys, the ApiVersions versions it does speak.
    Result<ApiVersionsResponse> resp = wire::Decode<ApiVersionsResponse>(*raw, version);
    if (!resp.ok() || resp->error_code == ErrorCode::kUnsupportedVersion) {
      Result<ApiVersionsResponse> v0 = wire::Decode<ApiVersionsResponse>(*raw, 0);
      if (!v0.ok()) {
        co_return Status(ClientErrc::kBadResponse,
                         "ApiVersions from " + peer() + ": " + v0.status().ToString());
      }
      resp = std::move(v0);
    }
    if (resp->error_code == ErrorCode::kUnsupportedVersion && attempt == 0) {
      version = 0;
      for (const auto& api : resp->api_keys) {
        if (api.api_key == static_cast<int16_t>(ApiKey::kApiVersions)) {
          version = std::clamp<int16_t>(api.max_version, 0, kApiVersionsFirstTry - 1);
        }
      }
      kLog.Debug(peer(), " does not speak ApiVersions v", kApiVersionsFirstTry, "; trying v",
                 version);
      continue;
    }
    if (resp->error_code != ErrorCode::kNone) {
      co_return Status(make_error_code(resp->error_code), "ApiVersions from " + peer());
    }
    std::lock_guard lock(versions_mu_);
    versions_.fill(-1);
    for (const auto& api : resp->api_keys) {
      const ApiInfo* ours = FindApi(static_cast<ApiKey>(api.api_key));
      if (ours == nullptr) continue;
      int16_t lo = std::max(ours->versions.min, api.min_version);
      int16_t hi = std::min(ours->versions.max, api.max_version);
      if (lo <= hi && static_cast<size_t>(api.api_key) < versions_.size()) {
        versions_[static_cast<size_t>(api.api_key)] = hi;
      }
    }
    co_return Status::Ok();
  }
  co_return Status(ClientErrc::kUnsupportedVersion, "ApiVersions with " + peer());
}

// ---------------------------------------------------------------------------
// Requests.

asio::awaitable<Result<std::string>> BrokerConnection::RoundTrip(ApiKey key, int16_t version,
                                                                 bool flexible, std::string body,
                                                                 Expect expect) {
  co_return co_await RunOn(strand_, DoRoundTrip(key, version, flexible, std::move(body), expect));
}

asio::awaitable<Result<std::string>> BrokerConnection::DoRoundTrip(ApiKey key, int16_t version,
                                                                   bool flexible, std::string body,
                                                                   Expect expect) {
  auto self = shared_from_this();
  State state = state_.load();
  bool negotiating = state == State::kConnecting && key == ApiKey::kApiVersions;
  if (state != State::kReady && !negotiating) {
    co_return Status(ClientErrc::kDisconnected, peer() + ": not connected");
  }
  const int32_t correlation_id = next_correlation_id_++;
  RequestHeader header{.api_key = key,
                       .api_version = version,
                       .correlation_id = correlation_id,
                       .client_id = options_.client_id};
  std::string frame(kFrameSizeBytes, '\0');
  EncodeRequestHeader(frame, header, RequestHeaderVersion(flexible));
  frame += body;
  PatchFrameSize(frame);

  auto pending = std::make_shared<Pending>(strand_);
  pending->key = key;
  pending->version = version;
  pending->flexible = flexible;
  pending->timer.expires_after(options_.request_timeout);
  if (expect == Expect::kResponse) {
    pending_.emplace(correlation_id, pending);
    in_flight_.fetch_add(1);
    write_queue_.push_back(Outgoing{.frame = std::move(frame), .one_way = nullptr});
  } else {
    write_queue_.push_back(Outgoing{.frame = std::move(frame), .one_way = pending});
  }
  if (!writing_) {
    writing_ = true;
    SpawnOnStrand(WriteLoop(shared_from_this()), "connection write loop");
  }

  while (!pending->result) {
    asio::error_code ec;
    co_await pending->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!pending->result && ec != asio::error::operation_aborted) {
      // No answer in time: later responses cannot be trusted either.
      Status timeout(ClientErrc::kTimedOut,
                     std::string(ApiName(key)) + " to " + peer() + " after " +
                         std::to_string(options_.request_timeout.count()) + " ms");
      pending->Complete(timeout);
      pending_.erase(correlation_id);
      Shutdown(timeout);
    }
  }
  co_return std::move(*pending->result);
}

asio::awaitable<void> BrokerConnection::WriteLoop(std::shared_ptr<BrokerConnection> self) {
  while (!write_queue_.empty() && state_.load() != State::kClosed) {
    Outgoing out = std::move(write_queue_.front());
    write_queue_.pop_front();
    asio::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(out.frame),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (out.one_way) out.one_way->Complete(Status(ClientErrc::kDisconnected, peer()));
      Shutdown(Status(ClientErrc::kDisconnected, "write to " + peer() + ": " + ec.message()));
      break;
    }
    if (out.one_way) out.one_way->Complete(std::string());
  }
  writing_ = false;
  (void)self;
}

asio::awaitable<void> BrokerConnection::ReadLoop(std::shared_ptr<BrokerConnection> self) {
  std::string prefix(kFrameSizeBytes, '\0');
  while (state_.load() != State::kClosed) {
    asio::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(prefix),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      Shutdown(Status(ClientErrc::kDisconnected, "read from " + peer() + ": " + ec.message()));
      break;
    }
    Result<int32_t> size = ParseFrameSize(prefix, kDefaultMaxFrameBytes);
    if (!size.ok() || *size < 4) {
      Shutdown(Status(ClientErrc::kBadResponse, "frame size from " + peer()));
      break;
    }
    // The correlation id first: it says whether a tagged-field section
    // follows. Then the body is read into a string of its own, which the
    // caller decodes, so a megabyte Fetch response is not copied again here.
    unsigned char id_bytes[4];
    co_await asio::async_read(socket_, asio::buffer(id_bytes),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      Shutdown(Status(ClientErrc::kDisconnected, "read from " + peer() + ": " + ec.message()));
      break;
    }
    const auto* p = id_bytes;
    int32_t correlation_id = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                                  (uint32_t{p[2]} << 8) | uint32_t{p[3]});
    auto it = pending_.find(correlation_id);
    if (it == pending_.end()) {
      Shutdown(Status(
          ClientErrc::kBadResponse,
          "unexpected correlation id " + std::to_string(correlation_id) + " from " + peer()));
      break;
    }
    std::shared_ptr<Pending> pending = it->second;
    pending_.erase(it);
    in_flight_.fetch_sub(1);
    size_t remaining = static_cast<size_t>(*size) - sizeof(id_bytes);
    // Header v1 ends with a tagged-field section: one zero byte in every
    // response Kafka sends today, read on its own so the body starts clean.
    std::string tags;
    if (ResponseHeaderVersion(pending->key, pending->flexible) >= 1) {
      if (remaining == 0) {
        pending->Complete(Status(ClientErrc::kBadResponse, "response header from " + peer()));
        Shutdown(Status(ClientErrc::kBadResponse, "response header from " + peer()));
        break;
      }
      tags.resize(1);
      --remaining;
      co_await asio::async_read(socket_, asio::buffer(tags),
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    std::string body(remaining, '\0');
    if (!ec) {
      co_await asio::async_read(socket_, asio::buffer(body),
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
      const Status lost(ClientErrc::kDisconnected, "read from " + peer() + ": " + ec.message());
      pending->Complete(lost);
      Shutdown(lost);
      break;
    }
    if (!tags.empty() && tags[0] != 0) {
      // Tagged fields in a response header: parse them off (never the hot path).
      body.insert(0, tags);
      size_t consumed = 0;
      if (Status s = ParseRequestHeaderTags(body, &consumed); !s.ok()) {
        pending->Complete(Status(ClientErrc::kBadResponse, "response header from " + peer()));
        Shutdown(Status(ClientErrc::kBadResponse, "response header from " + peer()));
        break;
      }
      body.erase(0, consumed);
    }
    pending->Complete(std::move(body));
  }
  (void)self;
}

}  // namespace brook::client
