// tests/storage/log_cleaner_test.cc
//
// Compaction through PartitionLog::Compact on MemFileSystem: the latest
// record per key survives at its offset, tombstones and markers go after
// their delete horizon, aborted data goes, producers keep their last batch,
// compressed batches stay compressed, and a crash at any step of the segment
// swap recovers to a log with the same latest value per key.
#include "storage/log_cleaner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "storage/partition_log.h"
#include "tests/storage/file_system_testing.h"

namespace brook::storage {
namespace {

constexpr int64_t kT0 = 1700000000000;
constexpr char kDir[] = "compacted-0";
constexpr int64_t kDay = 24LL * 3600 * 1000;

struct Kv {
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

struct BatchSpec {
  std::vector<Kv> records;
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
  int32_t sequence = kNoSequence;
  bool transactional = false;
  Compression compression = Compression::kNone;
};

std::string Batch(const BatchSpec& spec) {
  RecordBatchHeader h;
  h.base_timestamp = kT0;
  h.producer_id = spec.producer_id;
  h.producer_epoch = spec.epoch;
  h.base_sequence = spec.sequence;
  if (spec.transactional) h.attributes |= kTransactionalAttribute;
  std::vector<Record> records;
  for (size_t i = 0; i < spec.records.size(); ++i) {
    records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = spec.records[i].key,
                             .value = spec.records[i].value});
  }
  Result<std::string> batch = BuildRecordBatch(h, spec.compression, records);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : std::string();
}

// One record as a reader sees it.
struct Seen {
  int64_t offset = 0;
  std::string key;
  std::string value;  // "<null>" for a tombstone
  int64_t timestamp = 0;
  bool operator==(const Seen&) const = default;
};

// Fails the next `fail_after`-th mutating call (and every one after it) with
// EIO, so a test can stop a compaction after any step and then crash.
class FailingFileSystem : public FileSystem {
 public:
  explicit FailingFileSystem(MemFileSystem& inner) : inner_(inner) {}

  void FailAfter(int calls) { remaining_ = calls; }
  void Heal() { remaining_ = -1; }
  Status Step() {
    if (remaining_ < 0) return Status::Ok();
    if (remaining_ == 0) return Status(std::make_error_code(std::errc::io_error), "injected");
    --remaining_;
    return Status::Ok();
  }

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    if (Status s = Step(); !s.ok()) return s;
    Result<std::unique_ptr<File>> file = inner_.Open(path, mode);
    if (!file.ok()) return file.status();
    return std::unique_ptr<File>(new FailingFile(*this, std::move(file).value()));
  }
  bool Exists(const std::string& path) const override { return inner_.Exists(path); }
  Status CreateDirs(const std::string& path) override {
    if (Status s = Step(); !s.ok()) return s;
    return inner_.CreateDirs(path);
  }
  Result<std::vector<std::string>> List(const std::string& dir) const override {
    return inner_.List(dir);
  }
  Status Remove(const std::string& path) override {
    if (Status s = Step(); !s.ok()) return s;
    return inner_.Remove(path);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (Status s = Step(); !s.ok()) return s;
    return inner_.Rename(from, to);
  }
  Status SyncDir(const std::string& dir) override {
    if (Status s = Step(); !s.ok()) return s;
    return inner_.SyncDir(dir);
  }

 private:
  class FailingFile : public File {
   public:
    FailingFile(FailingFileSystem& fs, std::unique_ptr<File> inner)
        : fs_(fs), inner_(std::move(inner)) {}
    Status Append(std::string_view data) override {
      if (Status s = fs_.Step(); !s.ok()) return s;
      return inner_->Append(data);
    }
    Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
      return inner_->ReadAt(offset, n, out);
    }
    Status WriteAt(uint64_t offset, std::string_view data) override {
      if (Status s = fs_.Step(); !s.ok()) return s;
      return inner_->WriteAt(offset, data);
    }
    uint64_t size() const override { return inner_->size(); }
    Status Sync() override {
      if (Status s = fs_.Step(); !s.ok()) return s;
      return inner_->Sync();
    }
    Status Truncate(uint64_t size) override {
      if (Status s = fs_.Step(); !s.ok()) return s;
      return inner_->Truncate(size);
    }

