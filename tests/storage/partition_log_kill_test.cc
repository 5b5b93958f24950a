// tests/storage/partition_log_kill_test.cc
//
// The partition log on a real directory, written by a child process that is
// SIGKILLed at a seeded moment. The child appends a seeded plan of batches
// (idempotent ones, transactional ones with COMMIT and ABORT markers, plain
// ones) and reports each acknowledged append through a pipe; the parent
// reopens the log after the kill and checks it against the plan and the acks.
//
// A killed process loses nothing the kernel already has, so these tests catch
// what the log itself leaves half-done between its writes (the .log and its
// indexes, rolls, snapshots), not lost page cache; MemFileSystem's
// SimulateCrash covers that in partition_log_test.cc.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/partition_log.h"
#include "storage/posix_file_system.h"
#include "tests/storage/file_system_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr int64_t kT0 = 1700000000000;
constexpr char kDir[] = "topic-0";
constexpr int64_t kIdempotentId = 1000;
constexpr int64_t kTransactionalId = 2000;
constexpr int16_t kEpoch = 3;
constexpr int kPlanSteps = 400;
constexpr int kRounds = 4;
constexpr milliseconds kRoundTimeout(5000);

enum class StepKind { kIdempotent, kTransactional, kCommit, kAbort, kPlain };

// One append of the plan: one batch, data or marker.
struct Step {
  StepKind kind = StepKind::kPlain;
  int32_t sequence = kNoSequence;  // data batches of a producer
  std::vector<std::string> values;
  std::string batch;  // the produced bytes; empty for markers
};

std::string BuildBatch(const Step& step) {
  RecordBatchHeader h{.base_timestamp = kT0};
  if (step.kind == StepKind::kIdempotent || step.kind == StepKind::kTransactional) {
    h.producer_id = step.kind == StepKind::kIdempotent ? kIdempotentId : kTransactionalId;
    h.producer_epoch = kEpoch;
    h.base_sequence = step.sequence;
  }
  if (step.kind == StepKind::kTransactional) h.attributes |= kTransactionalAttribute;
  std::vector<Record> records;
  for (size_t i = 0; i < step.values.size(); ++i) {
    records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                             .offset_delta = static_cast<int32_t>(i),
                             .key = "k" + std::to_string(i),
                             .value = step.values[i]});
  }
  Result<std::string> batch = BuildRecordBatch(h, Compression::kNone, records);
  return batch.ok() ? *batch : std::string();
}

// A seeded mix: idempotent batches, transactions of one or more batches ended
// by a COMMIT or an ABORT, and batches without a producer.
std::vector<Step> MakePlan(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Step> plan;
  int32_t idempotent_sequence = 0;
  int32_t transactional_sequence = 0;
  bool txn_open = false;
  for (int i = 0; i < kPlanSteps; ++i) {
    Step step;
    int roll = static_cast<int>(rng() % 100);
    if (txn_open && roll < 20) {
      step.kind = roll < 12 ? StepKind::kCommit : StepKind::kAbort;
      txn_open = false;
      plan.push_back(std::move(step));
      continue;
    }
    step.kind = roll < 55   ? StepKind::kIdempotent
                : roll < 92 ? StepKind::kTransactional
                            : StepKind::kPlain;
    const int records = 1 + static_cast<int>(rng() % 4);
    if (step.kind == StepKind::kIdempotent) {
      step.sequence = idempotent_sequence;
      idempotent_sequence += records;
    } else if (step.kind == StepKind::kTransactional) {
      step.sequence = transactional_sequence;
      transactional_sequence += records;
      txn_open = true;
    }
    for (int r = 0; r < records; ++r) {
      std::string value = "s" + std::to_string(i) + "-r" + std::to_string(r) + "-";
      value.append(rng() % 300, static_cast<char>('a' + rng() % 26));
      step.values.push_back(std::move(value));
    }
    step.batch = BuildBatch(step);
    plan.push_back(std::move(step));
  }
  return plan;
}

// What the child reports after each acknowledged append, and after each
// completed Flush (flushed_through: the number of plan steps now durable).
struct Ack {
  int32_t step = -1;
  int32_t flushed_through = -1;
  int64_t base_offset = -1;
  int64_t last_offset = -1;
};

LogConfig KillTestConfig(FlushPolicy policy) {
  LogConfig config;
  config.flush_policy = policy;
  config.segment_bytes = 16 << 10;  // several rolls (and snapshots) per round
  config.index_interval_bytes = 512;
  return config;
}

