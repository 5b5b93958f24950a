// tests/storage/producer_state_test.cc
#include "storage/producer_state.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/record.h"
#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "tests/storage/file_system_testing.h"

namespace brook::storage {
namespace {

constexpr int64_t kPid = 1000;
constexpr int32_t kMaxSequence = std::numeric_limits<int32_t>::max();

enum class Txn { kNo, kYes };

RecordBatchHeader DataHeader(int64_t producer_id, int16_t epoch, int32_t base_sequence,
                             int32_t records, int64_t base_offset, Txn txn, int64_t timestamp) {
  RecordBatchHeader h;
  h.base_offset = base_offset;
  h.attributes = txn == Txn::kYes ? kTransactionalAttribute : 0;
  h.last_offset_delta = records - 1;
  h.base_timestamp = timestamp;
  h.max_timestamp = timestamp;
  h.producer_id = producer_id;
  h.producer_epoch = epoch;
  h.base_sequence = base_sequence;
  h.record_count = records;
  return h;
}

// The batch bytes a log would hold for `h` (records with timestamp delta 0,
// so that the built max_timestamp is h.max_timestamp).
std::string DataBytes(const RecordBatchHeader& h) {
  std::vector<Record> records;
  for (int32_t i = 0; i < h.record_count; ++i) {
    records.push_back(Record{.offset_delta = i, .value = "v" + std::to_string(i)});
  }
  Result<std::string> bytes = BuildRecordBatch(h, Compression::kNone, records);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// A partition log reduced to what producer state sees: appends go through
// Check then Update with the offsets the log assigns, markers through
// ApplyMarker; the bytes of everything appended are kept for replay.
class FakeLog {
 public:
  Result<AppendCheck> Produce(int64_t producer_id, int16_t epoch, int32_t base_sequence,
                              int32_t records = 1, Txn txn = Txn::kNo, int64_t timestamp = 1000) {
    RecordBatchHeader h =
        DataHeader(producer_id, epoch, base_sequence, records, next_offset, txn, timestamp);
    Result<AppendCheck> check = state.Check(h);
    if (check.ok() && check->outcome == AppendCheck::kAppend) {
      state.Update(h);
      batches.push_back(DataBytes(h));
      next_offset += records;
    }
    return check;
  }

  Result<std::optional<CompletedTxn>> Marker(int64_t producer_id, int16_t epoch,
                                             ControlRecordType type, int32_t coordinator_epoch,
                                             int64_t timestamp = 2000) {
    Result<std::optional<CompletedTxn>> done =
        state.ApplyMarker(producer_id, epoch, type, coordinator_epoch, next_offset, timestamp);
    if (done.ok()) {
      batches.push_back(
          BuildEndTransactionBatch({.base_offset = next_offset,
                                    .producer_id = producer_id,
                                    .producer_epoch = epoch,
                                    .timestamp_ms = timestamp},
                                   {.type = type, .coordinator_epoch = coordinator_epoch}));
      ++next_offset;
      if (done->has_value()) completed.push_back(**done);
    }
    return done;
  }

  ProducerState state;
  int64_t next_offset = 0;
  std::vector<std::string> batches;
  std::vector<CompletedTxn> completed;
};

#define ASSERT_APPENDS(expr)                                                    \
  do {                                                                          \
    const Result<AppendCheck> check_ = (expr);                                  \
    ASSERT_TRUE(check_.ok()) << check_.status().ToString();                     \
    ASSERT_EQ(check_->outcome, AppendCheck::kAppend) << "unexpected duplicate"; \
  } while (0)

#define EXPECT_REJECTED(expr, errc)                                          \
  do {                                                                       \
    const Result<AppendCheck> check_ = (expr);                               \
    ASSERT_FALSE(check_.ok()) << "accepted";                                 \
    EXPECT_EQ(check_.status().code(), (errc)) << check_.status().ToString(); \
  } while (0)

// ---------------------------------------------------------------------------
// Idempotence.

TEST(ProducerStateTest, BatchesWithoutAProducerIdSkipEveryCheck) {
  ProducerState state;
  RecordBatchHeader h;  // no producer id, no sequence
  h.record_count = 1;
  Result<AppendCheck> check = state.Check(h);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->outcome, AppendCheck::kAppend);
  state.Update(h);
  EXPECT_EQ(state.producer_count(), 0u);
}

TEST(ProducerStateTest, ConsecutiveSequencesAreAccepted) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 3));
  ASSERT_APPENDS(log.Produce(kPid, 0, 3, 2));
  ASSERT_APPENDS(log.Produce(kPid, 0, 5, 1));
  const ProducerEntry* entry = log.state.Find(kPid);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->last_sequence(), 5);
  EXPECT_EQ(entry->batches.back(), (ProducerBatch{.first_sequence = 5,
                                                  .last_sequence = 5,
                                                  .first_offset = 5,
                                                  .last_offset = 5,
                                                  .max_timestamp = 1000}));
}

