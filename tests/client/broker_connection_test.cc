// tests/client/broker_connection_test.cc
//
// One connection against an embedded broker (negotiated versions, pipelined
// calls matched by correlation id) and against sockets that never answer
// (request timeout) or that speak only ApiVersions v0.
#include "client/network/broker_connection.h"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <functional>
#include <thread>

#include "broker/broker.h"
#include "client/network/cluster.h"
#include "protocol/messages/metadata.h"
#include "storage/log_manager.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;

// An io_context on its own thread, as a client owns one.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

  template <typename T>
  T Run(asio::awaitable<T> work) {
    return *asio::co_spawn(io_, detail::Optionally<T>(std::move(work)), asio::use_future).get();
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

class BrokerConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker::BrokerConfig config;
    config.listener_port = 0;
    config.memory = true;
    broker_ = std::make_unique<broker::Broker>(config);
    ASSERT_TRUE(broker_->Start().ok());
  }
  std::shared_ptr<BrokerConnection> Connect(std::chrono::milliseconds timeout = 5s) {
    auto c = BrokerConnection::Create(io_.io(), ConnectionOptions{.host = "127.0.0.1",
                                                                  .port = broker_->port(),
                                                                  .client_id = "conn-test",
                                                                  .request_timeout = timeout});
    Status s = io_.Run(c->EnsureConnected());
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }

  IoThread io_;
  std::unique_ptr<broker::Broker> broker_;
};

TEST_F(BrokerConnectionTest, NegotiatesTheHighestCommonVersion) {
  auto c = Connect();
  EXPECT_TRUE(c->ready());
  EXPECT_EQ(c->NegotiatedVersion(ApiKey::kMetadata), MetadataRequest::kVersions.max);
  EXPECT_EQ(c->NegotiatedVersion(ApiKey::kApiVersions), ApiVersionsRequest::kVersions.max);
}

TEST_F(BrokerConnectionTest, PipelinedCallsGetTheirOwnResponses) {
  ASSERT_TRUE(broker_->logs().CreateTopic("a", 1, {}).ok());
  ASSERT_TRUE(broker_->logs().CreateTopic("b", 2, {}).ok());
  auto c = Connect();
  std::vector<std::future<Result<MetadataResponse>>> calls;
  for (int i = 0; i < 40; ++i) {
    MetadataRequest req;
    MetadataRequest::MetadataRequestTopic t;
    t.name = i % 2 ? "a" : "b";
    req.topics.emplace().push_back(t);
    req.allow_auto_topic_creation = false;
    calls.push_back(std::async(std::launch::async, [c, req] { return c->CallSync(req); }));
  }
  for (int i = 0; i < 40; ++i) {
    Result<MetadataResponse> resp = calls[i].get();
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    ASSERT_EQ(resp->topics.size(), 1u);
    EXPECT_EQ(resp->topics[0].name, i % 2 ? "a" : "b");
    EXPECT_EQ(resp->topics[0].partitions.size(), i % 2 ? 1u : 2u);
  }
  EXPECT_EQ(c->in_flight(), 0u);
}

TEST_F(BrokerConnectionTest, CloseFailsPendingAndLaterCalls) {
  auto c = Connect();
  c->Close();
  Result<MetadataResponse> resp = c->CallSync(MetadataRequest{});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), ClientErrc::kDisconnected);
}

TEST_F(BrokerConnectionTest, DestroyedBrokerFailsTheConnection) {
  auto c = Connect();
  broker_.reset();  // closes every socket (Stop() only parks them)
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!c->closed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(c->closed());
  EXPECT_FALSE(c->CallSync(MetadataRequest{}).ok());
}