bool WriteAck(int fd, const Ack& ack) {
  const char* p = reinterpret_cast<const char*>(&ack);
  for (size_t done = 0; done < sizeof(ack);) {
    ssize_t n = ::write(fd, p + done, sizeof(ack) - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The child: append the plan in order, acknowledging each append. Never
// returns; exit codes other than a kill are failures the parent reports.
[[noreturn]] void RunChild(const std::string& root, const std::vector<Step>& plan,
                           FlushPolicy policy, int flush_every, int ack_fd) {
  PosixFileSystem fs(root);
  Result<std::unique_ptr<PartitionLog>> log =
      PartitionLog::Open(fs, kDir, KillTestConfig(policy), LogStart{}, [] { return kT0; });
  if (!log.ok()) ::_exit(10);
  for (size_t i = 0; i < plan.size(); ++i) {
    const Step& step = plan[i];
    const bool marker = step.kind == StepKind::kCommit || step.kind == StepKind::kAbort;
    Result<AppendResult> r =
        marker ? (*log)->AppendMarker(kTransactionalId, kEpoch,
                                      step.kind == StepKind::kCommit ? ControlRecordType::kCommit
                                                                     : ControlRecordType::kAbort,
                                      /*coordinator_epoch=*/1, /*leader_epoch=*/0)
               : (*log)->Append(step.batch, /*leader_epoch=*/0);
    if (!r.ok() || r->duplicate) ::_exit(11);
    if (!WriteAck(ack_fd, Ack{.step = static_cast<int32_t>(i),
                              .base_offset = r->base_offset,
                              .last_offset = r->last_offset})) {
      ::_exit(12);
    }
    if (policy == FlushPolicy::kOs && (i + 1) % flush_every == 0) {
      if (!(*log)->Flush().ok()) ::_exit(13);
      if (!WriteAck(ack_fd, Ack{.flushed_through = static_cast<int32_t>(i + 1)})) ::_exit(12);
    }
  }
  // The whole plan is in: wait for the kill.
  for (;;) ::pause();
}

// Kills and reaps the child unless it was reaped already.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;

  // Kills the child and returns its wait status (a kill unless it had died).
  int KillAndReap() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

// Reads one Ack, waiting until `deadline`. nullopt: end of the pipe (the
// child is gone) or the deadline passed (*timed_out set).
std::optional<Ack> ReadAck(int fd, Clock::time_point deadline, bool* timed_out) {
  Ack ack;
  char* p = reinterpret_cast<char*>(&ack);
  size_t done = 0;
  while (done < sizeof(ack)) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      *timed_out = true;
      return std::nullopt;
    }
    pollfd pfd{.fd = fd, .events = POLLIN, .revents = 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timeout: checked at the top
    ssize_t n = ::read(fd, p + done, sizeof(ack) - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    done += static_cast<size_t>(n);
  }
  return ack;
}

// What one round saw from the child before and after the kill.
struct RoundReport {
  std::vector<Ack> acks;  // appends, in plan order
  int flushed_through = 0;
  int wait_status = 0;
};

// Forks the child, kills it after `kill_after` acks and a short seeded pause,
// and collects every ack it wrote.
void RunRound(const std::string& root, const std::vector<Step>& plan, FlushPolicy policy,
              int flush_every, int kill_after, int pause_us, RoundReport* report) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    RunChild(root, plan, policy, flush_every, fds[1]);
  }
  ::close(fds[1]);
  ChildGuard child(pid);
  const Clock::time_point deadline = Clock::now() + kRoundTimeout;
  bool timed_out = false;
  auto take = [&](const Ack& ack) {
    if (ack.flushed_through >= 0) {
      report->flushed_through = ack.flushed_through;
    } else {
      report->acks.push_back(ack);
    }
  };
  while (static_cast<int>(report->acks.size()) < kill_after) {
    std::optional<Ack> ack = ReadAck(fds[0], deadline, &timed_out);
    if (!ack) break;
    take(*ack);
  }
  if (pause_us > 0) {
    // Spin rather than sleep: the child keeps running on the other core.
    const Clock::time_point until = Clock::now() + std::chrono::microseconds(pause_us);
    while (Clock::now() < until) {
    }
  }
  report->wait_status = child.KillAndReap();
  // The child is gone: the pipe holds whatever it acknowledged after the
  // parent's last read, then EOF.
  for (;;) {
    std::optional<Ack> ack = ReadAck(fds[0], Clock::now() + kRoundTimeout, &timed_out);
    if (!ack) break;
    take(*ack);
  }
  ::close(fds[0]);
  ASSERT_FALSE(timed_out) << "child too slow";
  ASSERT_TRUE(WIFSIGNALED(report->wait_status) && WTERMSIG(report->wait_status) == SIGKILL)
      << "child did not die of the kill; exit code "
      << (WIFEXITED(report->wait_status) ? WEXITSTATUS(report->wait_status) : -1);
}

// Every batch of the log from offset 0, each parsed with its CRC checked and
// its records decoded; offsets must be contiguous.
std::vector<std::string> ReadAllBatches(PartitionLog& log) {
  std::vector<std::string> batches;
  int64_t offset = 0;
  while (offset < log.high_watermark()) {
    Result<ReadResult> read = log.Read(offset, 1 << 20, IsolationLevel::kReadUncommitted);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->records.empty()) break;
    RecordBatchReader reader(read->records);
    for (;;) {
      Result<std::optional<RecordBatchView>> next = reader.Next();
      EXPECT_TRUE(next.ok()) << "at offset " << offset << ": " << next.status().ToString();
      if (!next.ok() || !next->has_value()) break;
      const RecordBatchHeader& h = (*next)->header();
      EXPECT_EQ(h.base_offset, offset) << "offsets are not contiguous";
      if (h.base_offset != offset) return batches;
      Result<std::vector<Record>> records = (*next)->DecodeRecords(1 << 20);
      EXPECT_TRUE(records.ok()) << "at offset " << offset << ": " << records.status().ToString();
      batches.emplace_back((*next)->bytes());
      offset = h.next_offset();
    }
    EXPECT_FALSE(reader.has_partial_tail());
  }
  EXPECT_EQ(offset, log.log_end_offset());
  return batches;
}

