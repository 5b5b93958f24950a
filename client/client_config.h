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

// isolation.level: read_uncommitted (the default) or read_committed.
enum class IsolationLevel : int8_t { kReadUncommitted = 0, kReadCommitted = 1 };
// auto.offset.reset: where a partition without a valid position starts.
enum class OffsetResetStrategy { kEarliest, kLatest, kNone };
// partition.assignment.strategy entries, in the order the user lists them
// (the first one every member supports wins, as with the Java client).
enum class AssignorKind { kRange, kRoundRobin, kCooperativeSticky };

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
  // Consumer.
  std::optional<std::string> group_id;                                   // group.id
  std::optional<std::string> group_instance_id;                          // group.instance.id
  IsolationLevel isolation_level = IsolationLevel::kReadUncommitted;     // isolation.level
  bool enable_auto_commit = true;                                        // enable.auto.commit
  std::chrono::milliseconds auto_commit_interval{5000};                  // auto.commit.interval.ms
  OffsetResetStrategy auto_offset_reset = OffsetResetStrategy::kLatest;  // auto.offset.reset
  std::chrono::milliseconds session_timeout{45000};                      // session.timeout.ms
  std::chrono::milliseconds heartbeat_interval{3000};                    // heartbeat.interval.ms
  std::chrono::milliseconds max_poll_interval{300000};                   // max.poll.interval.ms
  int32_t max_poll_records = 500;                                        // max.poll.records
  int32_t fetch_min_bytes = 1;                                           // fetch.min.bytes
  std::chrono::milliseconds fetch_max_wait{500};                         // fetch.max.wait.ms
  int32_t fetch_max_bytes = 52428800;                                    // fetch.max.bytes
  int32_t max_partition_fetch_bytes = 1048576;  // max.partition.fetch.bytes
  // partition.assignment.strategy; Java 3.x's default "range, cooperative-sticky".
  std::vector<AssignorKind> assignment_strategies = {AssignorKind::kRange,
                                                     AssignorKind::kCooperativeSticky};

  // Builds a config from `name=value` properties over the defaults above.
  // Errors: kInvalidConfig ("<name>: <reason>").
  static Result<ClientConfig> FromProperties(const std::map<std::string, std::string>& properties);
};

}  // namespace brook::client