TEST(ProducerStateTest, AnUnknownProducerMayStartAtAnySequence) {
  // KIP-360: its state may have been removed by retention; Kafka accepts.
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 3, 42, 2));
  ASSERT_APPENDS(log.Produce(kPid, 3, 44));
  EXPECT_REJECTED(log.Produce(kPid, 3, 46), Errc::kOutOfOrderSequence);
}

TEST(ProducerStateTest, EachOfTheLastFiveBatchesIsADuplicateWithItsOriginalOffsets) {
  FakeLog log;
  for (int i = 0; i < 6; ++i) {
    ASSERT_APPENDS(log.Produce(kPid, 0, 2 * i, 2, Txn::kNo, /*timestamp=*/100 + i));
  }
  const int64_t end = log.next_offset;
  for (int i = 1; i < 6; ++i) {
    Result<AppendCheck> check = log.Produce(kPid, 0, 2 * i, 2, Txn::kNo, /*timestamp=*/999);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    ASSERT_EQ(check->outcome, AppendCheck::kDuplicate) << "batch " << i;
    EXPECT_EQ(check->original.first_offset, 2 * i);
    EXPECT_EQ(check->original.last_offset, 2 * i + 1);
    EXPECT_EQ(check->original.max_timestamp, 100 + i);
    EXPECT_EQ(check->original.first_sequence, 2 * i);
    EXPECT_EQ(check->original.last_sequence, 2 * i + 1);
  }
  EXPECT_EQ(log.next_offset, end);  // nothing appended
  EXPECT_EQ(log.state.Find(kPid)->last_sequence(), 11);
}

TEST(ProducerStateTest, TheSixthNewestBatchIsNoLongerADuplicateButOutOfOrder) {
  FakeLog log;
  for (int i = 0; i < 6; ++i) ASSERT_APPENDS(log.Produce(kPid, 0, 2 * i, 2));
  EXPECT_REJECTED(log.Produce(kPid, 0, 0, 2), Errc::kOutOfOrderSequence);
  EXPECT_EQ(log.state.Find(kPid)->batches.size(), kProducerBatchesToRetain);
}

TEST(ProducerStateTest, ADuplicateMustMatchBothEndsOfTheSequenceRange) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 3));
  ASSERT_APPENDS(log.Produce(kPid, 0, 3, 3));
  EXPECT_REJECTED(log.Produce(kPid, 0, 3, 2), Errc::kOutOfOrderSequence);
  EXPECT_REJECTED(log.Produce(kPid, 0, 0, 6), Errc::kOutOfOrderSequence);
}

TEST(ProducerStateTest, AGapOrARepeatIsOutOfOrderAndChangesNothing) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 2));
  EXPECT_REJECTED(log.Produce(kPid, 0, 3), Errc::kOutOfOrderSequence);
  EXPECT_REJECTED(log.Produce(kPid, 0, 1), Errc::kOutOfOrderSequence);
  EXPECT_REJECTED(log.Produce(kPid, 0, 100), Errc::kOutOfOrderSequence);
  EXPECT_EQ(log.next_offset, 2);
  ASSERT_APPENDS(log.Produce(kPid, 0, 2));
}

TEST(ProducerStateTest, SequencesWrapFromInt32MaxToZero) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, kMaxSequence - 1, 2));  // ends at INT32_MAX
  EXPECT_EQ(log.state.Find(kPid)->last_sequence(), kMaxSequence);
  EXPECT_REJECTED(log.Produce(kPid, 0, 1), Errc::kOutOfOrderSequence);
  ASSERT_APPENDS(log.Produce(kPid, 0, 0));
  // A batch that wraps inside: INT32_MAX, 0, 1.
  FakeLog wrapped;
  ASSERT_APPENDS(wrapped.Produce(kPid, 0, kMaxSequence - 2, 2));
  ASSERT_APPENDS(wrapped.Produce(kPid, 0, kMaxSequence, 3));
  EXPECT_EQ(wrapped.state.Find(kPid)->last_sequence(), 1);
  Result<AppendCheck> dup = wrapped.Produce(kPid, 0, kMaxSequence, 3);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->outcome, AppendCheck::kDuplicate);
  ASSERT_APPENDS(wrapped.Produce(kPid, 0, 2));
}

TEST(ProducerStateTest, ANewEpochStartingAtSequenceZeroIsAccepted) {
  FakeLog log;
  for (int i = 0; i < 3; ++i) ASSERT_APPENDS(log.Produce(kPid, 0, i));
  ASSERT_APPENDS(log.Produce(kPid, 1, 0));
  const ProducerEntry* entry = log.state.Find(kPid);
  EXPECT_EQ(entry->producer_epoch, 1);
  EXPECT_EQ(entry->batches.size(), 1u);  // the old epoch's batches are forgotten
  ASSERT_APPENDS(log.Produce(kPid, 1, 1));
}

TEST(ProducerStateTest, ANewEpochStartingAtANonZeroSequenceIsOutOfOrder) {
  FakeLog log;
  for (int i = 0; i < 5; ++i) ASSERT_APPENDS(log.Produce(kPid, 0, i));
  EXPECT_REJECTED(log.Produce(kPid, 1, 5), Errc::kOutOfOrderSequence);
  EXPECT_EQ(log.state.Find(kPid)->producer_epoch, 0);
}

