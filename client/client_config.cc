// client/client_config.cc
#include "client/client_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <string_view>

#include "client/client_error.h"

namespace brook::client {
namespace {

Status Invalid(std::string_view name, const std::string& reason) {
  return Status(ClientErrc::kInvalidConfig, std::string(name) + ": " + reason);
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <typename Int>
Status ParseInt(std::string_view name, const std::string& value, Int min, Int* out) {
  std::string v = Trim(value);
  Int parsed{};
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
    return Invalid(name, "'" + value + "' is not an integer in range");
  }
  if (parsed < min) return Invalid(name, "must be at least " + std::to_string(min));
  *out = parsed;
  return Status::Ok();
}

Status ParseMs(std::string_view name, const std::string& value, std::chrono::milliseconds* out) {
  int64_t ms = 0;
  if (Status s = ParseInt<int64_t>(name, value, 0, &ms); !s.ok()) return s;
  *out = std::chrono::milliseconds(ms);
  return Status::Ok();
}

Status ParseBool(std::string_view name, const std::string& value, bool* out) {
  std::string v = Lower(Trim(value));
  if (v == "true") {
    *out = true;
  } else if (v == "false") {
    *out = false;
  } else {
    return Invalid(name, "'" + value + "' is not true or false");
  }
  return Status::Ok();
}

Status ParseBootstrap(const std::string& value, std::vector<BrokerAddress>* out) {
  out->clear();
  std::string_view rest = value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Invalid("bootstrap.servers", "'" + item + "' is not host:port");
    }
    std::string host = item.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);  // [ipv6]:port
    }
    int32_t port = 0;
    if (!ParseInt<int32_t>("bootstrap.servers", item.substr(colon + 1), 1, &port).ok() ||
        port > 65535) {
      return Invalid("bootstrap.servers", "'" + item + "' has no valid port");
    }
    out->push_back(BrokerAddress{.host = host, .port = static_cast<uint16_t>(port)});
  }
  if (out->empty()) return Invalid("bootstrap.servers", "no host:port given");
  return Status::Ok();
}

}  // namespace