   private:
    FailingFileSystem& fs_;
    std::unique_ptr<File> inner_;
  };

  MemFileSystem& inner_;
  int remaining_ = -1;
};

class LogCleanerTest : public ::testing::Test {
 protected:
  LogCleanerTest() {
    config_.cleanup_policy = CleanupPolicy::kCompact;
    config_.segment_bytes = 1;  // every batch rolls: one batch per segment
    config_.min_cleanable_dirty_ratio = 0.5;
  }

  void Open(FileSystem& fs) {
    Result<std::unique_ptr<PartitionLog>> log =
        PartitionLog::Open(fs, kDir, config_, LogStart{}, [this] { return now_; });
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }
  void Open() { Open(fs_); }
  // Closes and opens the log again with `start`, as the broker does from the
  // catalog's checkpoint.
  void ReopenWith(LogStart start) {
    ASSERT_OK(log_->Close());
    log_.reset();
    Result<std::unique_ptr<PartitionLog>> log =
        PartitionLog::Open(fs_, kDir, config_, start, [this] { return now_; });
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }
  void Reopen() {
    ASSERT_OK(log_->Close());
    log_.reset();
    Open();
  }
  int64_t Append(const BatchSpec& spec) {
    Result<AppendResult> r = log_->Append(Batch(spec), /*leader_epoch=*/0);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->base_offset : -1;
  }
  int64_t Marker(int64_t producer_id, ControlRecordType type) {
    Result<AppendResult> r = log_->AppendMarker(producer_id, /*producer_epoch=*/0, type,
                                                /*coordinator_epoch=*/0, /*leader_epoch=*/0);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->base_offset : -1;
  }
  CleanStats MustCompact() {
    Result<CleanStats> r = log_->Compact();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CleanStats{};
  }

  // Every batch header from the log start to the high watermark, read as a
  // consumer would, batch by batch across segments.
  std::vector<RecordBatchHeader> Headers() {
    std::vector<RecordBatchHeader> out;
    ForEachBatch([&](const RecordBatchView& batch) { out.push_back(batch.header()); });
    return out;
  }
  // Every data record, in offset order.
  std::vector<Seen> Records() {
    std::vector<Seen> out;
    ForEachBatch([&](const RecordBatchView& batch) {
      const RecordBatchHeader& h = batch.header();
      if (h.is_control()) return;
      Result<std::vector<Record>> records = batch.DecodeRecords(1 << 20);
      ASSERT_TRUE(records.ok()) << records.status().ToString();
      for (const Record& r : *records) {
        out.push_back(Seen{.offset = h.record_offset(r.offset_delta),
                           .key = r.key.value_or("<none>"),
                           .value = r.value.value_or("<null>"),
                           .timestamp = h.record_timestamp(r.timestamp_delta)});
      }
    });
    return out;
  }
  // Key -> its latest record (what a compacted topic promises).
  std::map<std::string, Seen> Latest() {
    std::map<std::string, Seen> out;
    for (const Seen& s : Records()) out[s.key] = s;
    return out;
  }
  std::vector<int64_t> MarkerOffsets() {
    std::vector<int64_t> out;
    for (const RecordBatchHeader& h : Headers()) {
      if (h.is_control() && h.record_count > 0) out.push_back(h.base_offset);
    }
    return out;
  }
  void ForEachBatch(const std::function<void(const RecordBatchView&)>& fn) {
    int64_t offset = log_->log_start_offset();
    while (offset < log_->high_watermark()) {
      Result<ReadResult> r = log_->Read(offset, 1 << 20, IsolationLevel::kReadUncommitted);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (r->records.empty()) break;
      RecordBatchReader reader(r->records);  // checks every CRC
      for (;;) {
        Result<std::optional<RecordBatchView>> next = reader.Next();
        ASSERT_TRUE(next.ok()) << next.status().ToString();
        if (!next->has_value()) break;
        fn(**next);
        offset = (*next)->header().next_offset();
      }
    }
  }
  static std::vector<std::string> CleanerLeftovers(FileSystem& fs) {
    std::vector<std::string> out;
    Result<std::vector<std::string>> names = fs.List(kDir);
    EXPECT_TRUE(names.ok());
    for (const std::string& name : *names) {
      if (name.ends_with(".cleaned") || name.ends_with(".swap")) out.push_back(name);
    }
    return out;
  }