TEST(ProducerStateTest, AnOlderEpochIsRejectedEvenForARetry) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0));
  ASSERT_APPENDS(log.Produce(kPid, 1, 0));
  EXPECT_REJECTED(log.Produce(kPid, 0, 1), Errc::kInvalidProducerEpoch);
  EXPECT_REJECTED(log.Produce(kPid, 0, 0), Errc::kInvalidProducerEpoch);
}

TEST(ProducerStateTest, CoordinatorBatchesSkipSequenceChecksButNotTheEpoch) {
  ProducerState state;
  RecordBatchHeader h = DataHeader(kPid, 2, kNoSequence, 2, 0, Txn::kYes, 1000);
  ASSERT_APPENDS(state.Check(h, AppendOrigin::kCoordinator));
  state.Update(h);
  EXPECT_EQ(state.FirstUnstableOffset(), 0);
  // The same unsequenced batch again is appended, not a duplicate.
  h.base_offset = 2;
  ASSERT_APPENDS(state.Check(h, AppendOrigin::kCoordinator));
  // A client batch of the same producer is still checked against the sequence.
  RecordBatchHeader gap = DataHeader(kPid, 3, 5, 1, 4, Txn::kYes, 1000);
  EXPECT_REJECTED(state.Check(gap), Errc::kOutOfOrderSequence);
  ASSERT_APPENDS(state.Check(gap, AppendOrigin::kCoordinator));
  EXPECT_REJECTED(state.Check(DataHeader(kPid, 1, kNoSequence, 1, 4, Txn::kYes, 1000),
                              AppendOrigin::kCoordinator),
                  Errc::kInvalidProducerEpoch);
  EXPECT_REJECTED(state.Check(DataHeader(kPid, 2, kNoSequence, 1, 4, Txn::kNo, 1000),
                              AppendOrigin::kCoordinator),
                  Errc::kInvalidTxnState);
}

TEST(ProducerStateTest, ProducersAreIndependent) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_APPENDS(log.Produce(2, 0, 0));
  ASSERT_APPENDS(log.Produce(1, 0, 1));
  EXPECT_REJECTED(log.Produce(2, 0, 2), Errc::kOutOfOrderSequence);
}

TEST(ProducerStateTest, AControlBatchIsNotCheckedAsData) {
  ProducerState state;
  RecordBatchHeader h = DataHeader(kPid, 0, -1, 1, 0, Txn::kYes, 0);
  h.attributes |= kControlAttribute;
  EXPECT_EQ(state.Check(h).status().code(), Errc::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Transactions.

TEST(ProducerStateTest, ATransactionalBatchOpensATransactionThatACommitEnds) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 2));  // offsets 0-1, not transactional
  EXPECT_EQ(log.state.FirstUnstableOffset(), std::nullopt);
  ASSERT_APPENDS(log.Produce(kPid, 0, 2, 3, Txn::kYes));  // 2-4 opens the transaction
  EXPECT_EQ(log.state.FirstUnstableOffset(), 2);
  ASSERT_APPENDS(log.Produce(kPid, 0, 5, 1, Txn::kYes));  // 5
  EXPECT_EQ(log.state.FirstUnstableOffset(), 2);
  EXPECT_EQ(log.state.Find(kPid)->current_txn_first_offset, 2);

  Result<std::optional<CompletedTxn>> done =
      log.Marker(kPid, 0, ControlRecordType::kCommit, /*coordinator_epoch=*/3);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ(**done, (CompletedTxn{.producer_id = kPid,
                                  .first_offset = 2,
                                  .last_offset = 6,
                                  .is_abort = false,
                                  .last_stable_offset = 7}));
  EXPECT_EQ(log.state.FirstUnstableOffset(), std::nullopt);
  const ProducerEntry* entry = log.state.Find(kPid);
  EXPECT_EQ(entry->current_txn_first_offset, std::nullopt);
  EXPECT_EQ(entry->coordinator_epoch, 3);
  EXPECT_EQ(entry->last_timestamp, 2000);
  // The sequence carries on after the marker.
  ASSERT_APPENDS(log.Produce(kPid, 0, 6));
}

TEST(ProducerStateTest, AnAbortReportsTheStableOffsetOfTheOldestOtherOpenTransaction) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0, 2, Txn::kYes));  // 0-1
  ASSERT_APPENDS(log.Produce(2, 0, 0, 2, Txn::kYes));  // 2-3
  ASSERT_APPENDS(log.Produce(3, 0, 0, 1, Txn::kYes));  // 4
  EXPECT_EQ(log.state.FirstUnstableOffset(), 0);

  Result<std::optional<CompletedTxn>> done = log.Marker(1, 0, ControlRecordType::kAbort, 0);
  ASSERT_TRUE(done.ok() && done->has_value()) << done.status().ToString();
  EXPECT_EQ(**done, (CompletedTxn{.producer_id = 1,
                                  .first_offset = 0,
                                  .last_offset = 5,
                                  .is_abort = true,
                                  .last_stable_offset = 2}));
  EXPECT_EQ(log.state.FirstUnstableOffset(), 2);

  done = log.Marker(3, 0, ControlRecordType::kCommit, 0);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->last_stable_offset, 2);
  EXPECT_EQ(log.state.FirstUnstableOffset(), 2);

  done = log.Marker(2, 0, ControlRecordType::kAbort, 0);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->last_offset, 7);
  EXPECT_EQ((*done)->last_stable_offset, 8);
  EXPECT_EQ(log.state.FirstUnstableOffset(), std::nullopt);
}