// Whether the stored batch is the plan's step (content, producer fields,
// marker type).
void ExpectBatchIsStep(const std::string& bytes, const Step& step, size_t index) {
  Result<RecordBatchView> view = RecordBatchView::Parse(bytes);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const RecordBatchHeader& h = view->header();
  SCOPED_TRACE("plan step " + std::to_string(index));
  if (step.kind == StepKind::kCommit || step.kind == StepKind::kAbort) {
    ASSERT_TRUE(h.is_control());
    EXPECT_EQ(h.producer_id, kTransactionalId);
    Result<EndTransactionMarker> marker = ReadEndTransactionMarker(*view);
    ASSERT_TRUE(marker.ok()) << marker.status().ToString();
    EXPECT_EQ(marker->type, step.kind == StepKind::kCommit ? ControlRecordType::kCommit
                                                           : ControlRecordType::kAbort);
    return;
  }
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.is_transactional(), step.kind == StepKind::kTransactional);
  EXPECT_EQ(h.base_sequence, step.sequence);
  EXPECT_EQ(h.producer_id, step.kind == StepKind::kIdempotent      ? kIdempotentId
                           : step.kind == StepKind::kTransactional ? kTransactionalId
                                                                   : kNoProducerId);
  Result<std::vector<Record>> records = view->DecodeRecords(1 << 20);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  std::vector<std::string> values;
  for (const Record& r : *records) values.push_back(r.value.value_or("<null>"));
  EXPECT_EQ(values, step.values);
}

// The producer state after recovery, for one producer: its last acknowledged
// batch is a duplicate when retried (answered with its original offsets), and
// the batch with the sequence after it is accepted: as a duplicate if it was
// in flight at the kill and reached the log, else appended at the end.
void ExpectProducerResumes(PartitionLog& log, const std::vector<Step>& plan, size_t acked,
                           size_t in_log, const std::vector<int64_t>& base_offsets, StepKind kind) {
  SCOPED_TRACE(kind == StepKind::kIdempotent ? "idempotent producer" : "transactional producer");
  std::optional<size_t> last;
  for (size_t i = 0; i < std::min(acked, in_log); ++i) {
    if (plan[i].kind == kind) last = i;
  }
  if (!last) return;
  Result<AppendResult> retry = log.Append(plan[*last].batch, /*leader_epoch=*/0);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, base_offsets[*last]);

  size_t next = *last + 1;
  while (next < plan.size() && plan[next].kind != kind) ++next;
  ASSERT_LT(next, plan.size());
  EXPECT_EQ(plan[next].sequence,
            plan[*last].sequence + static_cast<int32_t>(plan[*last].values.size()));
  const int64_t end = log.log_end_offset();
  Result<AppendResult> appended = log.Append(plan[next].batch, /*leader_epoch=*/0);
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  if (next < in_log) {
    EXPECT_TRUE(appended->duplicate);
    EXPECT_EQ(appended->base_offset, base_offsets[next]);
  } else {
    EXPECT_FALSE(appended->duplicate);
    EXPECT_EQ(appended->base_offset, end);
  }
}

