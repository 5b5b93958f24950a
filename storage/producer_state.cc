// storage/producer_state.cc
#include "storage/producer_state.h"

#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <memory>
#include <string>

#include "protocol/base/logging.h"
#include "protocol/wire/serde.h"
#include "storage/errors.h"
#include "storage/file_system.h"

namespace brook::storage {
namespace {

const Logger kLog("storage");

constexpr uint32_t kSnapshotMagic = 0x42505353;  // "BPSS"
constexpr int16_t kSnapshotVersion = 1;
constexpr size_t kSnapshotHeaderSize = 18;
constexpr size_t kSnapshotChecksumSize = 8;
constexpr size_t kSnapshotProducerSize = 31;  // before its batches
constexpr size_t kSnapshotBatchSize = 32;
constexpr std::string_view kSnapshotSuffix = ".snapshot";
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr size_t kOffsetDigits = 20;

std::string Join(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

// Kafka's ProducerAppendInfo.inSequence.
bool InSequence(int32_t last_sequence, int32_t next_sequence) {
  return int64_t{next_sequence} == int64_t{last_sequence} + 1 ||
         (next_sequence == 0 && last_sequence == std::numeric_limits<int32_t>::max());
}

std::string ProducerName(int64_t producer_id, int16_t producer_epoch) {
  return "producer " + std::to_string(producer_id) + " epoch " + std::to_string(producer_epoch);
}

Status Corrupt(std::string what) { return Status(Errc::kCorruptSnapshot, std::move(what)); }

uint64_t Checksum(std::string_view bytes) { return XXH64(bytes.data(), bytes.size(), 0); }

// The offset of a snapshot file name, or nullopt for any other name.
std::optional<int64_t> ParseSnapshotName(std::string_view name) {
  if (name.size() != kOffsetDigits + kSnapshotSuffix.size()) return std::nullopt;
  if (name.substr(kOffsetDigits) != kSnapshotSuffix) return std::nullopt;
  uint64_t offset = 0;
  for (char c : name.substr(0, kOffsetDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    offset = offset * 10 + static_cast<uint64_t>(c - '0');
    if (offset > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  }
  return static_cast<int64_t>(offset);
}

bool IsSnapshotTmpName(std::string_view name) {
  return name.size() > kTmpSuffix.size() && name.ends_with(kTmpSuffix) &&
         ParseSnapshotName(name.substr(0, name.size() - kTmpSuffix.size())).has_value();
}

struct DecodedSnapshot {
  int64_t next_offset = 0;
  std::map<int64_t, ProducerEntry> producers;
};

Result<DecodedSnapshot> DecodeSnapshot(std::string_view bytes) {
  if (bytes.size() < kSnapshotHeaderSize + kSnapshotChecksumSize) {
    return Corrupt("snapshot of " + std::to_string(bytes.size()) + " bytes is truncated");
  }
  std::string_view body = bytes.substr(0, bytes.size() - kSnapshotChecksumSize);
  wire::Decoder tail(bytes.substr(body.size()), 0, false);
  uint64_t stored = 0;
  {
    int64_t v = 0;
    tail.Int64(v);
    stored = static_cast<uint64_t>(v);
  }
  if (stored != Checksum(body)) return Corrupt("snapshot checksum mismatch");

  wire::Decoder in(body, 0, false);
  uint32_t magic = 0;
  int16_t version = 0;
  DecodedSnapshot out;
  int32_t producer_count = 0;
  in.UInt32(magic);
  in.Int16(version);
  in.Int64(out.next_offset);
  in.Int32(producer_count);
  if (magic != kSnapshotMagic) return Corrupt("not a producer state snapshot (bad magic)");
  if (version != kSnapshotVersion) {
    return Corrupt("unknown snapshot version " + std::to_string(version));
  }
  if (out.next_offset < 0) return Corrupt("negative snapshot offset");
  if (producer_count < 0 ||
      static_cast<uint64_t>(producer_count) > in.remaining() / kSnapshotProducerSize) {
    return Corrupt("snapshot producer count " + std::to_string(producer_count) +
                   " exceeds its bytes");
  }
  for (int32_t i = 0; i < producer_count; ++i) {
    int64_t producer_id = 0;
    int64_t txn_first_offset = 0;
    int8_t batch_count = 0;
    ProducerEntry entry;
    in.Int64(producer_id);
    in.Int16(entry.producer_epoch);
    in.Int32(entry.coordinator_epoch);
    in.Int64(entry.last_timestamp);
    in.Int64(txn_first_offset);
    in.Int8(batch_count);
    if (!in.ok()) return Corrupt("snapshot truncated inside a producer");
    if (producer_id < 0) return Corrupt("negative producer id in snapshot");
    if (!out.producers.empty() && producer_id <= out.producers.rbegin()->first) {
      return Corrupt("snapshot producer ids out of order");
    }
    if (txn_first_offset < -1) return Corrupt("invalid transaction offset in snapshot");
    if (txn_first_offset >= 0) entry.current_txn_first_offset = txn_first_offset;
    if (batch_count < 0 || static_cast<size_t>(batch_count) > kProducerBatchesToRetain) {
      return Corrupt("snapshot batch count " + std::to_string(batch_count) + " out of range");
    }
    for (int8_t b = 0; b < batch_count; ++b) {
      ProducerBatch& batch = entry.batches.emplace_back();
      in.Int32(batch.first_sequence);
      in.Int32(batch.last_sequence);
      in.Int64(batch.first_offset);
      in.Int64(batch.last_offset);
      in.Int64(batch.max_timestamp);
      if (batch.last_offset < batch.first_offset) return Corrupt("snapshot batch offsets reversed");
    }
    if (!in.ok()) return Corrupt("snapshot truncated inside a producer's batches");
    out.producers.emplace(producer_id, std::move(entry));
  }
  if (in.remaining() != 0) return Corrupt("unexpected bytes after the snapshot's producers");
  return out;
}

// Everything in `path`.
Status ReadWholeFile(FileSystem& fs, const std::string& path, std::string* out) {
  Result<std::unique_ptr<File>> file = fs.Open(path, OpenMode::kReadWrite);
  if (!file.ok()) return file.status();
  return (*file)->ReadAt(0, (*file)->size(), out);
}

}  // namespace

// ---------------------------------------------------------------------------
// Appends.

Result<AppendCheck> ProducerState::Check(const RecordBatchHeader& batch,
                                         AppendOrigin origin) const {
  if (!batch.has_producer_id()) return AppendCheck{};
  if (batch.is_control()) {
    return Status(Errc::kInvalidArgument,
                  ProducerName(batch.producer_id, batch.producer_epoch) +
                      ": control batches are appended as markers, not checked as data");
  }
  static const ProducerEntry kUnknown;
  const ProducerEntry* found = Find(batch.producer_id);
  const ProducerEntry& entry = found != nullptr ? *found : kUnknown;
  const int32_t first_sequence = batch.base_sequence;

  // A retry of one of the last batches: Kafka looks for it before any other
  // check, and only within the current epoch.
  const bool client = origin == AppendOrigin::kClient;
  if (client && found != nullptr && batch.producer_epoch == entry.producer_epoch) {
    for (const ProducerBatch& b : entry.batches) {
      if (b.first_sequence == first_sequence && b.last_sequence == batch.last_sequence()) {
        return AppendCheck{.outcome = AppendCheck::kDuplicate, .original = b};
      }
    }
  }

  if (batch.producer_epoch < entry.producer_epoch) {
    return Status(Errc::kInvalidProducerEpoch,
                  ProducerName(batch.producer_id, batch.producer_epoch) +
                      " is older than the last seen epoch " + std::to_string(entry.producer_epoch));
  }
  // The coordinator writes without sequence numbers (Kafka checks sequences
  // for AppendOrigin.CLIENT only).
  if (!client) {
    // no sequence to check
  } else if (batch.producer_epoch != entry.producer_epoch) {
    if (first_sequence != 0 && entry.producer_epoch != kNoProducerEpoch) {
      return Status(Errc::kOutOfOrderSequence,
                    ProducerName(batch.producer_id, batch.producer_epoch) +
                        ": a new epoch must start at sequence 0, not " +
                        std::to_string(first_sequence) + " (current epoch " +
                        std::to_string(entry.producer_epoch) + ")");
    }
  } else if (entry.producer_epoch != kNoProducerEpoch &&
             !InSequence(entry.last_sequence(), first_sequence)) {
    return Status(Errc::kOutOfOrderSequence, ProducerName(batch.producer_id, batch.producer_epoch) +
                                                 ": sequence " + std::to_string(first_sequence) +
                                                 " does not follow " +
                                                 std::to_string(entry.last_sequence()));
  }

  if (entry.current_txn_first_offset.has_value() && !batch.is_transactional()) {
    return Status(Errc::kInvalidTxnState,
                  ProducerName(batch.producer_id, batch.producer_epoch) +
                      ": non-transactional batch while the transaction started at offset " +
                      std::to_string(*entry.current_txn_first_offset) + " is open");
  }
  return AppendCheck{};
}

void ProducerState::Update(const RecordBatchHeader& appended) {
  assert(!appended.is_control() && "markers go through ApplyMarker");
  if (!appended.has_producer_id()) return;
  AppendBatch(appended.producer_id, appended);
}

void ProducerState::AppendBatch(int64_t producer_id, const RecordBatchHeader& batch) {
  ProducerEntry& entry = producers_[producer_id];
  if (entry.producer_epoch != batch.producer_epoch) {
    entry.producer_epoch = batch.producer_epoch;
    entry.batches.clear();
  }
  if (entry.batches.size() == kProducerBatchesToRetain) entry.batches.erase(entry.batches.begin());
  entry.batches.push_back(ProducerBatch{.first_sequence = batch.base_sequence,
                                        .last_sequence = batch.last_sequence(),
                                        .first_offset = batch.base_offset,
                                        .last_offset = batch.last_offset(),
                                        .max_timestamp = batch.max_timestamp});
  entry.last_timestamp = batch.max_timestamp;
  if (batch.is_transactional() && !entry.current_txn_first_offset.has_value()) {
    entry.current_txn_first_offset = batch.base_offset;
    open_txns_.emplace(batch.base_offset, producer_id);
  }
}

// ---------------------------------------------------------------------------
// Transactions.

Result<std::optional<CompletedTxn>> ProducerState::ApplyMarker(
    int64_t producer_id, int16_t producer_epoch, ControlRecordType type, int32_t coordinator_epoch,
    int64_t marker_offset, int64_t timestamp_ms) {
  if (type != ControlRecordType::kAbort && type != ControlRecordType::kCommit) {
    return Status(Errc::kInvalidArgument,
                  ProducerName(producer_id, producer_epoch) + ": control record type " +
                      std::to_string(static_cast<int16_t>(type)) + " is not a transaction marker");
  }
  if (const ProducerEntry* entry = Find(producer_id); entry != nullptr) {
    if (producer_epoch < entry->producer_epoch) {
      return Status(Errc::kInvalidProducerEpoch,
                    ProducerName(producer_id, producer_epoch) + ": marker at offset " +
                        std::to_string(marker_offset) + " is older than the last seen epoch " +
                        std::to_string(entry->producer_epoch));
    }
    if (coordinator_epoch < entry->coordinator_epoch) {
      return Status(Errc::kCoordinatorFenced,
                    ProducerName(producer_id, producer_epoch) + ": marker at offset " +
                        std::to_string(marker_offset) + " from coordinator epoch " +
                        std::to_string(coordinator_epoch) + ", older than " +
                        std::to_string(entry->coordinator_epoch));
    }
  }
  return EndTxn(producer_id, producer_epoch, type, coordinator_epoch, marker_offset, timestamp_ms);
}

std::optional<CompletedTxn> ProducerState::EndTxn(int64_t producer_id, int16_t producer_epoch,
                                                  ControlRecordType type, int32_t coordinator_epoch,
                                                  int64_t marker_offset, int64_t timestamp_ms) {
  ProducerEntry& entry = producers_[producer_id];
  std::optional<CompletedTxn> completed;
  if (entry.current_txn_first_offset.has_value()) {
    const int64_t first_offset = *entry.current_txn_first_offset;
    open_txns_.erase({first_offset, producer_id});
    completed = CompletedTxn{
        .producer_id = producer_id,
        .first_offset = first_offset,
        .last_offset = marker_offset,
        .is_abort = type == ControlRecordType::kAbort,
        .last_stable_offset = FirstUnstableOffset().value_or(marker_offset + 1),
    };
  }
  if (entry.producer_epoch != producer_epoch) {
    entry.producer_epoch = producer_epoch;
    entry.batches.clear();
  }
  entry.current_txn_first_offset.reset();
  entry.coordinator_epoch = coordinator_epoch;
  entry.last_timestamp = timestamp_ms;
  return completed;
}

std::optional<int64_t> ProducerState::FirstUnstableOffset() const {
  if (open_txns_.empty()) return std::nullopt;
  return open_txns_.begin()->first;
}

Result<std::optional<CompletedTxn>> ProducerState::ReplayBatch(const RecordBatchView& batch) {
  const RecordBatchHeader& header = batch.header();
  if (!header.has_producer_id()) return std::optional<CompletedTxn>();
  if (!header.is_control()) {
    AppendBatch(header.producer_id, header);
    return std::optional<CompletedTxn>();
  }
  if (header.record_count == 0) return std::optional<CompletedTxn>();
  Result<EndTransactionMarker> marker = ReadEndTransactionMarker(batch);
  if (!marker.ok()) return marker.status();
  // The marker record's timestamp: base_timestamp plus a delta of 0, which
  // is also max_timestamp; under LogAppendTime the append time.
  const int64_t timestamp_ms = header.timestamp_type() == TimestampType::kLogAppendTime
                                   ? header.max_timestamp
                                   : header.base_timestamp;
  return EndTxn(header.producer_id, header.producer_epoch, marker->type, marker->coordinator_epoch,
                header.base_offset, timestamp_ms);
}

// ---------------------------------------------------------------------------
// Bookkeeping.

void ProducerState::ExpireProducers(int64_t now_ms, int64_t producer_id_expiration_ms) {
  std::erase_if(producers_, [&](const auto& item) {
    const ProducerEntry& entry = item.second;
    // now_ms - last_timestamp >= producer_id_expiration_ms, without
    // overflowing on a client's extreme timestamp.
    return !entry.current_txn_first_offset.has_value() &&
           entry.last_timestamp <= now_ms - producer_id_expiration_ms;
  });
}

std::vector<ProducerDescription> ProducerState::Describe() const {
  std::vector<ProducerDescription> out;
  out.reserve(producers_.size());
  for (const auto& [producer_id, entry] : producers_) {
    out.push_back(ProducerDescription{
        .producer_id = producer_id,
        .producer_epoch = entry.producer_epoch,
        .last_sequence = entry.last_sequence(),
        .last_timestamp = entry.last_timestamp,
        .coordinator_epoch = entry.coordinator_epoch,
        .current_txn_start_offset = entry.current_txn_first_offset.value_or(-1),
    });
  }
  return out;
}

const ProducerEntry* ProducerState::Find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerState::Clear() {
  producers_.clear();
  open_txns_.clear();
}

// ---------------------------------------------------------------------------
// Snapshots.

std::string ProducerState::Snapshot(int64_t next_offset) const {
  std::string out;
  wire::Encoder enc(out, 0, false);
  enc.UInt32(kSnapshotMagic);
  enc.Int16(kSnapshotVersion);
  enc.Int64(next_offset);
  assert(producers_.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  enc.Int32(static_cast<int32_t>(producers_.size()));
  for (const auto& [producer_id, entry] : producers_) {
    enc.Int64(producer_id);
    enc.Int16(entry.producer_epoch);
    enc.Int32(entry.coordinator_epoch);
    enc.Int64(entry.last_timestamp);
    enc.Int64(entry.current_txn_first_offset.value_or(-1));
    enc.Int8(static_cast<int8_t>(entry.batches.size()));
    for (const ProducerBatch& batch : entry.batches) {
      enc.Int32(batch.first_sequence);
      enc.Int32(batch.last_sequence);
      enc.Int64(batch.first_offset);
      enc.Int64(batch.last_offset);
      enc.Int64(batch.max_timestamp);
    }
  }
  enc.Int64(static_cast<int64_t>(Checksum(out)));
  return out;
}

Status ProducerState::LoadSnapshot(std::string_view snapshot) {
  Result<DecodedSnapshot> decoded = DecodeSnapshot(snapshot);
  if (!decoded.ok()) return decoded.status();
  Install(std::move(decoded->producers));
  return Status::Ok();
}

void ProducerState::Install(std::map<int64_t, ProducerEntry> producers) {
  producers_ = std::move(producers);
  open_txns_.clear();
  for (const auto& [producer_id, entry] : producers_) {
    if (entry.current_txn_first_offset.has_value()) {
      open_txns_.emplace(*entry.current_txn_first_offset, producer_id);
    }
  }
}

std::string ProducerState::SnapshotFileName(int64_t offset) {
  assert(offset >= 0);
  char digits[kOffsetDigits + 1];
  std::snprintf(digits, sizeof(digits), "%020lld", static_cast<long long>(offset));
  return std::string(digits) + std::string(kSnapshotSuffix);
}

Status ProducerState::WriteSnapshotFile(FileSystem& fs, const std::string& dir, int64_t next_offset,
                                        bool durable,
                                        const std::optional<std::string>& reuse) const {
  const std::string path = Join(dir, SnapshotFileName(next_offset));
  const std::string tmp = path + std::string(kTmpSuffix);
  if (reuse && !fs.Rename(*reuse, tmp).ok()) (void)fs.Remove(*reuse);
  {
    Result<std::unique_ptr<File>> file = fs.Open(tmp, OpenMode::kCreateOrAppend);
    if (!file.ok()) return file.status();
    // A crash may have left a partial .tmp behind.
    if (Status s = (*file)->Truncate(0); !s.ok()) return s;
    if (Status s = (*file)->Append(Snapshot(next_offset)); !s.ok()) return s;
    if (durable) {
      if (Status s = (*file)->Sync(); !s.ok()) return s;
    }
  }
  if (Status s = fs.Rename(tmp, path); !s.ok()) return s;
  return durable ? fs.SyncDir(dir) : Status::Ok();
}

Result<int64_t> ProducerState::LoadLatestSnapshot(FileSystem& fs, const std::string& dir,
                                                  int64_t log_end_offset) {
  Result<std::vector<std::string>> names = fs.List(dir);
  if (!names.ok()) return names.status();
  std::vector<std::pair<int64_t, std::string>> snapshots;
  bool removed = false;
  for (const std::string& name : *names) {
    if (IsSnapshotTmpName(name)) {
      if (Status s = fs.Remove(Join(dir, name)); !s.ok()) return s;
      removed = true;
    } else if (std::optional<int64_t> offset = ParseSnapshotName(name); offset.has_value()) {
      snapshots.emplace_back(*offset, name);
    }
  }
  std::sort(snapshots.begin(), snapshots.end());

  std::optional<int64_t> loaded;
  while (!snapshots.empty()) {
    const auto [offset, name] = snapshots.back();
    snapshots.pop_back();
    const std::string path = Join(dir, name);
    std::string reason;
    if (offset > log_end_offset) {
      reason = "above the log end offset " + std::to_string(log_end_offset);
    } else {
      std::string bytes;
      if (Status s = ReadWholeFile(fs, path, &bytes); !s.ok()) return s;
      Result<DecodedSnapshot> decoded = DecodeSnapshot(bytes);
      if (decoded.ok() && decoded->next_offset == offset) {
        Install(std::move(decoded->producers));
        loaded = offset;
        break;
      }
      reason = decoded.ok() ? "holds offset " + std::to_string(decoded->next_offset)
                            : decoded.status().ToString();
    }
    kLog.Warn("deleting producer snapshot ", path, ": ", reason);
    if (Status s = fs.Remove(path); !s.ok()) return s;
    removed = true;
  }
  if (removed) {
    if (Status s = fs.SyncDir(dir); !s.ok()) return s;
  }
  if (!loaded.has_value()) {
    Clear();
    return Status(Errc::kNotFound, "no valid producer snapshot in '" + dir + "'");
  }
  return *loaded;
}

Status ProducerState::DeleteSnapshotsBefore(FileSystem& fs, const std::string& dir, int64_t offset,
                                            size_t keep, std::vector<std::string>* kept) {
  Result<std::vector<std::string>> names = fs.List(dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    std::optional<int64_t> snapshot_offset = ParseSnapshotName(name);
    if (!snapshot_offset.has_value() || *snapshot_offset >= offset) continue;
    const std::string path = Join(dir, name);
    if (kept != nullptr && keep > 0) {
      const std::string retired = path + ".deleted";
      if (fs.Rename(path, retired).ok()) {
        kept->push_back(retired);
        --keep;
        continue;
      }
    }
    if (Status s = fs.Remove(path); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace brook::storage
