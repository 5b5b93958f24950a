// storage/log_config.h
//
// Per-topic log settings under Apache Kafka's topic config names, with
// Kafka's defaults. The broker fills it from broker defaults (log.*) and topic
// overrides; storage only reads it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace brook::storage {

enum class CleanupPolicy { kDelete, kCompact, kCompactDelete };

// When appended data is fsynced. Kafka leaves it to the OS by default and
// relies on replication; a single node has no replicas, so Brook offers all three.
enum class FlushPolicy {
  kOs,           // never fsync on the append path (flush.messages / flush.ms unset)
  kEveryAppend,  // fsync before the append is acknowledged (flush.messages=1)
  kInterval,     // fsync at least every flush_interval_ms (flush.ms)
};

enum class TimestampSource { kCreateTime, kLogAppendTime };  // message.timestamp.type

struct LogConfig {
  int64_t segment_bytes = 1 << 30;                                  // segment.bytes
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;                      // segment.ms
  int64_t retention_bytes = -1;                                     // retention.bytes (-1: none)
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;                    // retention.ms (-1: none)
  uint32_t index_interval_bytes = 4096;                             // index.interval.bytes
  int32_t max_message_bytes = 1048588;                              // max.message.bytes
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;            // cleanup.policy
  FlushPolicy flush_policy = FlushPolicy::kOs;                      // flush.messages / flush.ms
  int64_t flush_interval_ms = std::numeric_limits<int64_t>::max();  // flush.ms
  TimestampSource timestamp_type = TimestampSource::kCreateTime;    // message.timestamp.type
  int64_t producer_id_expiration_ms = 24LL * 3600 * 1000;           // producer.id.expiration.ms
  // message.timestamp.before.max.ms and message.timestamp.after.max.ms
  // (KIP-937, Kafka 4.0's defaults): under CreateTime, a produced record whose
  // timestamp lies further before or after the broker's clock is refused
  // (INVALID_TIMESTAMP).
  int64_t timestamp_before_max_ms = std::numeric_limits<int64_t>::max();
  int64_t timestamp_after_max_ms = 3600000;
  // Compaction (cleanup.policy compact or compact,delete); see storage/log_cleaner.h.
  int64_t delete_retention_ms = 24LL * 3600 * 1000;  // delete.retention.ms
  double min_cleanable_dirty_ratio = 0.5;            // min.cleanable.dirty.ratio
  int64_t min_compaction_lag_ms = 0;                 // min.compaction.lag.ms
  // A dirty record older than this is cleaned whatever the dirty ratio, and
  // the active segment rolls by it (KIP-354).
  int64_t max_compaction_lag_ms = std::numeric_limits<int64_t>::max();  // max.compaction.lag.ms

  // segment.ms, or max.compaction.lag.ms when that is sooner and the topic is
  // compacted (Kafka's maxSegmentMs).
  int64_t effective_segment_ms() const {
    return cleanup_policy == CleanupPolicy::kDelete ? segment_ms
                                                    : std::min(segment_ms, max_compaction_lag_ms);
  }
};

}  // namespace brook::storage