// One seeded test: rounds of fork, append, kill, reopen, check.
void RunKillRounds(FlushPolicy policy, uint64_t seed) {
  std::mt19937_64 rng(seed);
  constexpr int kFlushEvery = 7;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    brook::testing::TempDir temp;
    const std::vector<Step> plan = MakePlan(rng());
    const int kill_after = static_cast<int>(rng() % 70);
    const int pause_us = static_cast<int>(rng() % 300);
    RoundReport report;
    ASSERT_NO_FATAL_FAILURE(
        RunRound(temp.path(), plan, policy, kFlushEvery, kill_after, pause_us, &report));

    PosixFileSystem fs(temp.path());
    Result<std::unique_ptr<PartitionLog>> opened =
        PartitionLog::Open(fs, kDir, KillTestConfig(policy), LogStart{}, [] { return kT0; });
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    PartitionLog& log = **opened;

    const std::vector<std::string> batches = ReadAllBatches(log);
    ASSERT_FALSE(::testing::Test::HasFailure());
    // The log is a prefix of the plan: what was acknowledged (flushed, for
    // kOs) and at most the one append in flight at the kill.
    const size_t acked = report.acks.size();
    const size_t guaranteed =
        policy == FlushPolicy::kEveryAppend ? acked : static_cast<size_t>(report.flushed_through);
    ASSERT_GE(batches.size(), guaranteed) << "acknowledged batches lost";
    ASSERT_LE(batches.size(), acked + 1) << "more batches than were appended";
    std::vector<int64_t> base_offsets;
    for (size_t i = 0; i < batches.size(); ++i) {
      ASSERT_NO_FATAL_FAILURE(ExpectBatchIsStep(batches[i], plan[i], i));
      base_offsets.push_back(ReadRecordBatchHeader(batches[i]).base_offset);
    }
    for (size_t i = 0; i < std::min(acked, batches.size()); ++i) {
      EXPECT_EQ(report.acks[i].step, static_cast<int32_t>(i));
      EXPECT_EQ(report.acks[i].base_offset, base_offsets[i]) << "step " << i;
    }

    // An open transaction holds the last stable offset at its first batch.
    std::optional<int64_t> open_txn_first;
    for (size_t i = 0; i < batches.size(); ++i) {
      if (plan[i].kind == StepKind::kTransactional && !open_txn_first) {
        open_txn_first = base_offsets[i];
      } else if (plan[i].kind == StepKind::kCommit || plan[i].kind == StepKind::kAbort) {
        open_txn_first.reset();
      }
    }
    EXPECT_EQ(log.high_watermark(), log.log_end_offset());
    EXPECT_EQ(log.last_stable_offset(), open_txn_first.value_or(log.high_watermark()));
    if (open_txn_first) {
      Result<ReadResult> committed =
          log.Read(*open_txn_first, 1 << 20, IsolationLevel::kReadCommitted);
      ASSERT_TRUE(committed.ok()) << committed.status().ToString();
      EXPECT_TRUE(committed->records.empty());
    }

    for (StepKind kind : {StepKind::kIdempotent, StepKind::kTransactional}) {
      ExpectProducerResumes(log, plan, acked, batches.size(), base_offsets, kind);
    }
    ASSERT_OK(log.Close());
  }
}

TEST(PartitionLogKillTest, EveryAcknowledgedAppendSurvivesAKillWithFsyncOnEveryAppend) {
  RunKillRounds(FlushPolicy::kEveryAppend, /*seed=*/20240611);
}

TEST(PartitionLogKillTest, EveryFlushedAppendSurvivesAKillWithOsFlushing) {
  RunKillRounds(FlushPolicy::kOs, /*seed=*/977);
}

}  // namespace
}  // namespace brook::storage
