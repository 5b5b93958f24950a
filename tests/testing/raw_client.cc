// tests/testing/raw_client.cc
#include "tests/testing/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "protocol/frame.h"

namespace brook::testing {
namespace {

Status Errno(const char* what) {
  return Status(std::error_code(errno, std::system_category()), what);
}

}  // namespace

RawClient::RawClient() = default;

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

Status RawClient::Connect(const std::string& host, uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status(std::make_error_code(std::errc::invalid_argument), host);
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Errno("connect");
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return Status::Ok();
}

Status RawClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("send");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status RawClient::SendFrame(std::string_view bytes) {
  std::string frame(kFrameSizeBytes, '\0');
  frame.append(bytes);
  PatchFrameSize(frame);
  return SendRaw(frame);
}

Result<std::string> RawClient::ReadExactly(size_t n,
                                           std::chrono::steady_clock::time_point deadline) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status(std::make_error_code(std::errc::timed_out), "read");
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Errno("poll");
    if (ready == 0) continue;
    ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("recv");
    if (r == 0) return Status(std::make_error_code(std::errc::connection_reset), "peer closed");
    got += static_cast<size_t>(r);
  }
  return out;
}

Result<std::string> RawClient::ReadFrame(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Result<std::string> prefix = ReadExactly(kFrameSizeBytes, deadline);
  if (!prefix.ok()) return prefix.status();
  Result<int32_t> size = ParseFrameSize(*prefix, kDefaultMaxFrameBytes);
  if (!size.ok()) return size.status();
  return ReadExactly(static_cast<size_t>(*size), deadline);
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Result<std::string> byte = ReadExactly(1, deadline);
    if (byte.ok()) continue;  // drain anything still in flight
    return byte.status().code() == std::errc::connection_reset ||
           byte.status().code() == std::error_code(ECONNRESET, std::system_category());
  }
}

}  // namespace brook::testing
