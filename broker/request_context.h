// broker/request_context.h
//
// What a handler knows about the request it serves: the header, the peer and
// the broker. Lives on the connection's strand for the duration of one request.
#pragma once

#include <string>

#include "protocol/request_header.h"

namespace brook::broker {

class Broker;

class RequestContext {
 public:
  RequestContext(Broker& broker, RequestHeader header, std::string peer)
      : broker_(broker), header_(std::move(header)), peer_(std::move(peer)) {}

  Broker& broker() { return broker_; }
  const RequestHeader& header() const { return header_; }
  int16_t api_version() const { return header_.api_version; }
  // "127.0.0.1:53412", for log lines.
  const std::string& peer() const { return peer_; }

 private:
  Broker& broker_;
  RequestHeader header_;
  std::string peer_;
};

}  // namespace brook::broker
