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

// Sends `request` at `version` and decodes the matching response body.
template <typename Req>
Result<ResponseFor<Req>> Call(RawClient& client, const Req& request, int16_t version,
                              const std::string& client_id = "brook-test") {
  using Resp = ResponseFor<Req>;
  RequestHeader header{.api_key = Req::kApiKey,
                       .api_version = version,
                       .correlation_id = client.TakeCorrelationId(),
                       .client_id = client_id};
  std::string frame;
  EncodeRequestHeader(frame, header, RequestHeaderVersion(wire::IsFlexible<Req>(version)));
  wire::EncodeTo(frame, request, version);
  if (Status s = client.SendFrame(frame); !s.ok()) return s;
  Result<std::string> response = client.ReadFrame();
  if (!response.ok()) return response.status();
  std::string_view body = *response;
  if (body.size() < 4) return Status(wire::Errc::kTruncated, "response header");
  body.remove_prefix(4);  // correlation id, checked by the caller if it cares
  if (ResponseHeaderVersion(Req::kApiKey, wire::IsFlexible<Req>(version)) >= 1) {
    size_t tags = 0;
    if (Status s = ParseRequestHeaderTags(body, &tags); !s.ok()) return s;
    body.remove_prefix(tags);
  }
  return wire::Decode<Resp>(body, version);
}

}  // namespace brook::testing
