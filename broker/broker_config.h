// broker/broker_config.h
//
// Broker settings under Apache Kafka's property names, read from a
// server.properties-style text and `name=value` overrides. Unknown names are
// an error, so a typo never silently falls back to a default.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "protocol/base/status.h"
#include "storage/log_config.h"

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
  // Threads for blocking work off the io threads: appends that fsync
  // (flush.messages=1) and the transaction coordinator's steps.
  int background_threads = 2;  // background.threads (Kafka's default is 10)
  // Keep everything in memory (no files): the default for embedded test
  // brokers; brook-broker --memory.
  bool memory = false;
  int32_t num_partitions = 1;              // num.partitions
  bool auto_create_topics = true;          // auto.create.topics.enable
  int16_t default_replication_factor = 1;  // default.replication.factor
  // Kafka answers INVALID_REPLICATION_FACTOR when a topic asks for more
  // replicas than brokers; by default Brook accepts any factor and serves the
  // topic from its one node (brook.strict.replication.factor=true: as Kafka).
  bool strict_replication_factor = false;
  int64_t log_retention_check_interval_ms = 300000;  // log.retention.check.interval.ms
  int64_t group_initial_rebalance_delay_ms = 0;      // group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;       // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;    // group.max.session.timeout.ms
  int32_t group_max_size = INT32_MAX;                // group.max.size
  // Committed offsets expire this long after their commit (after the group
  // became Empty, for a group with members); offsets.retention.minutes sets it
  // in minutes as Kafka does, tests set milliseconds here.
  int64_t offsets_retention_ms = 7 * 24 * 3600 * 1000LL;  // offsets.retention.minutes
  int64_t offsets_retention_check_interval_ms = 600000;   // offsets.retention.check.interval.ms
  // Transactions (Kafka's names and defaults).
  int32_t transaction_max_timeout_ms = 900000;  // transaction.max.timeout.ms
  // How often transactions past their timeout are aborted.
  int64_t transaction_abort_timed_out_interval_ms =
      10000;  // transaction.abort.timed.out.transaction.cleanup.interval.ms
  int64_t transactional_id_expiration_ms = 604800000;  // transactional.id.expiration.ms
  int64_t transaction_remove_expired_interval_ms =
      3600000;  // transaction.remove.expired.transaction.cleanup.interval.ms
  int32_t transaction_state_partitions = 50;  // transaction.state.log.num.partitions
  // KIP-890 part 1: transactional writes (Produce, TxnOffsetCommit) must go to
  // partitions of the producer's ongoing transaction.
  bool transaction_partition_verification = true;  // transaction.partition.verification.enable
  // Test hook (brook.testing.txn.stall): "after-prepare" makes the
  // coordinator stop for good right after it wrote PrepareCommit/PrepareAbort
  // and logged "stalled after Prepare", so a test can SIGKILL the broker there.
  std::string testing_txn_stall;
  storage::LogConfig log_defaults;  // log.segment.bytes, log.retention.ms, message.max.bytes ...

  // Applies one `name=value` setting.
  Status Set(std::string_view name, std::string_view value);
  // Applies every non-comment line of a server.properties text.
  Status ApplyProperties(std::string_view text);
};

}  // namespace brook::broker