// A listener that accepts and reads but never answers.
TEST(BrokerConnectionTimeoutTest, SilentPeerTimesOut) {
  IoThread io;
  asio::io_context server_io;
  asio::ip::tcp::acceptor acceptor(server_io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::ip::tcp::socket peer(server_io);
  std::thread server([&] { acceptor.accept(peer); });
  auto c =
      BrokerConnection::Create(io.io(), ConnectionOptions{.host = "127.0.0.1",
                                                          .port = acceptor.local_endpoint().port(),
                                                          .request_timeout = 200ms});
  auto start = std::chrono::steady_clock::now();
  Status s = io.Run(c->EnsureConnected());
  server.join();
  EXPECT_EQ(s.code(), ClientErrc::kTimedOut) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(c->closed());
}

TEST(BrokerConnectionTimeoutTest, RefusedConnectionIsDisconnected) {
  IoThread io;
  auto c = BrokerConnection::Create(io.io(), ConnectionOptions{.host = "127.0.0.1", .port = 1});
  Status s = io.Run(c->EnsureConnected());
  EXPECT_EQ(s.code(), ClientErrc::kDisconnected) << s.ToString();
}

// A scripted peer on an ephemeral port: it accepts one connection, answers
// `requests` requests with the frames `answer` returns for their headers,
// then waits for the client to close.
class ScriptedBroker {
 public:
  using Answer = std::function<std::string(const RequestHeader&)>;

  ScriptedBroker(int requests, Answer answer)
      : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        thread_([this, requests, answer = std::move(answer)] { Serve(requests, answer); }) {}
  ~ScriptedBroker() { Join(); }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Waits until the client has closed the connection.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Serve(int requests, const Answer& answer) {
    asio::ip::tcp::socket peer(io_);
    acceptor_.accept(peer);
    for (int i = 0; i < requests; ++i) {
      char size_bytes[4];
      asio::read(peer, asio::buffer(size_bytes));
      Result<int32_t> size = ParseFrameSize(std::string_view(size_bytes, 4), 1 << 20);
      std::string frame(static_cast<size_t>(*size), '\0');
      asio::read(peer, asio::buffer(frame));
      size_t consumed = 0;
      Result<RequestHeader> header = ParseRequestHeaderPrefix(frame, &consumed);
      asio::write(peer, asio::buffer(answer(*header)));
    }
    char byte;
    asio::error_code ec;
    peer.read_some(asio::buffer(&byte, 1), ec);  // until the client closes
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

// A broker that speaks ApiVersions v0-v2 only: it answers the v3 request in
// v0 with UNSUPPORTED_VERSION, as Kafka does, then the client asks again.
TEST(BrokerConnectionFallbackTest, FallsBackFromApiVersionsV3) {
  IoThread io;
  std::vector<int16_t> asked;
  ScriptedBroker server(2, [&](const RequestHeader& header) {
    asked.push_back(header.api_version);
    ApiVersionsResponse resp;
    resp.api_keys = {{.api_key = 18, .min_version = 0, .max_version = 2},
                     {.api_key = 3, .min_version = 0, .max_version = 8}};
    int16_t version = header.api_version;
    if (version > 2) {
      resp.error_code = ErrorCode::kUnsupportedVersion;
      version = 0;
    }
    return EncodeResponseFrame(header.correlation_id, version, resp);
  });
  auto c = BrokerConnection::Create(io.io(),
                                    ConnectionOptions{.host = "127.0.0.1", .port = server.port()});
  Status s = io.Run(c->EnsureConnected());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c->NegotiatedVersion(ApiKey::kMetadata), 8);
  EXPECT_EQ(c->NegotiatedVersion(ApiKey::kApiVersions), 2);
  EXPECT_FALSE(c->NegotiatedVersion(ApiKey::kProduce).has_value());
  c->Close();
  server.Join();
  EXPECT_EQ(asked, (std::vector<int16_t>{3, 2}));
}

// A broker whose flexible response headers carry a tagged field (none is
// defined today, but a reader must skip unknown tags): the body still decodes.
TEST(BrokerConnectionHeaderTest, TaggedFieldsInAResponseHeaderAreSkipped) {
  IoThread io;
  ScriptedBroker server(2, [](const RequestHeader& header) {
    if (header.api_key == ApiKey::kApiVersions) {  // header v0 always
      ApiVersionsResponse resp;
      resp.api_keys = {{.api_key = 18, .min_version = 0, .max_version = 3},
                       {.api_key = 3, .min_version = 0, .max_version = 12}};
      return EncodeResponseFrame(header.correlation_id, header.api_version, resp);
    }
    MetadataResponse resp;
    resp.cluster_id = "tagged";
    std::string out(4, '\0');
    EncodeResponseHeader(out, header.correlation_id, 0);
    out += std::string("\x01\x07\x02\xab\xcd", 5);  // one tagged field: tag 7, 2 bytes
    wire::EncodeTo(out, resp, header.api_version);
    PatchFrameSize(out);
    return out;
  });
  auto c = BrokerConnection::Create(io.io(),
                                    ConnectionOptions{.host = "127.0.0.1", .port = server.port()});
  Status connected = io.Run(c->EnsureConnected());
  Result<MetadataResponse> resp = c->CallSync(MetadataRequest{});
  c->Close();
  server.Join();
  ASSERT_TRUE(connected.ok()) << connected.ToString();
  EXPECT_EQ(c->NegotiatedVersion(ApiKey::kMetadata), 12);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->cluster_id, "tagged");
}

TEST_F(BrokerConnectionTest, ClusterFindsLeadersAndAutoCreatesTopics) {
  Cluster cluster(io_.io(),
                  *ClientConfig::FromProperties({{"bootstrap.servers", broker_->bootstrap()}}));
  Status s = io_.Run(cluster.Refresh({"auto"}));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto md = cluster.metadata();
  ASSERT_NE(md->Topic("auto"), nullptr);
  EXPECT_EQ(md->Leader("auto", 0), broker_->config().node_id);
  EXPECT_FALSE(md->Leader("auto", 99).has_value());
  EXPECT_EQ(md->brokers.at(broker_->config().node_id).port, broker_->port());
  Result<std::shared_ptr<BrokerConnection>> leader =
      io_.Run(cluster.Connection(broker_->config().node_id));
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  EXPECT_TRUE((*leader)->ready());
  EXPECT_FALSE(cluster.NeedsRefresh(std::chrono::steady_clock::now()));
  cluster.RequestUpdate();
  EXPECT_TRUE(cluster.NeedsRefresh(std::chrono::steady_clock::now()));
  cluster.Close();
}

}  // namespace
}  // namespace brook::client