TEST(ProducerStateTest, ANonTransactionalBatchInsideATransactionIsInvalidTxnState) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 1, Txn::kYes));
  EXPECT_REJECTED(log.Produce(kPid, 0, 1, 1, Txn::kNo), Errc::kInvalidTxnState);
  EXPECT_EQ(log.state.FirstUnstableOffset(), 0);
  ASSERT_APPENDS(log.Produce(kPid, 0, 1, 1, Txn::kYes));
}

TEST(ProducerStateTest, AMarkerFromAStaleCoordinatorEpochIsFencedAndChangesNothing) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 1, Txn::kYes));
  ASSERT_TRUE(log.Marker(kPid, 0, ControlRecordType::kCommit, 5).ok());
  ASSERT_APPENDS(log.Produce(kPid, 0, 1, 1, Txn::kYes));  // offset 2

  Result<std::optional<CompletedTxn>> stale = log.Marker(kPid, 0, ControlRecordType::kAbort, 4);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Errc::kCoordinatorFenced);
  EXPECT_EQ(log.state.FirstUnstableOffset(), 2);
  EXPECT_EQ(log.state.Find(kPid)->coordinator_epoch, 5);

  Result<std::optional<CompletedTxn>> same = log.Marker(kPid, 0, ControlRecordType::kAbort, 5);
  ASSERT_TRUE(same.ok() && same->has_value()) << same.status().ToString();
  EXPECT_EQ((*same)->first_offset, 2);
}

TEST(ProducerStateTest, AMarkerWithAnOlderProducerEpochIsRejected) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 2, 0, 1, Txn::kYes));
  Result<std::optional<CompletedTxn>> old = log.Marker(kPid, 1, ControlRecordType::kAbort, 0);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), Errc::kInvalidProducerEpoch);
  EXPECT_EQ(log.state.FirstUnstableOffset(), 0);
}

TEST(ProducerStateTest, AMarkerWithoutAnOpenTransactionCompletesNothingButTakesItsEpoch) {
  FakeLog log;
  for (int i = 0; i < 3; ++i) ASSERT_APPENDS(log.Produce(kPid, 0, i));
  Result<std::optional<CompletedTxn>> done =
      log.Marker(kPid, 1, ControlRecordType::kAbort, 7, /*timestamp=*/4242);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->has_value());
  const ProducerEntry* entry = log.state.Find(kPid);
  EXPECT_EQ(entry->producer_epoch, 1);
  EXPECT_TRUE(entry->batches.empty());
  EXPECT_EQ(entry->coordinator_epoch, 7);
  EXPECT_EQ(entry->last_timestamp, 4242);
  // The epoch is now current, with no sequence yet: it must start at 0.
  EXPECT_REJECTED(log.Produce(kPid, 1, 3), Errc::kOutOfOrderSequence);
  EXPECT_REJECTED(log.Produce(kPid, 0, 3), Errc::kInvalidProducerEpoch);
  ASSERT_APPENDS(log.Produce(kPid, 1, 0));
}

TEST(ProducerStateTest, AMarkerForAnUnknownProducerIsAccepted) {
  FakeLog log;
  Result<std::optional<CompletedTxn>> done = log.Marker(kPid, 4, ControlRecordType::kCommit, 1);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->has_value());
  ASSERT_NE(log.state.Find(kPid), nullptr);
  EXPECT_EQ(log.state.Find(kPid)->producer_epoch, 4);
}

TEST(ProducerStateTest, AMarkerOfAnotherControlTypeIsInvalid) {
  ProducerState state;
  Result<std::optional<CompletedTxn>> done =
      state.ApplyMarker(kPid, 0, ControlRecordType::kLeaderChange, 0, 10, 0);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(state.producer_count(), 0u);
}

// ---------------------------------------------------------------------------
// Expiration and describe.