  MemFileSystem fs_;
  // File systems of tests that need several; declared before log_, which
  // may point into one of them, so that they outlive it.
  std::vector<std::unique_ptr<MemFileSystem>> more_fs_;
  std::vector<std::unique_ptr<FailingFileSystem>> failing_fs_;
  LogConfig config_;
  int64_t now_ = kT0;
  std::unique_ptr<PartitionLog> log_;
};

TEST_F(LogCleanerTest, LatestValuePerKeySurvivesAtItsOriginalOffset) {
  Open();
  Append({.records = {{"k1", "a"}, {"k2", "b"}}});  // 0, 1
  Append({.records = {{"k1", "c"}}});               // 2
  Append({.records = {{"k3", "d"}, {"k2", "e"}}});  // 3, 4
  Append({.records = {{"k4", "f"}}});               // 5: the active segment
  const size_t before = log_->size_bytes();

  CleanStats stats = MustCompact();
  EXPECT_EQ(stats.segments_cleaned, 3);
  EXPECT_EQ(stats.records_removed, 2);
  EXPECT_LT(stats.bytes_after, stats.bytes_before);
  EXPECT_LT(log_->size_bytes(), before);
  EXPECT_EQ(log_->log_end_offset(), 6);
  std::vector<Seen> expected = {
      {2, "k1", "c", kT0}, {3, "k3", "d", kT0}, {4, "k2", "e", kT0 + 1}, {5, "k4", "f", kT0}};
  EXPECT_EQ(Records(), expected);
  // The first batch lost every record but stays, empty, to end its segment.
  std::vector<RecordBatchHeader> headers = Headers();
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[0].record_count, 0);
  EXPECT_EQ(headers[0].last_offset(), 1);
  EXPECT_EQ(headers[2].last_offset_delta, 1);  // covers 3..4 still
  EXPECT_EQ(headers[2].record_count, 2);

  // Reads from an offset whose record is gone continue at the next one.
  Result<ReadResult> r = log_->Read(1, 1 << 20, IsolationLevel::kReadUncommitted);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->records.empty());

  Reopen();
  EXPECT_EQ(Records(), expected);
  EXPECT_TRUE(CleanerLeftovers(fs_).empty());
  // Appends go on at the same offsets.
  EXPECT_EQ(Append({.records = {{"k1", "g"}}}), 6);
}

TEST_F(LogCleanerTest, OnlyClosedSegmentsBelowTheLastStableOffsetAreCleaned) {
  Open();
  Append({.records = {{"k", "1"}}});  // 0
  Append({.records = {{"k", "2"}}});  // 1
  // An open transaction from offset 2 holds the LSO: 2 and later stay dirty.
  Append({.records = {{"k", "3"}},
          .producer_id = 5,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});    // 2
  Append({.records = {{"k", "4"}}});  // 3
  Append({.records = {{"k", "5"}}});  // 4: active

  CleanStats stats = MustCompact();
  EXPECT_EQ(stats.segments_cleaned, 2);
  std::vector<Seen> records = Records();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].offset, 1);  // the latest of k below the LSO
  EXPECT_EQ(records[1].offset, 2);
}

