// broker/connection.cc
#include "broker/connection.h"

#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "broker/broker.h"
#include "broker/handler_table.h"
#include "broker/request_context.h"
#include "protocol/api_table.h"
#include "protocol/base/logging.h"
#include "protocol/frame.h"

namespace brook::broker {
namespace {

const Logger kLog("connection");

std::string PeerName(const asio::ip::tcp::socket& socket) {
  asio::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// The answer to an ApiVersions request whose version Brook does not know: a
// v0 body (which every client can read) with UNSUPPORTED_VERSION and the full
// list, so the client can retry with a version it shares with us.
std::string UnsupportedApiVersionsFrame(int32_t correlation_id) {
  ApiVersionsResponse response = SupportedApiVersions();
  response.error_code = ErrorCode::kUnsupportedVersion;
  return EncodeResponseFrame(correlation_id, 0, response);
}

// The buffers of `frame`: its bytes cut at each splice, the spliced bytes between.
std::vector<asio::const_buffer> Buffers(const OutgoingFrame& frame) {
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(2 * frame.splices.size() + 1);
  size_t from = 0;
  for (const wire::Splice& splice : frame.splices) {
    buffers.emplace_back(frame.bytes.data() + from, splice.position - from);
    buffers.emplace_back(splice.bytes.data(), splice.bytes.size());
    from = splice.position;
  }
  buffers.emplace_back(frame.bytes.data() + from, frame.bytes.size() - from);
  return buffers;
}

// Handles one frame (without its size prefix). nullopt: close the connection.
asio::awaitable<std::optional<OutgoingFrame>> HandleFrame(Broker& broker, std::span<char> frame,
                                                          const std::string& peer) {
  const std::string_view view(frame.data(), frame.size());
  size_t consumed = 0;
  Result<RequestHeader> header = ParseRequestHeaderPrefix(view, &consumed);
  if (!header.ok()) {
    kLog.Warn("malformed request header from ", peer, ": ", header.status().ToString());
    co_return std::nullopt;
  }
  const Route* route = FindRoute(header->api_key);
  if (route == nullptr) {
    kLog.Warn("unsupported api key ", static_cast<int>(header->api_key), " from ", peer,
              "; closing the connection");
    co_return std::nullopt;
  }
  if (!route->versions.Contains(header->api_version)) {
    if (header->api_key == ApiKey::kApiVersions) {
      co_return OutgoingFrame{.bytes = UnsupportedApiVersionsFrame(header->correlation_id)};
    }
    kLog.Warn("unsupported ", ApiName(header->api_key), " version ", header->api_version, " from ",
              peer, "; closing the connection");
    co_return std::nullopt;
  }
  std::span<char> rest = frame.subspan(consumed);
  if (route->IsFlexible(header->api_version)) {
    size_t tags = 0;
    if (Status s = ParseRequestHeaderTags(view.substr(consumed), &tags); !s.ok()) {
      kLog.Warn("malformed request header from ", peer, ": ", s.ToString());
      co_return std::nullopt;
    }
    rest = rest.subspan(tags);
  }
  kLog.Debug(ApiName(header->api_key), " v", header->api_version, " from ", peer);
  RequestContext ctx(broker, std::move(header).value(), peer);
  co_return co_await route->handle(ctx, rest);
}

}  // namespace

asio::awaitable<void> ServeConnection(Broker& broker, asio::ip::tcp::socket socket) {
  const std::string peer = PeerName(socket);
  kLog.Debug("connection from ", peer);
  std::string frame;
  asio::error_code ec;
  auto await_ec = [&ec] { return asio::redirect_error(asio::use_awaitable, ec); };
  for (;;) {
    char prefix[kFrameSizeBytes];
    co_await asio::async_read(socket, asio::buffer(prefix), await_ec());
    if (ec) break;  // EOF, reset or shutdown
    Result<int32_t> size = ParseFrameSize(std::string_view(prefix, sizeof(prefix)),
                                          broker.config().socket_request_max_bytes);
    if (!size.ok()) {
      kLog.Warn("bad frame from ", peer, ": ", size.status().ToString(),
                "; closing the connection");
      break;
    }
    frame.resize(static_cast<size_t>(*size));
    co_await asio::async_read(socket, asio::buffer(frame), await_ec());
    if (ec) break;
    std::optional<OutgoingFrame> response =
        co_await HandleFrame(broker, std::span<char>(frame.data(), frame.size()), peer);
    if (!response) break;
    if (response->bytes.empty()) continue;  // requests answered with no response
    if (response->splices.empty()) {
      co_await asio::async_write(socket, asio::buffer(response->bytes), await_ec());
    } else {
      co_await asio::async_write(socket, Buffers(*response), await_ec());
    }
    if (ec) break;
  }
  asio::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  kLog.Debug("connection from ", peer, " closed");
}

}  // namespace brook::broker