Result<ClientConfig> ClientConfig::FromProperties(
    const std::map<std::string, std::string>& properties) {
  ClientConfig c;
  bool idempotence_set = false;
  bool delivery_timeout_set = false;
  bool bootstrap_set = false;

  using Setter = std::function<Status(const std::string& name, const std::string& value)>;
  const std::map<std::string, Setter, std::less<>> setters = {
      {"bootstrap.servers",
       [&](const std::string&, const std::string& v) {
         bootstrap_set = true;
         return ParseBootstrap(v, &c.bootstrap_servers);
       }},
      {"client.id",
       [&](const std::string&, const std::string& v) {
         c.client_id = v;
         return Status::Ok();
       }},
      {"acks",
       [&](const std::string& n, const std::string& v) {
         std::string a = Lower(Trim(v));
         if (a == "all" || a == "-1") {
           c.acks = -1;
         } else if (a == "0" || a == "1") {
           c.acks = static_cast<int16_t>(a[0] - '0');
         } else {
           return Invalid(n, "'" + v + "' is not one of all, -1, 0, 1");
         }
         return Status::Ok();
       }},
      {"enable.idempotence",
       [&](const std::string& n, const std::string& v) {
         idempotence_set = true;
         return ParseBool(n, v, &c.enable_idempotence);
       }},
      {"linger.ms",
       [&](const std::string& n, const std::string& v) { return ParseMs(n, v, &c.linger); }},
      {"batch.size",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 0, &c.batch_size);
       }},
      {"compression.type",
       [&](const std::string& n, const std::string& v) {
         std::string t = Lower(Trim(v));
         for (Compression codec : {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd}) {
           if (t == CompressionName(codec)) {
             c.compression = codec;
             return Status::Ok();
           }
         }
         return Invalid(n, "'" + v + "' is not one of none, gzip, snappy, lz4, zstd");
       }},
      {"max.in.flight.requests.per.connection",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 1, &c.max_in_flight);
       }},
      {"retries", [&](const std::string& n,
                      const std::string& v) { return ParseInt<int32_t>(n, v, 0, &c.retries); }},
      {"retry.backoff.ms",
       [&](const std::string& n, const std::string& v) { return ParseMs(n, v, &c.retry_backoff); }},
      {"request.timeout.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.request_timeout);
       }},
      {"delivery.timeout.ms",
       [&](const std::string& n, const std::string& v) {
         delivery_timeout_set = true;
         return ParseMs(n, v, &c.delivery_timeout);
       }},
      {"metadata.max.age.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.metadata_max_age);
       }},
      {"max.block.ms",
       [&](const std::string& n, const std::string& v) { return ParseMs(n, v, &c.max_block); }},
      {"reconnect.backoff.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.reconnect_backoff);
       }},
      {"reconnect.backoff.max.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.reconnect_backoff_max);
       }},
      {"transactional.id",
       [&](const std::string& n, const std::string& v) {
         if (v.empty()) return Invalid(n, "must not be empty");
         c.transactional_id = v;
         return Status::Ok();
       }},
      {"transaction.timeout.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.transaction_timeout);
       }},
      {"partitioner",
       [&](const std::string& n, const std::string& v) {
         std::string p = Lower(Trim(v));
         if (p == "default" || p == "murmur2_random") {
           c.partitioner = PartitionerKind::kDefault;
           return Status::Ok();
         }
         return Invalid(n, "'" + v + "' is not one of default, murmur2_random");
       }},
      {"group.id",
       [&](const std::string&, const std::string& v) {
         c.group_id = v;
         return Status::Ok();
       }},
      {"group.instance.id",
       [&](const std::string& n, const std::string& v) {
         if (Trim(v).empty()) return Invalid(n, "must not be empty");
         c.group_instance_id = v;
         return Status::Ok();
       }},
      {"isolation.level",
       [&](const std::string& n, const std::string& v) {
         std::string l = Lower(Trim(v));
         if (l == "read_uncommitted") {
           c.isolation_level = IsolationLevel::kReadUncommitted;
         } else if (l == "read_committed") {
           c.isolation_level = IsolationLevel::kReadCommitted;
         } else {
           return Invalid(n, "'" + v + "' is not one of read_uncommitted, read_committed");
         }
         return Status::Ok();
       }},
      {"enable.auto.commit",
       [&](const std::string& n, const std::string& v) {
         return ParseBool(n, v, &c.enable_auto_commit);
       }},
      {"auto.commit.interval.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.auto_commit_interval);
       }},
      {"auto.offset.reset",
       [&](const std::string& n, const std::string& v) {
         std::string r = Lower(Trim(v));
         if (r == "earliest") {
           c.auto_offset_reset = OffsetResetStrategy::kEarliest;
         } else if (r == "latest") {
           c.auto_offset_reset = OffsetResetStrategy::kLatest;
         } else if (r == "none") {
           c.auto_offset_reset = OffsetResetStrategy::kNone;
         } else {
           return Invalid(n, "'" + v + "' is not one of earliest, latest, none");
         }
         return Status::Ok();
       }},
      {"session.timeout.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.session_timeout);
       }},
      {"heartbeat.interval.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.heartbeat_interval);
       }},
      {"max.poll.interval.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.max_poll_interval);
       }},
      {"max.poll.records",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 1, &c.max_poll_records);
       }},
      {"fetch.min.bytes",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 0, &c.fetch_min_bytes);
       }},
      {"fetch.max.wait.ms",
       [&](const std::string& n, const std::string& v) {
         return ParseMs(n, v, &c.fetch_max_wait);
       }},
      {"fetch.max.bytes",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 0, &c.fetch_max_bytes);
       }},
      {"max.partition.fetch.bytes",
       [&](const std::string& n, const std::string& v) {
         return ParseInt<int32_t>(n, v, 0, &c.max_partition_fetch_bytes);
       }},
      {"partition.assignment.strategy",
       [&](const std::string& n, const std::string& v) {
         c.assignment_strategies.clear();
         std::string_view rest = v;
         while (!rest.empty()) {
           size_t comma = rest.find(',');
           std::string item = Lower(Trim(rest.substr(0, comma)));
           rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
           if (item.empty()) continue;
           if (item == "range" || item == "org.apache.kafka.clients.consumer.rangeassignor") {
             c.assignment_strategies.push_back(AssignorKind::kRange);
           } else if (item == "roundrobin" ||
                      item == "org.apache.kafka.clients.consumer.roundrobinassignor") {
             c.assignment_strategies.push_back(AssignorKind::kRoundRobin);
           } else if (item == "cooperative-sticky" ||
                      item == "org.apache.kafka.clients.consumer.cooperativestickyassignor") {
             c.assignment_strategies.push_back(AssignorKind::kCooperativeSticky);
           } else {
             return Invalid(n, "'" + item + "' is not one of range, roundrobin, cooperative-sticky");
           }
         }
         if (c.assignment_strategies.empty()) return Invalid(n, "no assignor given");
         return Status::Ok();
       }},
  };

  for (const auto& [name, value] : properties) {
    auto it = setters.find(name);
    if (it == setters.end()) return Invalid(name, "unknown property");
    if (Status s = it->second(name, value); !s.ok()) return s;
  }

  if (!bootstrap_set) return Invalid("bootstrap.servers", "missing required property");
  if (c.transaction_timeout.count() > std::numeric_limits<int32_t>::max()) {
    return Invalid("transaction.timeout.ms", "must fit in an int32");
  }
  if (c.request_timeout.count() > std::numeric_limits<int32_t>::max()) {
    return Invalid("request.timeout.ms", "must fit in an int32");
  }

  if (c.heartbeat_interval >= c.session_timeout) {
    return Invalid("heartbeat.interval.ms", "must be lower than session.timeout.ms");
  }
  for (auto [name, value] : {std::pair{"session.timeout.ms", c.session_timeout},
                             std::pair{"max.poll.interval.ms", c.max_poll_interval},
                             std::pair{"fetch.max.wait.ms", c.fetch_max_wait}}) {
    if (value.count() > std::numeric_limits<int32_t>::max()) {
      return Invalid(name, "must fit in an int32");
    }
  }

  // ProducerConfig.postProcessAndValidateIdempotenceConfigs.
  if (idempotence_set && c.enable_idempotence) {
    if (c.max_in_flight > 5) {
      return Invalid("max.in.flight.requests.per.connection",
                     "must be at most 5 to use the idempotent producer");
    }
    if (c.retries == 0) return Invalid("retries", "must be non-zero for the idempotent producer");
    if (c.acks != -1) return Invalid("acks", "must be all for the idempotent producer");
  } else if (!idempotence_set && (c.max_in_flight > 5 || c.retries == 0 || c.acks != -1)) {
    c.enable_idempotence = false;
  }
  if (c.transactional_id && !c.enable_idempotence) {
    return Invalid("transactional.id", "needs enable.idempotence=true");
  }
  // ProducerConfig.configureDeliveryTimeout.
  std::chrono::milliseconds minimum = c.linger + c.request_timeout;
  if (c.delivery_timeout < minimum) {
    if (delivery_timeout_set) {
      return Invalid("delivery.timeout.ms", "must be at least linger.ms + request.timeout.ms (" +
                                                std::to_string(minimum.count()) + ")");
    }
    c.delivery_timeout = minimum;
  }
  return c;
}

}  // namespace brook::client