TEST_F(LogCleanerTest, DirtyRatioAndCompactionLagGateCleaning) {
  config_.min_compaction_lag_ms = 1000;
  Open();
  Append({.records = {{"k", "1"}}});
  Append({.records = {{"k", "2"}}});
  Append({.records = {{"k", "3"}}});
  // The records are not older than min.compaction.lag.ms yet.
  EXPECT_EQ(MustCompact().segments_cleaned, 0);
  now_ = kT0 + 2000;
  EXPECT_EQ(MustCompact().segments_cleaned, 2);
  // Nothing dirty left: not worth a pass.
  EXPECT_EQ(MustCompact().segments_cleaned, 0);

  config_.cleanup_policy = CleanupPolicy::kDelete;
  log_->set_config(config_);
  Append({.records = {{"k", "4"}}});
  Append({.records = {{"k", "5"}}});
  EXPECT_EQ(MustCompact().segments_cleaned, 0);  // not a compacted topic
}

TEST_F(LogCleanerTest, TheCheckpointedCleanerPositionSurvivesAReopen) {
  config_.delete_retention_ms = kDay;
  Open();
  Append({.records = {{"k", "1"}}});
  Append({.records = {{"k", std::nullopt}}});  // tombstone
  Append({.records = {{"j", "3"}}});           // active
  EXPECT_EQ(MustCompact().segments_cleaned, 2);
  const int64_t clean_to = log_->first_dirty_offset();
  EXPECT_EQ(clean_to, 2);
  ASSERT_TRUE(log_->next_delete_horizon_ms().has_value());
  EXPECT_EQ(*log_->next_delete_horizon_ms(), kT0 + kDay);

  // Reopened from a checkpoint: nothing is dirty, so no pass is due...
  ReopenWith(LogStart{.recovery_point = log_->recovery_point(),
                      .first_dirty_offset = clean_to,
                      .next_delete_horizon_ms = log_->next_delete_horizon_ms()});
  EXPECT_EQ(log_->first_dirty_offset(), clean_to);
  EXPECT_EQ(MustCompact().segments_cleaned, 0);
  // ...until the tombstone's horizon passes, which the reopened log remembers.
  now_ = kT0 + kDay;
  CleanStats stats = MustCompact();
  EXPECT_EQ(stats.records_removed, 1);

  // Without a checkpoint the whole log counts as dirty again.
  ReopenWith(LogStart{});
  EXPECT_EQ(log_->first_dirty_offset(), 0);
  // A position past the log's end (the log lost its tail) is not trusted.
  ReopenWith(LogStart{.first_dirty_offset = 1000});
  EXPECT_EQ(log_->first_dirty_offset(), 0);
}

TEST_F(LogCleanerTest, DirtyDataOlderThanMaxCompactionLagIsCleanedWhateverTheRatio) {
  config_.min_cleanable_dirty_ratio = 0.99;
  Open();
  for (const char* key : {"a", "b", "c", "d"}) Append({.records = {{key, "1"}}});
  EXPECT_EQ(MustCompact().segments_cleaned, 3);  // all dirty: ratio 1
  Append({.records = {{"e", "1"}}});             // "d" is now closed, and dirty
  now_ = kT0 + 5000;
  EXPECT_EQ(MustCompact().segments_cleaned, 0);  // 1 dirty of 4: under the ratio

  config_.max_compaction_lag_ms = 5001;
  log_->set_config(config_);
  EXPECT_EQ(MustCompact().segments_cleaned, 0);  // "d" (written at kT0) is 5000 ms old
  now_ = kT0 + 5001;
  EXPECT_GT(MustCompact().segments_cleaned, 0);
  EXPECT_EQ(log_->first_dirty_offset(), 4);
}

TEST_F(LogCleanerTest, CompactedActiveSegmentRollsByMaxCompactionLag) {
  config_.segment_bytes = 1 << 20;
  config_.max_compaction_lag_ms = 1000;
  Open();
  Append({.records = {{"k", "1"}}});
  now_ = kT0 + 999;
  ASSERT_TRUE(log_->ApplyRetention().ok());
  EXPECT_EQ(log_->segment_count(), 1u);
  now_ = kT0 + 1000;
  ASSERT_TRUE(log_->ApplyRetention().ok());
  EXPECT_EQ(log_->segment_count(), 2u);  // rolled, so the cleaner can reach it

  config_.cleanup_policy = CleanupPolicy::kDelete;  // segment.ms alone decides
  log_->set_config(config_);
  Append({.records = {{"k", "2"}}});
  now_ = kT0 + 5000;
  ASSERT_TRUE(log_->ApplyRetention().ok());
  EXPECT_EQ(log_->segment_count(), 2u);
}

