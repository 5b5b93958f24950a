// client/client_config.h
//
// Client settings under Apache Kafka's property names, with the Java client's
// defaults, so that users' habits carry over:
//
//   Result<ClientConfig> config = ClientConfig::FromProperties({
//       {"bootstrap.servers", "127.0.0.1:9092"}, {"linger.ms", "10"}});
//
// An unknown name or an invalid value is an error (ClientErrc::kInvalidConfig)
// whose context names the property and says what is wrong, so a typo never
// silently falls back to a default. The producer's rules follow Java's
// ProducerConfig: enable.idempotence set explicitly to true conflicts with
// acks other than all, retries=0 or more than 5 in flight (an error); left at
// its default it is quietly turned off by them. delivery.timeout.ms must be at
// least linger.ms + request.timeout.ms when set.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/compression.h"

namespace brook::client {

// partitioner: "default" is the Java client's built-in partitioner (murmur2 of
// the key, sticky for keyless records); "murmur2_random" is librdkafka's name
// for the same choice and is accepted as an alias.
enum class PartitionerKind { kDefault };

struct BrokerAddress {
  std::string host;
  uint16_t port = 0;

  bool operator==(const BrokerAddress&) const = default;
};

// Plain data; copy freely.
struct ClientConfig {
  std::vector<BrokerAddress> bootstrap_servers;  // bootstrap.servers (required)
  std::string client_id;                         // client.id; empty: "producer-<n>"
  // Producer.
  int16_t acks = -1;                                        // acks: all = -1
  bool enable_idempotence = true;                           // enable.idempotence
  std::chrono::milliseconds linger{5};                      // linger.ms
  int32_t batch_size = 16384;                               // batch.size
  Compression compression = Compression::kNone;             // compression.type
  int32_t max_in_flight = 5;                                // max.in.flight.requests.per.connection
  int32_t retries = std::numeric_limits<int32_t>::max();    // retries
  std::chrono::milliseconds retry_backoff{100};             // retry.backoff.ms
  std::chrono::milliseconds request_timeout{30000};         // request.timeout.ms
  std::chrono::milliseconds delivery_timeout{120000};       // delivery.timeout.ms
  std::chrono::milliseconds metadata_max_age{300000};       // metadata.max.age.ms
  std::chrono::milliseconds max_block{60000};               // max.block.ms
  std::chrono::milliseconds reconnect_backoff{50};          // reconnect.backoff.ms
  std::chrono::milliseconds reconnect_backoff_max{1000};    // reconnect.backoff.max.ms
  std::optional<std::string> transactional_id;              // transactional.id
  std::chrono::milliseconds transaction_timeout{60000};     // transaction.timeout.ms
  PartitionerKind partitioner = PartitionerKind::kDefault;  // partitioner

  // Builds a config from `name=value` properties over the defaults above.
  // Errors: kInvalidConfig ("<name>: <reason>").
  static Result<ClientConfig> FromProperties(const std::map<std::string, std::string>& properties);
};

}  // namespace brook::client
