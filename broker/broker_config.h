// broker/broker_config.h
//
// Broker settings under Apache Kafka's property names, read from a
// server.properties-style text and `name=value` overrides. Unknown names are
// an error, so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "protocol/base/status.h"

namespace brook::broker {

struct BrokerConfig {
  std::string listener_host = "127.0.0.1";  // listeners=PLAINTEXT://host:port
  uint16_t listener_port = 9092;            // 0: any free port (tests)
  std::string advertised_host;              // advertised.listeners; empty: the bound address
  uint16_t advertised_port = 0;             // 0: the bound port
  int32_t node_id = 1;                      // node.id (broker.id is accepted too)
  std::string log_dirs = "./data";          // log.dirs
  std::string cluster_id;                   // empty: generated
  int32_t socket_request_max_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
  int io_threads = 1;                                    // num.io.threads

  // Applies one `name=value` setting.
  Status Set(std::string_view name, std::string_view value);
  // Applies every non-comment line of a server.properties text.
  Status ApplyProperties(std::string_view text);
};

}  // namespace brook::broker