TEST(ProducerStateTest, ExpirationKeepsProducersWithOpenTransactions) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0, 1, Txn::kNo, /*timestamp=*/1000));   // idle 5000: expires
  ASSERT_APPENDS(log.Produce(2, 0, 0, 1, Txn::kYes, /*timestamp=*/1000));  // open transaction
  ASSERT_APPENDS(log.Produce(3, 0, 0, 1, Txn::kNo, /*timestamp=*/1001));   // idle 4999
  ASSERT_APPENDS(log.Produce(4, 0, 0, 1, Txn::kYes, /*timestamp=*/10));
  ASSERT_TRUE(log.Marker(4, 0, ControlRecordType::kCommit, 0, /*timestamp=*/5500).ok());

  log.state.ExpireProducers(/*now_ms=*/6000, /*producer_id_expiration_ms=*/5000);
  EXPECT_EQ(log.state.Find(1), nullptr);
  EXPECT_NE(log.state.Find(2), nullptr);
  EXPECT_NE(log.state.Find(3), nullptr);
  EXPECT_NE(log.state.Find(4), nullptr);  // the marker's timestamp counts
  EXPECT_EQ(log.state.FirstUnstableOffset(), 1);

  log.state.ExpireProducers(/*now_ms=*/1'000'000, /*producer_id_expiration_ms=*/5000);
  EXPECT_EQ(log.state.producer_count(), 1u);
  EXPECT_NE(log.state.Find(2), nullptr);
  // An expired producer is unknown again: any sequence is accepted.
  ASSERT_APPENDS(log.Produce(1, 0, 77));
}

TEST(ProducerStateTest, DescribeListsEveryProducerById) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(9, 2, 0, 3, Txn::kYes, 500));  // 0-2
  ASSERT_APPENDS(log.Produce(5, 0, 0, 1, Txn::kNo, 600));   // 3
  ASSERT_TRUE(log.Marker(5, 1, ControlRecordType::kCommit, 8, 700).ok());
  EXPECT_EQ(log.state.Describe(), (std::vector<ProducerDescription>{
                                      {.producer_id = 5,
                                       .producer_epoch = 1,
                                       .last_sequence = -1,
                                       .last_timestamp = 700,
                                       .coordinator_epoch = 8,
                                       .current_txn_start_offset = -1},
                                      {.producer_id = 9,
                                       .producer_epoch = 2,
                                       .last_sequence = 2,
                                       .last_timestamp = 500,
                                       .coordinator_epoch = -1,
                                       .current_txn_start_offset = 0},
                                  }));
}

// ---------------------------------------------------------------------------
// Replay and snapshots.

// A seeded mix of everything a log sees: several producers, retries,
// rejected batches, epoch bumps, transactions and markers.
FakeLog RandomWorkload(uint32_t seed, int steps) {
  std::mt19937 rng(seed);
  FakeLog log;
  struct Producer {
    int16_t epoch = 0;
    int32_t next_sequence = 0;
    int32_t last_count = 0;
    bool in_txn = false;
  };
  std::vector<Producer> producers(5);
  for (int step = 0; step < steps; ++step) {
    const int64_t pid = static_cast<int64_t>(rng() % producers.size());
    Producer& p = producers[static_cast<size_t>(pid)];
    const bool transactional = pid >= 2;  // producers 2-4 use transactions
    const int64_t timestamp = 1000 + step;
    switch (rng() % 8) {
      case 0:  // retry of the last batch (a duplicate, if there was one)
        if (p.last_count > 0) {
          (void)log.Produce(pid, p.epoch, p.next_sequence - p.last_count, p.last_count,
                            p.in_txn ? Txn::kYes : Txn::kNo, timestamp);
        }
        break;
      case 1:  // out of order: rejected
        (void)log.Produce(pid, p.epoch, p.next_sequence + 3, 1, Txn::kNo, timestamp);
        break;
      case 2:  // epoch bump
        if (!p.in_txn) {
          ++p.epoch;
          p.next_sequence = 0;
          p.last_count = 0;
        }
        break;
      case 3:  // end the transaction (or a marker with none open)
        if (transactional) {
          const ControlRecordType type =
              rng() % 2 == 0 ? ControlRecordType::kAbort : ControlRecordType::kCommit;
          if (log.Marker(pid, p.epoch, type, /*coordinator_epoch=*/1, timestamp).ok()) {
            p.in_txn = false;
          }
        }
        break;
      default: {
        const int32_t count = 1 + static_cast<int32_t>(rng() % 4);
        Result<AppendCheck> check = log.Produce(pid, p.epoch, p.next_sequence, count,
                                                transactional ? Txn::kYes : Txn::kNo, timestamp);
        if (check.ok()) {
          p.next_sequence += count;
          p.last_count = count;
          p.in_txn = transactional;
        }
        break;
      }
    }
  }
  return log;
}

Status Replay(ProducerState& state, const std::vector<std::string>& batches, size_t from,
              std::vector<CompletedTxn>* completed) {
  for (size_t i = from; i < batches.size(); ++i) {
    Result<RecordBatchView> view = RecordBatchView::Parse(batches[i]);
    if (!view.ok()) return view.status();
    Result<std::optional<CompletedTxn>> done = state.ReplayBatch(*view);
    if (!done.ok()) return done.status();
    if (done->has_value() && completed != nullptr) completed->push_back(**done);
  }
  return Status::Ok();
}

