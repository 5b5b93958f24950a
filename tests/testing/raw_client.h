// tests/testing/raw_client.h
//
// A blocking Kafka-protocol client over one TCP connection, for broker tests
// that need to send exact bytes: frames requests with a header and reads one
// response frame. Every read has a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "protocol/api_table.h"
#include "protocol/base/status.h"
#include "protocol/request_header.h"

namespace brook::testing {

class RawClient {
 public:
  RawClient();
  ~RawClient();
  RawClient(RawClient&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), next_correlation_id_(other.next_correlation_id_) {}
  RawClient& operator=(RawClient&&) = delete;

  Status Connect(const std::string& host, uint16_t port);

  // Sends a frame holding exactly `bytes` after the size prefix.
  Status SendFrame(std::string_view bytes);
  // Sends raw bytes, no prefix added (for malformed-frame tests).
  Status SendRaw(std::string_view bytes);
  // Reads one response frame (without its size prefix); error on timeout or EOF.
  Result<std::string> ReadFrame(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer has closed the connection (EOF within `timeout`).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // A fresh correlation id for the next request.
  int32_t TakeCorrelationId() { return next_correlation_id_++; }

 private:
  Result<std::string> ReadExactly(size_t n, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  int32_t next_correlation_id_ = 1;
};

// The frame (without its size prefix) of `request` at `version`.
template <typename Req>
std::string RequestFrame(const Req& request, int16_t version, int32_t correlation_id,
                         const std::string& client_id = "brook-test") {
  RequestHeader header{.api_key = Req::kApiKey,
                       .api_version = version,
                       .correlation_id = correlation_id,
                       .client_id = client_id};
  std::string frame;
  EncodeRequestHeader(frame, header, RequestHeaderVersion(wire::IsFlexible<Req>(version)));
  wire::EncodeTo(frame, request, version);
  return frame;
}

// A response frame (without its size prefix) decoded as `Resp` at
// `version`; its correlation id goes to `*correlation_id` if given.
template <typename Resp>
Result<Resp> DecodeResponseFrame(std::string_view frame, int16_t version,
                                 int32_t* correlation_id = nullptr) {
  if (frame.size() < 4) return Status(wire::Errc::kTruncated, "response header");
  if (correlation_id != nullptr) {
    *correlation_id = 0;
    for (int i = 0; i < 4; ++i) *correlation_id = *correlation_id << 8 | uint8_t(frame[i]);
  }
  frame.remove_prefix(4);
  if (ResponseHeaderVersion(Resp::kApiKey, wire::IsFlexible<Resp>(version)) >= 1) {
    size_t tags = 0;
    if (Status s = ParseRequestHeaderTags(frame, &tags); !s.ok()) return s;
    frame.remove_prefix(tags);
  }
  return wire::Decode<Resp>(frame, version);
}

// Sends `request` at `version` and decodes the matching response body
// (waiting up to `timeout` for it).
template <typename Req>
Result<ResponseFor<Req>> Call(RawClient& client, const Req& request, int16_t version,
                              const std::string& client_id = "brook-test",
                              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const std::string frame = RequestFrame(request, version, client.TakeCorrelationId(), client_id);
  if (Status s = client.SendFrame(frame); !s.ok()) return s;
  Result<std::string> response = client.ReadFrame(timeout);
  if (!response.ok()) return response.status();
  return DecodeResponseFrame<ResponseFor<Req>>(*response, version);
}

}  // namespace brook::testing
