// broker/connection.cc
#include "broker/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
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

void SetCork(asio::ip::tcp::socket& socket, bool on) {
  const int value = on ? 1 : 0;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof(value));
}

// Sends `size` bytes of the file `fd` from `offset` with sendfile(2),
// waiting whenever the (non-blocking) socket is full. A file that ends
// inside the range is an error: the frame cannot be finished.
asio::awaitable<void> SendFile(asio::ip::tcp::socket& socket, int fd, uint64_t offset, size_t size,
                               asio::error_code& ec) {
  auto at = static_cast<off_t>(offset);
  while (size > 0) {
    const ssize_t n = ::sendfile(socket.native_handle(), fd, &at, size);
    if (n > 0) {
      size -= static_cast<size_t>(n);
    } else if (n == 0) {
      ec = asio::error::eof;
      co_return;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      co_await socket.async_wait(asio::ip::tcp::socket::wait_write,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    } else if (errno != EINTR) {
      ec = asio::error_code(errno, asio::system_category());
      co_return;
    }
  }
}

// Writes `frame`: its bytes cut at each splice, the spliced bytes between,
// gathered into one write until a splice that lives in a file, which goes
// out with sendfile(2). TCP_CORK holds the pieces of such a frame back until
// it is whole, so that the bytes around a file range do not leave alone.
asio::awaitable<void> WriteFrame(asio::ip::tcp::socket& socket, const OutgoingFrame& frame,
                                 const std::string& peer, asio::error_code& ec) {
  auto await_ec = [&ec] { return asio::redirect_error(asio::use_awaitable, ec); };
  if (frame.splices.empty()) {
    co_await asio::async_write(socket, asio::buffer(frame.bytes), await_ec());
    co_return;
  }
  const bool from_files =
      std::any_of(frame.splices.begin(), frame.splices.end(),
                  [](const wire::Splice& splice) { return splice.external != nullptr; });
  if (from_files) SetCork(socket, true);
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(2 * frame.splices.size() + 1);
  size_t from = 0;
  for (const wire::Splice& splice : frame.splices) {
    buffers.emplace_back(frame.bytes.data() + from, splice.position - from);
    from = splice.position;
    if (splice.external == nullptr) {
      buffers.emplace_back(splice.bytes.data(), splice.bytes.size());
      continue;
    }
    co_await asio::async_write(socket, buffers, await_ec());
    buffers.clear();
    if (ec) co_return;
    const wire::ExternalBytes& file = *splice.external;
    co_await SendFile(socket, file.fd(), file.offset(), file.size(), ec);
    if (ec) {
      kLog.Error("sending ", file.size(), " log bytes at ", file.offset(), " to ", peer, ": ",
                 ec.message(), "; closing the connection");
      co_return;
    }
  }
  buffers.emplace_back(frame.bytes.data() + from, frame.bytes.size() - from);
  co_await asio::async_write(socket, buffers, await_ec());
  if (from_files && !ec) SetCork(socket, false);
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
  socket.native_non_blocking(true, ec);  // for sendfile(2) in WriteFrame
  if (ec) {
    kLog.Warn("connection from ", peer, ": ", ec.message());
    co_return;
  }
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
    co_await WriteFrame(socket, *response, peer, ec);
    if (ec) break;
  }
  asio::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  kLog.Debug("connection from ", peer, " closed");
}

}  // namespace brook::broker