TEST(ProducerStateTest, ReplayingTheLogRebuildsTheLiveState) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    FakeLog log = RandomWorkload(seed, 400);
    ASSERT_FALSE(log.completed.empty());
    ProducerState replayed;
    std::vector<CompletedTxn> completed;
    ASSERT_OK(Replay(replayed, log.batches, 0, &completed));
    EXPECT_EQ(replayed.Snapshot(log.next_offset), log.state.Snapshot(log.next_offset))
        << "seed " << seed;
    EXPECT_EQ(replayed.Describe(), log.state.Describe());
    EXPECT_EQ(replayed.FirstUnstableOffset(), log.state.FirstUnstableOffset());
    EXPECT_EQ(completed, log.completed);
  }
}

TEST(ProducerStateTest, ASnapshotPlusTheRestOfTheLogRebuildsTheLiveState) {
  FakeLog log = RandomWorkload(7, 300);
  const size_t half = log.batches.size() / 2;
  ProducerState first_half;
  ASSERT_OK(Replay(first_half,
                   std::vector<std::string>(log.batches.begin(), log.batches.begin() + half), 0,
                   nullptr));

  ProducerState restored;
  ASSERT_OK(restored.LoadSnapshot(first_half.Snapshot(/*next_offset=*/0)));
  ASSERT_OK(Replay(restored, log.batches, half, nullptr));
  EXPECT_EQ(restored.Snapshot(log.next_offset), log.state.Snapshot(log.next_offset));
}

TEST(ProducerStateTest, ReplaySkipsEmptyControlBatchesAndRejectsUnreadableMarkers) {
  FakeLog log;
  ASSERT_APPENDS(log.Produce(kPid, 0, 0, 1, Txn::kYes));
  RecordBatchHeader control = DataHeader(kPid, 0, kNoSequence, 0, 1, Txn::kYes, 5);
  control.attributes |= kControlAttribute;

  Result<std::string> empty = BuildRecordBatch(control, Compression::kNone, {});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  Result<RecordBatchView> view = RecordBatchView::Parse(*empty);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  Result<std::optional<CompletedTxn>> done = log.state.ReplayBatch(*view);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(done->has_value());
  EXPECT_EQ(log.state.FirstUnstableOffset(), 0);

  const std::vector<Record> not_a_marker = {Record{.key = "k", .value = "v"}};
  Result<std::string> bad = BuildRecordBatch(control, Compression::kNone, not_a_marker);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  view = RecordBatchView::Parse(*bad);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_FALSE(log.state.ReplayBatch(*view).ok());
  EXPECT_EQ(log.state.FirstUnstableOffset(), 0);
}

ProducerState VariedState(FakeLog& log) {
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(log.Produce(1, 3, 2 * i, 2, Txn::kNo, 100 + i).ok());
  EXPECT_TRUE(log.Produce(2, 0, 0, 1, Txn::kYes, 200).ok());
  EXPECT_TRUE(log.Produce(3, 1, 0, 4, Txn::kYes, 300).ok());
  EXPECT_TRUE(log.Marker(3, 1, ControlRecordType::kAbort, 9, 400).ok());
  EXPECT_TRUE(log.Marker(4, 0, ControlRecordType::kCommit, 2, 500).ok());
  EXPECT_TRUE(log.Produce(int64_t{1} << 40, 0, kMaxSequence, 2, Txn::kYes, 600).ok());
  return log.state;
}

TEST(ProducerStateTest, SnapshotRoundTripsEveryField) {
  FakeLog log;
  ProducerState original = VariedState(log);
  const std::string snapshot = original.Snapshot(log.next_offset);

  ProducerState loaded;
  ASSERT_TRUE(loaded.LoadSnapshot(snapshot).ok());
  EXPECT_EQ(loaded.Snapshot(log.next_offset), snapshot);
  EXPECT_EQ(loaded.Describe(), original.Describe());
  EXPECT_EQ(loaded.FirstUnstableOffset(), original.FirstUnstableOffset());
  for (int64_t pid : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{1} << 40}) {
    ASSERT_NE(loaded.Find(pid), nullptr) << pid;
    EXPECT_EQ(*loaded.Find(pid), *original.Find(pid)) << pid;
  }
  // All five batches survive: a retry of the oldest one is still a duplicate.
  FakeLog after{.state = loaded, .next_offset = log.next_offset};
  Result<AppendCheck> dup = after.Produce(1, 3, 4, 2);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->outcome, AppendCheck::kDuplicate);
  EXPECT_EQ(dup->original.first_offset, 4);
}

TEST(ProducerStateTest, AnEmptyStateRoundTrips) {
  ProducerState state;
  ASSERT_OK(state.LoadSnapshot(ProducerState().Snapshot(5)));
  EXPECT_EQ(state.producer_count(), 0u);
}