TEST_F(LogCleanerTest, TombstonesStayUntilTheDeleteHorizonThenGo) {
  config_.delete_retention_ms = kDay;
  Open();
  Append({.records = {{"k1", "a"}, {"k2", "b"}}});  // 0, 1
  Append({.records = {{"k1", std::nullopt}}});      // 2: tombstone
  Append({.records = {{"k3", "c"}}});               // 3: active

  MustCompact();
  std::vector<Seen> expected = {
      {1, "k2", "b", kT0 + 1}, {2, "k1", "<null>", kT0}, {3, "k3", "c", kT0}};
  EXPECT_EQ(Records(), expected);
  std::vector<RecordBatchHeader> headers = Headers();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_FALSE(headers[0].has_delete_horizon());
  EXPECT_EQ(headers[1].delete_horizon_ms(), kT0 + kDay);

  now_ = kT0 + kDay - 1;
  MustCompact();  // the horizon has not passed: still there
  EXPECT_EQ(Records(), expected);

  now_ = kT0 + kDay;
  CleanStats stats = MustCompact();
  EXPECT_EQ(stats.records_removed, 1);
  expected.erase(expected.begin() + 1);
  EXPECT_EQ(Records(), expected);
  EXPECT_EQ(log_->log_end_offset(), 4);
}

TEST_F(LogCleanerTest, AbortedDataGoesAndDoesNotShadowCommittedValues) {
  Open();
  Append({.records = {{"k1", "old"}}});  // 0
  Append({.records = {{"k1", "aborted"}},
          .producer_id = 7,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});       // 1
  Marker(7, ControlRecordType::kAbort);  // 2
  Append({.records = {{"k2", "committed"}},
          .producer_id = 7,
          .epoch = 0,
          .sequence = 1,
          .transactional = true});        // 3
  Marker(7, ControlRecordType::kCommit);  // 4
  Append({.records = {{"k3", "x"}}});     // 5: active
  Result<ReadResult> before = log_->Read(1, 1 << 20, IsolationLevel::kReadCommitted);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->aborted.size(), 1u);

  MustCompact();
  std::vector<Seen> records = Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], (Seen{0, "k1", "old", kT0}));
  EXPECT_EQ(records[1], (Seen{3, "k2", "committed", kT0}));
  // Both markers stay for now; the aborted transaction's index entry goes
  // with its data, so read_committed fetches no longer report it.
  EXPECT_EQ(MarkerOffsets(), (std::vector<int64_t>{2, 4}));
  Result<ReadResult> after = log_->Read(1, 1 << 20, IsolationLevel::kReadCommitted);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->aborted.empty());
}

TEST_F(LogCleanerTest, MarkersStayWhileTheirTransactionHasDataThenGoAfterTheHorizon) {
  config_.delete_retention_ms = kDay;
  Open();
  Append({.records = {{"k1", "a"}},
          .producer_id = 7,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});        // 0
  Marker(7, ControlRecordType::kCommit);  // 1
  Append({.records = {{"k1", "b"}},
          .producer_id = 7,
          .epoch = 0,
          .sequence = 1,
          .transactional = true});        // 2
  Marker(7, ControlRecordType::kCommit);  // 3
  Append({.records = {{"k2", "x"}}});     // 4: active

  MustCompact();
  EXPECT_EQ(MarkerOffsets(), (std::vector<int64_t>{1, 3}));
  std::vector<RecordBatchHeader> headers = Headers();
  ASSERT_GE(headers.size(), 2u);
  EXPECT_EQ(headers[1].base_offset, 1);
  EXPECT_EQ(headers[1].delete_horizon_ms(), kT0 + kDay);  // its transaction is empty

  now_ = kT0 + kDay;
  MustCompact();
  EXPECT_EQ(MarkerOffsets(), (std::vector<int64_t>{3}));  // k1=b still needs its commit
  std::vector<Seen> records = Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (Seen{2, "k1", "b", kT0}));

  // A restart replays the cleaned log into the same producer state.
  Reopen();
  EXPECT_EQ(log_->last_stable_offset(), log_->high_watermark());
  EXPECT_EQ(MarkerOffsets(), (std::vector<int64_t>{3}));
}

