// broker/request_context.h
//
// What a handler knows about the request it serves: the header, the peer and
// the broker. Lives on the connection's strand for the duration of one request.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

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

  // A Produce request's records, in the order its partitions appear, as
  // views into the request frame (which outlives the handler): the broker
  // validates and appends them in place instead of copying them out first.
  // An empty span stands for null records. Empty when the request was
  // decoded the ordinary way (the records are then in the request itself).
  const std::vector<std::span<char>>& borrowed_records() const { return borrowed_records_; }
  void set_borrowed_records(std::vector<std::span<char>> records) {
    borrowed_records_ = std::move(records);
  }

 private:
  Broker& broker_;
  RequestHeader header_;
  std::string peer_;
  std::vector<std::span<char>> borrowed_records_;
};

}  // namespace brook::broker
