// broker/broker_config.cc
#include "broker/broker_config.h"

#include <charconv>
#include <system_error>
#include <utility>

#include "storage/topic_config.h"

namespace brook::broker {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

template <typename T>
Status ParseNumber(std::string_view name, std::string_view value, T min, T max, T* out) {
  T v{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < min || v > max) {
    return Status(std::make_error_code(std::errc::invalid_argument),
                  std::string(name) + "=" + std::string(value) + ": expected a number in [" +
                      std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *out = v;
  return Status::Ok();
}

// "PLAINTEXT://host:port" (the first listener of a comma-separated list).
Status ParseListener(std::string_view name, std::string_view value, std::string* host,
                     uint16_t* port) {
  std::string_view first = value.substr(0, value.find(','));
  size_t scheme = first.find("://");
  if (scheme != std::string_view::npos) first.remove_prefix(scheme + 3);
  size_t colon = first.rfind(':');
  if (colon == std::string_view::npos) {
    return Status(std::make_error_code(std::errc::invalid_argument),
                  std::string(name) + "=" + std::string(value) + ": expected host:port");
  }
  std::string_view h = first.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  *host = std::string(h);
  return ParseNumber<uint16_t>(name, first.substr(colon + 1), 0, 65535, port);
}

Status ParseBool(std::string_view name, std::string_view value, bool* out) {
  if (value == "true") {
    *out = true;
  } else if (value == "false") {
    *out = false;
  } else {
    return Status(std::make_error_code(std::errc::invalid_argument),
                  std::string(name) + "=" + std::string(value) + ": expected true or false");
  }
  return Status::Ok();
}

}  // namespace

Status BrokerConfig::Set(std::string_view name, std::string_view value) {
  value = Trim(value);
  if (name == "listeners") return ParseListener(name, value, &listener_host, &listener_port);
  if (name == "advertised.listeners") {
    return ParseListener(name, value, &advertised_host, &advertised_port);
  }
  if (name == "node.id" || name == "broker.id") {
    return ParseNumber<int32_t>(name, value, 0, INT32_MAX, &node_id);
  }
  if (name == "log.dirs" || name == "log.dir") {
    log_dirs = std::string(value.substr(0, value.find(',')));
    return Status::Ok();
  }
  if (name == "cluster.id") {
    cluster_id = std::string(value);
    return Status::Ok();
  }
  if (name == "socket.request.max.bytes") {
    return ParseNumber<int32_t>(name, value, 1024, INT32_MAX, &socket_request_max_bytes);
  }
  if (name == "num.io.threads") return ParseNumber<int>(name, value, 1, 256, &io_threads);
  if (name == "background.threads") {
    return ParseNumber<int>(name, value, 1, 256, &background_threads);
  }
  if (name == "num.partitions")
    return ParseNumber<int32_t>(name, value, 1, 1 << 20, &num_partitions);
  if (name == "auto.create.topics.enable") return ParseBool(name, value, &auto_create_topics);
  if (name == "brook.memory") return ParseBool(name, value, &memory);
  if (name == "default.replication.factor") {
    return ParseNumber<int16_t>(name, value, 1, INT16_MAX, &default_replication_factor);
  }
  if (name == "brook.strict.replication.factor") {
    return ParseBool(name, value, &strict_replication_factor);
  }
  if (name == "log.retention.check.interval.ms") {
    return ParseNumber<int64_t>(name, value, 1, INT64_MAX, &log_retention_check_interval_ms);
  }
  if (name == "group.initial.rebalance.delay.ms") {
    return ParseNumber<int64_t>(name, value, 0, INT64_MAX, &group_initial_rebalance_delay_ms);
  }
  if (name == "group.min.session.timeout.ms") {
    return ParseNumber<int32_t>(name, value, 0, INT32_MAX, &group_min_session_timeout_ms);
  }
  if (name == "group.max.session.timeout.ms") {
    return ParseNumber<int32_t>(name, value, 0, INT32_MAX, &group_max_session_timeout_ms);
  }
  if (name == "group.max.size") {
    return ParseNumber<int32_t>(name, value, 1, INT32_MAX, &group_max_size);
  }
  if (name == "offsets.retention.minutes") {
    int32_t minutes = 0;  // an int in Kafka, at least 1
    if (Status s = ParseNumber<int32_t>(name, value, 1, INT32_MAX, &minutes); !s.ok()) return s;
    offsets_retention_ms = int64_t{minutes} * 60000;
    return Status::Ok();
  }
  if (name == "offsets.retention.check.interval.ms") {
    return ParseNumber<int64_t>(name, value, 1, INT64_MAX, &offsets_retention_check_interval_ms);
  }
  if (name == "transaction.max.timeout.ms") {
    return ParseNumber<int32_t>(name, value, 1, INT32_MAX, &transaction_max_timeout_ms);
  }
  if (name == "transaction.abort.timed.out.transaction.cleanup.interval.ms") {
    return ParseNumber<int64_t>(name, value, 1, INT64_MAX,
                                &transaction_abort_timed_out_interval_ms);
  }
  if (name == "transactional.id.expiration.ms") {
    return ParseNumber<int64_t>(name, value, 1, INT64_MAX, &transactional_id_expiration_ms);
  }
  if (name == "transaction.remove.expired.transaction.cleanup.interval.ms") {
    return ParseNumber<int64_t>(name, value, 1, INT64_MAX, &transaction_remove_expired_interval_ms);
  }
  if (name == "transaction.state.log.num.partitions") {
    return ParseNumber<int32_t>(name, value, 1, 1 << 20, &transaction_state_partitions);
  }
  if (name == "transaction.partition.verification.enable") {
    return ParseBool(name, value, &transaction_partition_verification);
  }
  if (name == "brook.testing.txn.stall") {
    if (value != "" && value != "after-prepare") {
      return Status(std::make_error_code(std::errc::invalid_argument),
                    std::string(name) + "=" + std::string(value) + ": expected after-prepare");
    }
    testing_txn_stall = std::string(value);
    return Status::Ok();
  }
  // Broker-wide log defaults: Kafka's log.* names map to topic config names.
  static const std::pair<std::string_view, std::string_view> kLogDefaults[] = {
      {"log.segment.bytes", "segment.bytes"},
      {"log.roll.ms", "segment.ms"},
      {"log.retention.bytes", "retention.bytes"},
      {"log.retention.ms", "retention.ms"},
      {"log.index.interval.bytes", "index.interval.bytes"},
      {"message.max.bytes", "max.message.bytes"},
      {"log.cleanup.policy", "cleanup.policy"},
      {"log.flush.interval.messages", "flush.messages"},
      {"log.flush.interval.ms", "flush.ms"},
      {"log.message.timestamp.type", "message.timestamp.type"},
      {"log.message.timestamp.before.max.ms", "message.timestamp.before.max.ms"},
      {"log.message.timestamp.after.max.ms", "message.timestamp.after.max.ms"},
      {"log.message.timestamp.difference.max.ms", "message.timestamp.difference.max.ms"},
      {"producer.id.expiration.ms", "producer.id.expiration.ms"},
  };
  for (const auto& [broker_name, topic_name] : kLogDefaults) {
    if (name != broker_name) continue;
    Result<storage::LogConfig> c =
        storage::ApplyTopicConfigs(log_defaults, {{std::string(topic_name), std::string(value)}});
    if (!c.ok()) return Status(c.status().code(), std::string(name) + ": " + c.status().context());
    log_defaults = *c;
    return Status::Ok();
  }
  // Kafka's coarser retention settings, as milliseconds.
  if (name == "log.retention.hours" || name == "log.retention.minutes") {
    int64_t n = 0;
    if (Status s = ParseNumber<int64_t>(name, value, -1, INT64_MAX / 3600000, &n); !s.ok()) {
      return s;
    }
    int64_t unit = name == "log.retention.hours" ? 3600000 : 60000;
    log_defaults.retention_ms = n < 0 ? -1 : n * unit;
    return Status::Ok();
  }
  // Accepted for compatibility with Kafka configs; nothing to do on one node.
  static const std::string_view kInert[] = {"process.roles",
                                            "controller.quorum.voters",
                                            "controller.listener.names",
                                            "inter.broker.listener.name",
                                            "listener.security.protocol.map",
                                            "num.network.threads",
                                            "num.recovery.threads.per.data.dir",
                                            "offsets.topic.replication.factor",
                                            "transaction.state.log.replication.factor",
                                            "transaction.state.log.min.isr",
                                            "socket.send.buffer.bytes",
                                            "socket.receive.buffer.bytes",
                                            "zookeeper.connect",
                                            "controller.quorum.bootstrap.servers",
                                            "min.insync.replicas"};
  for (std::string_view inert : kInert) {
    if (name == inert) return Status::Ok();
  }
  return Status(std::make_error_code(std::errc::invalid_argument),
                "unknown broker property '" + std::string(name) + "'");
}

Status BrokerConfig::ApplyProperties(std::string_view text) {
  int line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) {
      return Status(std::make_error_code(std::errc::invalid_argument),
                    "line " + std::to_string(line_no) + ": expected name=value");
    }
    Status s = Set(Trim(line.substr(0, eq)), line.substr(eq + 1));
    if (!s.ok()) return Status(s.code(), "line " + std::to_string(line_no) + ": " + s.context());
  }
  return Status::Ok();
}

}  // namespace brook::broker
