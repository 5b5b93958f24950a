// bench/broker/startup_bench.cc
//
//   BM_EmbeddedStartToMetadata  an embedded broker's whole life as a test sees
//                               it: construct + Start a memory Broker on port
//                               0, connect, ApiVersions v3 and Metadata v12
//                               (every topic) over a raw socket, Stop. Time per
//                               iteration is the whole cycle; to_metadata_ms is
//                               construct to the Metadata answer. librdkafka's
//                               mock cluster listens about 1.2 ms after start
//                               on this kind of machine (shared/perf/README.md).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "broker/broker.h"
#include "protocol/api_table.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/metadata.h"
#include "protocol/request_header.h"

namespace brook::broker {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "startup_bench: %s\n", what.c_str());
  std::abort();
}

// One blocking connection with a 5 s receive timeout; frames are size-prefixed.
class Socket {
 public:
  explicit Socket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) Die("socket");
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("connect");
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Sends `request` at `version` and decodes the response body.
  template <typename Req>
  ResponseFor<Req> Call(const Req& request, int16_t version) {
    const bool flexible = wire::IsFlexible<Req>(version);
    std::string frame(4, '\0');
    EncodeRequestHeader(frame,
                        RequestHeader{.api_key = Req::kApiKey,
                                      .api_version = version,
                                      .correlation_id = ++correlation_id_,
                                      .client_id = "startup-bench"},
                        RequestHeaderVersion(flexible));
    wire::EncodeTo(frame, request, version);
    const uint32_t size = htonl(static_cast<uint32_t>(frame.size() - 4));
    frame.replace(0, 4, reinterpret_cast<const char*>(&size), 4);
    WriteAll(frame);

    std::string prefix = ReadExactly(4);
    uint32_t body_size = 0;
    std::memcpy(&body_size, prefix.data(), 4);
    std::string body = ReadExactly(ntohl(body_size));
    std::string_view rest = body;
    rest.remove_prefix(4);  // correlation id
    if (ResponseHeaderVersion(Req::kApiKey, flexible) >= 1) {
      size_t tags = 0;
      if (!ParseRequestHeaderTags(rest, &tags).ok()) Die("response header tags");
      rest.remove_prefix(tags);
    }
    Result<ResponseFor<Req>> response = wire::Decode<ResponseFor<Req>>(rest, version);
    if (!response.ok()) Die("decode: " + response.status().ToString());
    return *std::move(response);
  }

 private:
  void WriteAll(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) Die("send");
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  std::string ReadExactly(size_t n) {
    std::string out(n, '\0');
    for (size_t done = 0; done < n;) {
      const ssize_t r = ::recv(fd_, out.data() + done, n - done, 0);
      if (r <= 0) Die("recv");
      done += static_cast<size_t>(r);
    }
    return out;
  }

  int fd_;
  int32_t correlation_id_ = 0;
};

void BM_EmbeddedStartToMetadata(benchmark::State& state) {
  double to_metadata_seconds = 0;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    BrokerConfig config;
    config.memory = true;
    config.listener_port = 0;
    Broker broker(config);
    if (Status s = broker.Start(); !s.ok()) Die("Start: " + s.ToString());
    {
      Socket socket(broker.port());
      ApiVersionsResponse versions =
          socket.Call(ApiVersionsRequest{.client_software_name = "startup-bench",
                                         .client_software_version = "1"},
                      3);
      if (versions.error_code != ErrorCode::kNone) Die("ApiVersions error");
      MetadataRequest metadata_request;
      metadata_request.topics.reset();  // every topic
      MetadataResponse metadata = socket.Call(metadata_request, 12);
      if (metadata.brokers.size() != 1) Die("Metadata: expected one broker");
      to_metadata_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    }
    broker.Stop();
  }
  state.counters["to_metadata_ms"] =
      benchmark::Counter(to_metadata_seconds * 1e3 / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_EmbeddedStartToMetadata)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace brook::broker