TEST_F(LogCleanerTest, LastBatchOfEachProducerIsKeptEmptySoItsSequenceSurvives) {
  Open();
  Append({.records = {{"k1", "a"}}, .producer_id = 9, .epoch = 0, .sequence = 0});  // 0
  Append({.records = {{"k1", "b"}}});                                               // 1
  Append({.records = {{"k2", "c"}}});                                               // 2

  MustCompact();
  std::vector<RecordBatchHeader> headers = Headers();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].base_offset, 0);
  EXPECT_EQ(headers[0].record_count, 0);
  EXPECT_EQ(headers[0].producer_id, 9);
  EXPECT_EQ(headers[0].base_sequence, 0);

  // Rebuild producer state from the log alone: no snapshots.
  ASSERT_OK(log_->Close());
  log_.reset();
  Result<std::vector<std::string>> names = fs_.List(kDir);
  ASSERT_TRUE(names.ok());
  for (const std::string& name : *names) {
    if (name.ends_with(".snapshot")) ASSERT_OK(fs_.Remove(std::string(kDir) + "/" + name));
  }
  Open();
  std::vector<ProducerDescription> producers = log_->DescribeProducers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(producers[0].producer_id, 9);
  EXPECT_EQ(producers[0].last_sequence, 0);
  Result<AppendResult> gap = log_->Append(
      Batch({.records = {{"k", "v"}}, .producer_id = 9, .epoch = 0, .sequence = 5}), 0);
  EXPECT_EQ(gap.status().code(), Errc::kOutOfOrderSequence);
  EXPECT_EQ(Append({.records = {{"k", "v"}}, .producer_id = 9, .epoch = 0, .sequence = 1}), 3);
}

TEST_F(LogCleanerTest, KeylessRecordsAreRejectedInCompactedTopics) {
  Open();
  Result<AppendResult> r = log_->Append(Batch({.records = {{"k", "v"}, {std::nullopt, "v"}}}), 0);
  EXPECT_EQ(r.status().code(), Errc::kInvalidRecord);
  EXPECT_EQ(log_->log_end_offset(), 0);

  config_.cleanup_policy = CleanupPolicy::kCompactDelete;
  log_->set_config(config_);
  r = log_->Append(Batch({.records = {{std::nullopt, "v"}}}), 0);
  EXPECT_EQ(r.status().code(), Errc::kInvalidRecord);

  config_.cleanup_policy = CleanupPolicy::kDelete;
  log_->set_config(config_);
  EXPECT_EQ(Append({.records = {{std::nullopt, "v"}}}), 0);
}

TEST_F(LogCleanerTest, CompressedBatchesAreRecompressedWithTheirCodec) {
  Open();
  for (Compression codec : {Compression::kGzip, Compression::kLz4, Compression::kZstd}) {
    Append({.records = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}, .compression = codec});
  }
  Append({.records = {{"a", "5"}, {"c", "6"}}, .compression = Compression::kSnappy});  // 12, 13
  Append({.records = {{"z", "active"}}});                                              // 14

  MustCompact();
  std::vector<RecordBatchHeader> headers = Headers();
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers[0].record_count, 0);  // the end keeper of the first segment
  EXPECT_EQ(headers[1].record_count, 0);
  EXPECT_EQ(headers[2].compression(), Compression::kZstd);
  EXPECT_EQ(headers[2].record_count, 2);  // b and d
  EXPECT_EQ(headers[2].last_offset_delta, 3);
  EXPECT_EQ(headers[3].compression(), Compression::kSnappy);
  std::map<std::string, Seen> latest = Latest();
  ASSERT_EQ(latest.size(), 5u);
  EXPECT_EQ(latest["a"].offset, 12);
  EXPECT_EQ(latest["b"].offset, 9);
  EXPECT_EQ(latest["c"].offset, 13);
  EXPECT_EQ(latest["d"].offset, 11);
}