TEST(ProducerStateTest, EveryFlippedBitOfASnapshotIsDetected) {
  FakeLog log;
  ProducerState original = VariedState(log);
  const std::string snapshot = original.Snapshot(log.next_offset);
  ProducerState target;
  for (size_t i = 0; i < snapshot.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = snapshot;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Status s = target.LoadSnapshot(bad);
      ASSERT_EQ(s.code(), Errc::kCorruptSnapshot) << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_EQ(target.producer_count(), 0u);  // nothing loaded
}

TEST(ProducerStateTest, EveryTruncationOrExtensionOfASnapshotIsDetected) {
  FakeLog log;
  ProducerState original = VariedState(log);
  const std::string snapshot = original.Snapshot(log.next_offset);
  ProducerState target = original;
  for (size_t n = 0; n < snapshot.size(); ++n) {
    EXPECT_EQ(target.LoadSnapshot(snapshot.substr(0, n)).code(), Errc::kCorruptSnapshot) << n;
  }
  EXPECT_EQ(target.LoadSnapshot(snapshot + '\0').code(), Errc::kCorruptSnapshot);
  EXPECT_EQ(target.Snapshot(1), original.Snapshot(1));  // a failed load changes nothing
}

// Replaces the checksum of `body` (a snapshot without its last 8 bytes) with
// the right one, so that only the field checks can catch what was changed.
std::string Reseal(std::string body) {
  const uint64_t checksum = XXH64(body.data(), body.size(), 0);
  for (int shift = 56; shift >= 0; shift -= 8) {
    body.push_back(static_cast<char>((checksum >> shift) & 0xff));
  }
  return body;
}

TEST(ProducerStateTest, ASnapshotWithAValidChecksumButBadFieldsIsCorrupt) {
  FakeLog log;
  ProducerState original = VariedState(log);
  std::string body = original.Snapshot(log.next_offset);
  body.resize(body.size() - 8);
  ProducerState target;
  ASSERT_OK(target.LoadSnapshot(Reseal(body)));  // resealing alone changes nothing

  std::string bad_magic = body;
  bad_magic[0] = 'X';
  EXPECT_EQ(target.LoadSnapshot(Reseal(bad_magic)).code(), Errc::kCorruptSnapshot);
  std::string bad_version = body;
  bad_version[5] = 2;
  EXPECT_EQ(target.LoadSnapshot(Reseal(bad_version)).code(), Errc::kCorruptSnapshot);
  std::string more_producers = body;
  more_producers[17] = static_cast<char>(more_producers[17] + 1);  // producer_count's low byte
  EXPECT_EQ(target.LoadSnapshot(Reseal(more_producers)).code(), Errc::kCorruptSnapshot);
  std::string fewer_producers = body;
  fewer_producers[17] = static_cast<char>(fewer_producers[17] - 1);
  EXPECT_EQ(target.LoadSnapshot(Reseal(fewer_producers)).code(), Errc::kCorruptSnapshot);
  std::string six_batches = body;
  six_batches[18 + 30] = 6;  // the first producer's batch_count
  EXPECT_EQ(target.LoadSnapshot(Reseal(six_batches)).code(), Errc::kCorruptSnapshot);
  EXPECT_EQ(target.Snapshot(log.next_offset), original.Snapshot(log.next_offset));
}

TEST(ProducerStateTest, SnapshotFileNamesHaveTwentyDigits) {
  EXPECT_EQ(ProducerState::SnapshotFileName(0), "00000000000000000000.snapshot");
  EXPECT_EQ(ProducerState::SnapshotFileName(1234567), "00000000000001234567.snapshot");
}

TEST(ProducerStateTest, TheNewestSnapshotFileIsLoadedAndSurvivesACrash) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("t-0"));
  ASSERT_OK(fs.SyncDir(""));
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "t-0", 1));
  ASSERT_APPENDS(log.Produce(2, 0, 0, 1, Txn::kYes));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "t-0", 2));
  fs.SimulateCrash();

  ProducerState loaded;
  Result<int64_t> offset = loaded.LoadLatestSnapshot(fs, "t-0");
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(*offset, 2);
  EXPECT_EQ(loaded.Snapshot(2), log.state.Snapshot(2));
  EXPECT_EQ(loaded.FirstUnstableOffset(), 1);
}

TEST(ProducerStateTest, ACorruptSnapshotFileIsDeletedAndTheOneBeforeItLoaded) {
  MemFileSystem fs;
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 1));
  const std::string first = log.state.Snapshot(1);
  ASSERT_APPENDS(log.Produce(2, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 2));
  ASSERT_OK(fs.FlipBit(ProducerState::SnapshotFileName(2), 20, 3));

  ProducerState loaded;
  Result<int64_t> offset = loaded.LoadLatestSnapshot(fs, "");
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(*offset, 1);
  EXPECT_EQ(loaded.Snapshot(1), first);
  EXPECT_FALSE(fs.Exists(ProducerState::SnapshotFileName(2)));
  EXPECT_TRUE(fs.Exists(ProducerState::SnapshotFileName(1)));
}

TEST(ProducerStateTest, ATornSnapshotFileIsDeleted) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("d"));
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "d", 1));
  ASSERT_OK(fs.DropTail("d/" + ProducerState::SnapshotFileName(1), 1));

  ProducerState loaded = log.state;
  Result<int64_t> offset = loaded.LoadLatestSnapshot(fs, "d");
  EXPECT_EQ(offset.status().code(), Errc::kNotFound);
  EXPECT_EQ(loaded.producer_count(), 0u);  // replay from the log start
  EXPECT_FALSE(fs.Exists("d/" + ProducerState::SnapshotFileName(1)));
}

