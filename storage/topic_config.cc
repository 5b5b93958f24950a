// storage/topic_config.cc
#include "storage/topic_config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "storage/errors.h"

namespace brook::storage {
namespace {

Status Bad(std::string_view name, std::string_view value, std::string_view why) {
  return Status(Errc::kInvalidArgument, "invalid value '" + std::string(value) + "' for " +
                                            std::string(name) + ": " + std::string(why));
}

Result<int64_t> ParseLong(std::string_view name, std::string_view value, int64_t min,
                          int64_t max = std::numeric_limits<int64_t>::max()) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Bad(name, value, "not a number");
  }
  if (v < min || v > max) {
    return Bad(name, value,
               "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

// Configs Kafka defines that Brook accepts and reports but that change
// nothing on a single node (replication, tiered storage, down-conversion ...).
const std::vector<std::string>& InertConfigs() {
  static const std::vector<std::string> kNames = {
      "compression.gzip.level",
      "compression.lz4.level",
      "compression.type",
      "compression.zstd.level",
      "file.delete.delay.ms",
      "follower.replication.throttled.replicas",
      "leader.replication.throttled.replicas",
      "local.retention.bytes",
      "local.retention.ms",
      "message.downconversion.enable",
      "min.insync.replicas",
      "preallocate",
      "remote.log.copy.disable",
      "remote.log.delete.on.disable",
      "remote.storage.enable",
      "segment.index.bytes",
      "segment.jitter.ms",
      "unclean.leader.election.enable",
  };
  return kNames;
}

}  // namespace

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status(Errc::kInvalidArgument, "topic name is empty");
  if (name == "." || name == "..") {
    return Status(Errc::kInvalidArgument, "topic name cannot be \".\" or \"..\"");
  }
  if (name.size() > 249) {
    return Status(Errc::kInvalidArgument, "topic name is longer than 249 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status(Errc::kInvalidArgument,
                    "topic name '" + std::string(name) +
                        "' contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

Result<LogConfig> ApplyTopicConfigs(const LogConfig& defaults,
                                    const std::map<std::string, std::string>& overrides) {
  LogConfig c = defaults;
  bool flush_messages_one = false;
  bool flush_ms_set = false;
  std::optional<int64_t> difference_max_ms;
  for (const auto& [name, value] : overrides) {
    if (name == "cleanup.policy") {
      std::string v = value;
      v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
      if (v == "delete") {
        c.cleanup_policy = CleanupPolicy::kDelete;
      } else if (v == "compact") {
        c.cleanup_policy = CleanupPolicy::kCompact;
      } else if (v == "compact,delete" || v == "delete,compact") {
        c.cleanup_policy = CleanupPolicy::kCompactDelete;
      } else {
        return Bad(name, value, "expected delete, compact or compact,delete");
      }
    } else if (name == "segment.bytes") {
      Result<int64_t> v = ParseLong(name, value, 14, std::numeric_limits<int32_t>::max());
      if (!v.ok()) return v.status();
      c.segment_bytes = *v;
    } else if (name == "segment.ms") {
      Result<int64_t> v = ParseLong(name, value, 1);
      if (!v.ok()) return v.status();
      c.segment_ms = *v;
    } else if (name == "retention.bytes") {
      Result<int64_t> v = ParseLong(name, value, -1);
      if (!v.ok()) return v.status();
      c.retention_bytes = *v;
    } else if (name == "retention.ms") {
      Result<int64_t> v = ParseLong(name, value, -1);
      if (!v.ok()) return v.status();
      c.retention_ms = *v;
    } else if (name == "index.interval.bytes") {
      Result<int64_t> v = ParseLong(name, value, 0, std::numeric_limits<int32_t>::max());
      if (!v.ok()) return v.status();
      c.index_interval_bytes = static_cast<uint32_t>(*v);
    } else if (name == "max.message.bytes") {
      Result<int64_t> v = ParseLong(name, value, 0, std::numeric_limits<int32_t>::max());
      if (!v.ok()) return v.status();
      c.max_message_bytes = static_cast<int32_t>(*v);
    } else if (name == "flush.messages") {
      Result<int64_t> v = ParseLong(name, value, 1);
      if (!v.ok()) return v.status();
      flush_messages_one = *v == 1;
    } else if (name == "flush.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      c.flush_interval_ms = *v;
      flush_ms_set = *v != std::numeric_limits<int64_t>::max();
    } else if (name == "message.timestamp.type") {
      if (value == "CreateTime") {
        c.timestamp_type = TimestampSource::kCreateTime;
      } else if (value == "LogAppendTime") {
        c.timestamp_type = TimestampSource::kLogAppendTime;
      } else {
        return Bad(name, value, "expected CreateTime or LogAppendTime");
      }
    } else if (name == "message.timestamp.before.max.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      c.timestamp_before_max_ms = *v;
    } else if (name == "message.timestamp.after.max.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      c.timestamp_after_max_ms = *v;
    } else if (name == "message.timestamp.difference.max.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      difference_max_ms = *v;
    } else if (name == "delete.retention.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      c.delete_retention_ms = *v;
    } else if (name == "min.compaction.lag.ms") {
      Result<int64_t> v = ParseLong(name, value, 0);
      if (!v.ok()) return v.status();
      c.min_compaction_lag_ms = *v;
    } else if (name == "max.compaction.lag.ms") {
      Result<int64_t> v = ParseLong(name, value, 1);
      if (!v.ok()) return v.status();
      c.max_compaction_lag_ms = *v;
    } else if (name == "min.cleanable.dirty.ratio") {
      char* end = nullptr;
      std::string text(value);
      double ratio = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !(ratio >= 0 && ratio <= 1)) {
        return Bad(name, value, "must be a number in [0, 1]");
      }
      c.min_cleanable_dirty_ratio = ratio;
    } else if (name == "producer.id.expiration.ms") {
      Result<int64_t> v = ParseLong(name, value, 1);
      if (!v.ok()) return v.status();
      c.producer_id_expiration_ms = *v;
    } else if (!std::binary_search(InertConfigs().begin(), InertConfigs().end(), name)) {
      return Status(Errc::kInvalidArgument, "unknown topic config name: " + name);
    }
  }
  // The deprecated message.timestamp.difference.max.ms bounds both sides,
  // unless the KIP-937 config of that side is set too (Kafka 3.6-3.9).
  if (difference_max_ms) {
    if (!overrides.contains("message.timestamp.before.max.ms")) {
      c.timestamp_before_max_ms = *difference_max_ms;
    }
    if (!overrides.contains("message.timestamp.after.max.ms")) {
      c.timestamp_after_max_ms = *difference_max_ms;
    }
  }
  if (c.min_compaction_lag_ms > c.max_compaction_lag_ms) {
    return Status(Errc::kInvalidArgument,
                  "conflict: min.compaction.lag.ms " + std::to_string(c.min_compaction_lag_ms) +
                      " > max.compaction.lag.ms " + std::to_string(c.max_compaction_lag_ms));
  }
  if (flush_messages_one) {
    c.flush_policy = FlushPolicy::kEveryAppend;
  } else if (flush_ms_set) {
    c.flush_policy = FlushPolicy::kInterval;
  }
  return c;
}

const std::vector<std::string>& KnownTopicConfigNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = InertConfigs();
    for (const char* name :
         {"cleanup.policy", "segment.bytes", "segment.ms", "retention.bytes", "retention.ms",
          "index.interval.bytes", "max.message.bytes", "flush.messages", "flush.ms",
          "message.timestamp.type", "message.timestamp.before.max.ms",
          "message.timestamp.after.max.ms", "message.timestamp.difference.max.ms",
          "producer.id.expiration.ms", "delete.retention.ms", "min.compaction.lag.ms",
          "max.compaction.lag.ms", "min.cleanable.dirty.ratio"}) {
      names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }();
  return kNames;
}

std::optional<std::string> TopicConfigValue(const LogConfig& c, std::string_view name) {
  if (name == "cleanup.policy") {
    switch (c.cleanup_policy) {
      case CleanupPolicy::kDelete: return "delete";
      case CleanupPolicy::kCompact: return "compact";
      case CleanupPolicy::kCompactDelete: return "compact,delete";
    }
  }
  if (name == "segment.bytes") return std::to_string(c.segment_bytes);
  if (name == "segment.ms") return std::to_string(c.segment_ms);
  if (name == "retention.bytes") return std::to_string(c.retention_bytes);
  if (name == "retention.ms") return std::to_string(c.retention_ms);
  if (name == "index.interval.bytes") return std::to_string(c.index_interval_bytes);
  if (name == "max.message.bytes") return std::to_string(c.max_message_bytes);
  if (name == "flush.messages") {
    return c.flush_policy == FlushPolicy::kEveryAppend ? "1" : "9223372036854775807";
  }
  if (name == "flush.ms") return std::to_string(c.flush_interval_ms);
  if (name == "message.timestamp.type") {
    return c.timestamp_type == TimestampSource::kCreateTime ? "CreateTime" : "LogAppendTime";
  }
  if (name == "message.timestamp.before.max.ms") return std::to_string(c.timestamp_before_max_ms);
  if (name == "message.timestamp.after.max.ms") return std::to_string(c.timestamp_after_max_ms);
  if (name == "producer.id.expiration.ms") return std::to_string(c.producer_id_expiration_ms);
  if (name == "delete.retention.ms") return std::to_string(c.delete_retention_ms);
  if (name == "min.compaction.lag.ms") return std::to_string(c.min_compaction_lag_ms);
  if (name == "max.compaction.lag.ms") return std::to_string(c.max_compaction_lag_ms);
  if (name == "min.cleanable.dirty.ratio") {
    std::string v = std::to_string(c.min_cleanable_dirty_ratio);
    while (v.size() > 1 && v.back() == '0' && v[v.size() - 2] != '.') v.pop_back();
    return v;
  }
  return std::nullopt;
}

}  // namespace brook::storage