TEST_F(LogCleanerTest, FailedSwapLeavesTheLogServingAndALaterCleanFinishes) {
  Open();
  Append({.records = {{"k", "1"}}});
  Append({.records = {{"k", "2"}}});
  Append({.records = {{"k", "3"}}});
  std::map<std::string, Seen> latest = Latest();
  fs_.FailNext(MemFileSystem::Op::kRename, std::make_error_code(std::errc::io_error));
  EXPECT_FALSE(log_->Compact().ok());
  EXPECT_EQ(Latest(), latest);
  EXPECT_EQ(Records().size(), 3u);
  EXPECT_EQ(MustCompact().segments_cleaned, 2);
  EXPECT_EQ(Records().size(), 2u);  // k=2 (the latest below the active segment) and k=3
  EXPECT_EQ(Latest(), latest);
  EXPECT_TRUE(CleanerLeftovers(fs_).empty());
}

TEST_F(LogCleanerTest, CrashAtEveryStepOfACleanRecoversTheSameLatestValues) {
  auto fill = [&] {
    Append({.records = {{"k1", "a"}, {"k2", "b"}}});
    Append({.records = {{"kx", std::nullopt}},
            .producer_id = 3,
            .epoch = 0,
            .sequence = 0,
            .transactional = true});
    Marker(3, ControlRecordType::kAbort);
    Append({.records = {{"k2", "c"}, {"k3", "d"}}, .compression = Compression::kLz4});
    Append({.records = {{"k3", "e"}}});
    Append({.records = {{"k4", "f"}}});  // active
  };
  // What read_committed consumers see: no aborted data.
  auto committed_latest = [&] {
    std::map<std::string, Seen> latest = Latest();
    latest.erase("kx");
    return latest;
  };
  // The reference: the log before and after a clean without faults.
  Open();
  fill();
  ASSERT_OK(log_->Flush());
  const std::map<std::string, Seen> latest = committed_latest();
  const std::vector<Seen> uncleaned = Records();
  MustCompact();
  const std::vector<Seen> cleaned = Records();
  ASSERT_LT(cleaned.size(), uncleaned.size());
  ASSERT_OK(log_->Close());
  log_.reset();

  int steps = 0;
  for (;; ++steps) {
    SCOPED_TRACE("failing after " + std::to_string(steps) + " steps");
    MemFileSystem& mem = *more_fs_.emplace_back(std::make_unique<MemFileSystem>());
    FailingFileSystem& failing =
        *failing_fs_.emplace_back(std::make_unique<FailingFileSystem>(mem));
    Open(failing);
    fill();
    ASSERT_OK(log_->Flush());
    failing.FailAfter(steps);
    const bool finished = log_->Compact().ok();
    failing.Heal();
    mem.SimulateCrash();
    log_.reset();
    Open(failing);
    EXPECT_EQ(committed_latest(), latest);
    std::vector<Seen> records = Records();
    if (finished) {
      EXPECT_EQ(records, cleaned);
    } else {
      // Each segment is either as it was or cleaned.
      for (const Seen& s : cleaned) {
        EXPECT_NE(std::find(records.begin(), records.end(), s), records.end());
      }
      for (const Seen& s : records) {
        EXPECT_NE(std::find(uncleaned.begin(), uncleaned.end(), s), uncleaned.end());
      }
    }
    EXPECT_EQ(log_->log_end_offset(), 8);
    EXPECT_TRUE(CleanerLeftovers(mem).empty());
    // The interrupted clean finishes on the next pass.
    MustCompact();
    EXPECT_EQ(Records(), cleaned);
    ASSERT_OK(log_->Close());
    log_.reset();
    if (finished || HasFailure()) break;
  }
  EXPECT_GT(steps, 20);
}

}  // namespace
}  // namespace brook::storage