TEST(ProducerStateTest, ASnapshotAboveTheLogEndIsDeleted) {
  MemFileSystem fs;
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 10));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 20));

  ProducerState loaded;
  Result<int64_t> offset = loaded.LoadLatestSnapshot(fs, "", /*log_end_offset=*/15);
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(*offset, 10);
  EXPECT_FALSE(fs.Exists(ProducerState::SnapshotFileName(20)));
}

TEST(ProducerStateTest, ASnapshotFileNamedForAnotherOffsetIsCorrupt) {
  MemFileSystem fs;
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 10));
  ASSERT_OK(fs.Rename(ProducerState::SnapshotFileName(10), ProducerState::SnapshotFileName(30)));
  ProducerState loaded;
  EXPECT_EQ(loaded.LoadLatestSnapshot(fs, "").status().code(), Errc::kNotFound);
  EXPECT_FALSE(fs.Exists(ProducerState::SnapshotFileName(30)));
}

TEST(ProducerStateTest, AFailedRenameLeavesThePreviousSnapshotAndATmpFileThatLoadRemoves) {
  MemFileSystem fs;
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 1));
  const std::string first = log.state.Snapshot(1);
  ASSERT_APPENDS(log.Produce(1, 0, 1));
  fs.FailNext(MemFileSystem::Op::kRename, std::make_error_code(std::errc::io_error));
  EXPECT_FALSE(log.state.WriteSnapshotFile(fs, "", 2).ok());
  const std::string tmp = ProducerState::SnapshotFileName(2) + ".tmp";
  EXPECT_TRUE(fs.Exists(tmp));

  ProducerState loaded;
  Result<int64_t> offset = loaded.LoadLatestSnapshot(fs, "");
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(*offset, 1);
  EXPECT_EQ(loaded.Snapshot(1), first);
  EXPECT_FALSE(fs.Exists(tmp));
}

TEST(ProducerStateTest, AWriteOverALeftoverTmpFileStartsItAfresh) {
  MemFileSystem fs;
  ASSERT_OK(testing::AppendFile(fs, ProducerState::SnapshotFileName(1) + ".tmp", "garbage"));
  FakeLog log;
  ASSERT_APPENDS(log.Produce(1, 0, 0));
  ASSERT_OK(log.state.WriteSnapshotFile(fs, "", 1));
  EXPECT_EQ(testing::ReadFile(fs, ProducerState::SnapshotFileName(1)), log.state.Snapshot(1));
}

TEST(ProducerStateTest, DeleteSnapshotsBeforeKeepsTheOffsetAndEverythingAbove) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("p"));
  ProducerState state;
  for (int64_t offset : {10, 20, 30}) ASSERT_OK(state.WriteSnapshotFile(fs, "p", offset));
  ASSERT_OK(testing::AppendFile(fs, "p/00000000000000000010.log", "batches"));

  ASSERT_OK(ProducerState::DeleteSnapshotsBefore(fs, "p", 20));
  Result<std::vector<std::string>> names = fs.List("p");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names,
            (std::vector<std::string>{"00000000000000000010.log", "00000000000000000020.snapshot",
                                      "00000000000000000030.snapshot"}));
}

// Kept snapshots are renamed "*.deleted" and reused by the next write. A
// reused file whose rename survives a crash but whose new bytes do not holds
// another offset's state: loading rejects it, however valid its checksum.
TEST(ProducerStateTest, KeptSnapshotFilesAreReusedAndAStaleOneIsRejected) {
  MemFileSystem fs;
  ASSERT_OK(fs.CreateDirs("p"));
  ASSERT_OK(fs.SyncDir(""));
  ProducerState state;
  for (int64_t offset : {10, 20, 30}) ASSERT_OK(state.WriteSnapshotFile(fs, "p", offset));
  std::vector<std::string> kept;
  ASSERT_OK(ProducerState::DeleteSnapshotsBefore(fs, "p", 30, /*keep=*/1, &kept));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(fs.List("p").value(),
            (std::vector<std::string>{kept[0].substr(2), "00000000000000000030.snapshot"}));
  EXPECT_TRUE(kept[0].ends_with(".snapshot.deleted")) << kept[0];

  // The next snapshot takes the kept file: no other file is left behind.
  ASSERT_OK(state.WriteSnapshotFile(fs, "p", 40, /*durable=*/false, kept[0]));
  EXPECT_EQ(fs.List("p").value(), (std::vector<std::string>{"00000000000000000030.snapshot",
                                                            "00000000000000000040.snapshot"}));
  // Only the directory reached the disk: 40's name holds 10's or 20's bytes.
  ASSERT_OK(fs.SyncDir("p"));
  fs.SimulateCrash();
  ProducerState loaded;
  Result<int64_t> latest = loaded.LoadLatestSnapshot(fs, "p");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(*latest, 30);
  EXPECT_EQ(fs.List("p").value(), (std::vector<std::string>{"00000000000000000030.snapshot"}));
}

}  // namespace
}  // namespace brook::storage
