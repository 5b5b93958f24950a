// client/consumer.cc
#include "client/consumer.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

#include "client/fetcher.h"
#include "client/group_member.h"
#include "client/network/cluster.h"
#include "protocol/base/logging.h"

namespace brook::client {
namespace {

const Logger kLog("client.consumer");

using Clock = std::chrono::steady_clock;

std::atomic<int> consumer_count{0};

Status NoGroup() {
  return Status(make_error_code(ErrorCode::kInvalidGroupId),
                "group.id is not set: this consumer has no group to commit to");
}

// Java's rule (ConsumerCoordinator): the rebalance protocol is the one every
// configured assignor supports, so only a list of cooperative assignors
// rebalances cooperatively; "range,cooperative-sticky" stays eager.
bool AllCooperative(const std::vector<AssignorKind>& assignors) {
  return !assignors.empty() && std::all_of(assignors.begin(), assignors.end(), [](AssignorKind k) {
    return k == AssignorKind::kCooperativeSticky;
  });
}

// The partitions of `a` not in `b`; both sorted.
std::vector<TopicPartition> Minus(const std::vector<TopicPartition>& a,
                                  const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

template <typename T>
asio::awaitable<std::optional<T>> Optionally(asio::awaitable<T> work) {
  co_return co_await std::move(work);
}

const LogEscaped kEscaped{kLog, "consumer coroutine"};

}  // namespace

// Owns the io thread, the cluster view and the fetcher. The loop that sends
// metadata, offset and fetch requests runs on strand_; the fetcher's
// partition table is shared with the calling thread under its own mutex.
class ConsumerCore {
 public:
  explicit ConsumerCore(ClientConfig config)
      : config_(std::move(config)),
        cooperative_(AllCooperative(config_.assignment_strategies)),
        work_(asio::make_work_guard(io_)),
        strand_(asio::make_strand(io_)),
        cluster_(io_, config_),
        fetcher_(config_, cluster_, strand_, [this] { Wake(); }),
        wake_timer_(strand_) {
    if (config_.group_id) {
      group_ = std::make_unique<GroupMember>(io_, config_, cluster_, strand_);
      group_->set_on_rejoin_needed([this] { fetcher_.Notify(); });
    }
    next_auto_commit_ = Clock::now() + config_.auto_commit_interval;
  }

  ~ConsumerCore() {
    Close();
    if (io_thread_.joinable()) io_thread_.join();
  }

  void Start() {
    asio::co_spawn(strand_, RunLoop(), [this](std::exception_ptr e) {
      kEscaped(e);
      loop_done_.set_value();
    });
    io_thread_ = std::thread([this] { io_.run(); });
  }

  const ClientConfig& config() const { return config_; }
  Fetcher& fetcher() { return fetcher_; }
  bool has_group() const { return group_ != nullptr; }

  ConsumerGroupMetadata GroupMetadata() const {
    return group_ ? group_->metadata() : ConsumerGroupMetadata{};
  }

  // Runs `work` on the strand and waits for it (from a thread that is not
  // the io thread).
  template <typename T>
  T RunSync(asio::awaitable<T> work) {
    return std::move(
        *asio::co_spawn(strand_, Optionally<T>(std::move(work)), asio::use_future).get());
  }

  void RunSync(asio::awaitable<void> work) {
    asio::co_spawn(strand_, std::move(work), asio::use_future).get();
  }

  Status CommitSync(std::map<TopicPartition, OffsetAndMetadata> offsets,
                    std::chrono::milliseconds timeout) {
    if (!group_) return NoGroup();
    if (closed_.load()) return Status(ClientErrc::kClosed, "consumer is closed");
    return RunSync(CommitWithRetries(std::move(offsets), Clock::now() + timeout));
  }

  void CommitAsync(std::map<TopicPartition, OffsetAndMetadata> offsets,
                   Consumer::CommitCallback callback) {
    if (!group_ || closed_.load()) {
      Status s = group_ ? Status(ClientErrc::kClosed, "consumer is closed") : NoGroup();
      if (callback) callback(offsets, s);
      return;
    }
    asio::co_spawn(strand_, CommitOnce(std::move(offsets), std::move(callback)), kEscaped);
  }

  Result<std::map<TopicPartition, OffsetAndMetadata>> Committed(
      std::vector<TopicPartition> partitions, std::chrono::milliseconds timeout) {
    if (!group_) return NoGroup();
    if (closed_.load()) return Status(ClientErrc::kClosed, "consumer is closed");
    return RunSync(FetchCommittedWithRetries(std::move(partitions), Clock::now() + timeout));
  }

  std::vector<ConsumerRecord> Poll(std::chrono::milliseconds timeout) {
    if (closed_.load()) throw ClientError(Status(ClientErrc::kClosed, "consumer is closed"));
    struct PollTimer {
      GroupMember* group;
      explicit PollTimer(GroupMember* g) : group(g) {
        if (group) group->PollStarted();
      }
      ~PollTimer() {
        if (group) group->PollEnded();
      }
    } poll_timer(group_.get());
    Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      if (!subscription_.empty()) MaybeRejoin();
      if (std::optional<ClientError> e = fetcher_.TakeError()) throw *e;
      std::vector<ConsumerRecord> records =
          fetcher_.Drain(static_cast<size_t>(config_.max_poll_records));
      if (!records.empty()) {
        Wake();  // drained partitions can be fetched again
        return records;
      }
      if (Clock::now() >= deadline) return records;
      Wake();
      fetcher_.Wait(deadline, [this] {
        if (subscription_.empty()) return false;
        if (join_in_flight_) {
          std::lock_guard lock(join_mu_);
          return join_outcome_.has_value();
        }
        return group_->needs_rejoin();
      });
    }
  }

  Status Subscribe(const std::vector<std::string>& topics, RebalanceListener listener) {
    if (!group_) return NoGroup();
    if (topics.empty()) {
      Unsubscribe();
      return Status::Ok();
    }
    subscription_ = topics;
    listener_ = std::move(listener);
    group_->RequestRejoin();
    return Status::Ok();
  }

  void Unsubscribe() {
    if (subscription_.empty()) return;
    GiveUpAll();
    subscription_.clear();
    {
      std::lock_guard lock(join_mu_);
      ++join_seq_;  // a join still running ends unheard
      join_outcome_.reset();
    }
    join_in_flight_ = false;
    if (!closed_.load()) RunSync(group_->Leave());
  }

  const std::vector<std::string>& subscription() const { return subscription_; }

  Result<int64_t> Position(const TopicPartition& tp, std::chrono::milliseconds timeout) {
    if (!fetcher_.Assigned(tp)) {
      return Status(std::make_error_code(std::errc::invalid_argument),
                    "partition " + tp.topic + "-" + std::to_string(tp.partition) +
                        " is not assigned to this consumer");
    }
    Wake();
    std::optional<int64_t> position = fetcher_.AwaitPosition(tp, Clock::now() + timeout);
    if (position) return *position;
    if (std::optional<ClientError> e = fetcher_.TakeError()) {
      return Status(e->code(), e->what());
    }
    return Status(ClientErrc::kTimedOut, "position of " + tp.topic + "-" +
                                             std::to_string(tp.partition) + " not known in time");
  }

  Result<std::vector<TopicPartition>> PartitionsFor(const std::string& topic) {
    if (closed_.load()) return Status(ClientErrc::kClosed, "consumer is closed");
    Status s = RunSync(cluster_.Refresh({topic}));
    if (!s.ok()) return s;
    std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
    const TopicMetadata* t = metadata ? metadata->Topic(topic) : nullptr;
    if (t == nullptr || t->error != ErrorCode::kNone) {
      return ClientError(t ? t->error : ErrorCode::kUnknownTopicOrPartition, "topic " + topic)
          .ToStatus();
    }
    std::vector<TopicPartition> out;
    for (const PartitionMetadata& p : t->partitions) out.push_back({topic, p.partition});
    return out;
  }

  // Any thread: the loop looks again.
  void Wake() {
    asio::post(strand_, [this] {
      wake_pending_ = true;
      wake_timer_.cancel();
    });
  }

  void Close() {
    if (closed_.load()) return;
    if (!subscription_.empty()) {
      Unsubscribe();  // commits, revokes and leaves
    } else if (group_ && config_.enable_auto_commit) {
      Status s =
          RunSync(CommitWithRetries(fetcher_.Consumed(), Clock::now() + config_.request_timeout));
      if (!s.ok()) kLog.Warn("commit on close failed: ", s.ToString());
    }
    if (closed_.exchange(true)) return;
    closing_.store(true);
    cluster_.Close();  // fails the fetches in flight at once
    Wake();
    loop_done_.get_future().wait();
    if (group_) asio::post(strand_, [this] { group_->Close(); });
    work_.reset();
    asio::post(io_, [this] { io_.stop(); });
    if (io_thread_.joinable() && io_thread_.get_id() != std::this_thread::get_id()) {
      io_thread_.join();
    }
  }

 private:
  // Calling thread: gives `partitions` (sorted, assigned) up: commits their
  // positions first (with auto commit), tells the listener, then stops
  // fetching them.
  void Revoke(const std::vector<TopicPartition>& partitions) {
    if (partitions.empty()) return;
    if (config_.enable_auto_commit) {
      std::map<TopicPartition, OffsetAndMetadata> offsets = fetcher_.Consumed();
      std::erase_if(offsets, [&](const auto& entry) {
        return !std::binary_search(partitions.begin(), partitions.end(), entry.first);
      });
      Status s =
          RunSync(CommitWithRetries(std::move(offsets), Clock::now() + config_.request_timeout));
      if (!s.ok()) kLog.Debug("commit before revoking failed: ", s.ToString());
    }
    if (listener_.on_partitions_revoked) listener_.on_partitions_revoked(partitions);
    fetcher_.Assign(Minus(fetcher_.Assignment(), partitions), /*committed_first=*/true);
  }

  // Calling thread: the partitions no longer belong to this member's
  // generation (it was fenced, timed out or never synced): no commit, the
  // listener's on_partitions_lost (else on_partitions_revoked) hears of it.
  void Lose(const std::vector<TopicPartition>& partitions) {
    if (partitions.empty()) return;
    if (listener_.on_partitions_lost) {
      listener_.on_partitions_lost(partitions);
    } else if (listener_.on_partitions_revoked) {
      listener_.on_partitions_revoked(partitions);
    }
    fetcher_.Assign(Minus(fetcher_.Assignment(), partitions), /*committed_first=*/true);
  }

  // Calling thread: leaving the group (unsubscribe, close).
  void GiveUpAll() {
    std::vector<TopicPartition> owned = fetcher_.Assignment();
    if (group_->membership_lost()) {
      Lose(owned);
    } else {
      Revoke(owned);
    }
  }

  // Calling thread: before a join. Eager: every partition is revoked.
  // Cooperative: only those of topics no longer subscribed; the rest keep
  // being fetched during the rebalance and are claimed in the subscription.
  void PrepareJoin() {
    std::vector<TopicPartition> owned = fetcher_.Assignment();
    if (owned.empty()) return;
    if (group_->membership_lost()) return Lose(owned);
    if (!cooperative_) return Revoke(owned);
    std::vector<TopicPartition> unsubscribed;
    for (const TopicPartition& tp : owned) {
      if (std::find(subscription_.begin(), subscription_.end(), tp.topic) == subscription_.end()) {
        unsubscribed.push_back(tp);
      }
    }
    Revoke(unsubscribed);
  }

  // Calling thread: after SyncGroup. Partitions held but no longer assigned
  // are revoked (cooperative: then the member rejoins at once so that the
  // group can hand them on); kept ones keep their positions and buffered
  // records; the listener hears of the added ones only.
  void OnJoined(const GroupMember::JoinOutcome& outcome) {
    std::vector<TopicPartition> owned = fetcher_.Assignment();
    if (outcome.lost_owned) {
      Lose(owned);
      owned.clear();
    }
    std::vector<TopicPartition> assigned = outcome.assignment;
    std::sort(assigned.begin(), assigned.end());
    assigned.erase(std::unique(assigned.begin(), assigned.end()), assigned.end());
    std::vector<TopicPartition> revoked = Minus(owned, assigned);
    std::vector<TopicPartition> added = Minus(assigned, owned);
    Revoke(revoked);
    fetcher_.Assign(assigned, /*committed_first=*/true);
    Wake();
    kLog.Debug("group ", group_->group_id(), ": generation ", outcome.generation_id, " (",
               outcome.protocol, "): ", added.size(), " added, ", revoked.size(), " revoked, ",
               assigned.size() - added.size(), " kept");
    if (listener_.on_partitions_assigned) listener_.on_partitions_assigned(added);
    if (!revoked.empty()) group_->RequestRejoin();
  }

  // Calling thread: takes a finished join's outcome, and starts a join when
  // the group asks for one.
  void MaybeRejoin() {
    if (join_in_flight_) {
      std::optional<GroupMember::JoinOutcome> outcome;
      {
        std::lock_guard lock(join_mu_);
        outcome = std::move(join_outcome_);
        join_outcome_.reset();
      }
      if (!outcome) return;
      join_in_flight_ = false;
      if (!outcome->status.ok()) {
        group_->RequestRejoin();
        throw ClientError(outcome->status);
      }
      OnJoined(*outcome);
    }
    if (!group_->needs_rejoin()) return;
    PrepareJoin();
    join_in_flight_ = true;
    uint64_t seq;
    {
      std::lock_guard lock(join_mu_);
      seq = ++join_seq_;
    }
    asio::co_spawn(strand_, RunJoin(subscription_, fetcher_.Assignment(), seq), kEscaped);
  }

  asio::awaitable<void> RunJoin(std::vector<std::string> topics, std::vector<TopicPartition> owned,
                                uint64_t seq) {
    GroupMember::JoinOutcome outcome =
        co_await group_->JoinAndSync(std::move(topics), std::move(owned));
    {
      std::lock_guard lock(join_mu_);
      if (seq != join_seq_) co_return;
      join_outcome_ = std::move(outcome);
    }
    fetcher_.Notify();
  }

  asio::awaitable<void> RunLoop();
  asio::awaitable<void> RefreshMetadata();
  asio::awaitable<void> LookUpCommitted();
  asio::awaitable<Status> CommitWithRetries(std::map<TopicPartition, OffsetAndMetadata> offsets,
                                            Clock::time_point deadline);
  asio::awaitable<void> CommitOnce(std::map<TopicPartition, OffsetAndMetadata> offsets,
                                   Consumer::CommitCallback callback);
  asio::awaitable<Result<std::map<TopicPartition, OffsetAndMetadata>>> FetchCommittedWithRetries(
      std::vector<TopicPartition> partitions, Clock::time_point deadline);
  asio::awaitable<void> Sleep(std::chrono::milliseconds duration);
  void MaybeAutoCommit();

  const ClientConfig config_;
  const bool cooperative_;  // every assignor is cooperative: incremental rebalances
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::strand<asio::io_context::executor_type> strand_;
  Cluster cluster_;
  Fetcher fetcher_;
  std::unique_ptr<GroupMember> group_;  // with group.id

  // The calling thread's:
  std::vector<std::string> subscription_;
  RebalanceListener listener_;
  bool join_in_flight_ = false;
  std::mutex join_mu_;
  std::optional<GroupMember::JoinOutcome> join_outcome_;  // guarded by join_mu_
  uint64_t join_seq_ = 0;                                 // guarded by join_mu_
  asio::steady_timer wake_timer_;                         // strand_
  std::promise<void> loop_done_;
  std::thread io_thread_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> closing_{false};

  // strand_:
  bool wake_pending_ = false;
  Clock::time_point metadata_retry_at_{};
  Clock::time_point committed_retry_at_{};
  Clock::time_point next_auto_commit_{};
  std::map<TopicPartition, OffsetAndMetadata> last_auto_commit_;
};

asio::awaitable<void> ConsumerCore::Sleep(std::chrono::milliseconds duration) {
  asio::steady_timer timer(strand_);
  timer.expires_after(duration);
  asio::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<Status> ConsumerCore::CommitWithRetries(
    std::map<TopicPartition, OffsetAndMetadata> offsets, Clock::time_point deadline) {
  for (;;) {
    Status s = co_await group_->Commit(offsets);
    if (s.ok() || !ClientError(s).retriable()) co_return s;
    if (Clock::now() + config_.retry_backoff >= deadline) {
      co_return Status(ClientErrc::kTimedOut, "commit not done in time: " + s.ToString());
    }
    co_await Sleep(config_.retry_backoff);
  }
}

asio::awaitable<void> ConsumerCore::CommitOnce(std::map<TopicPartition, OffsetAndMetadata> offsets,
                                               Consumer::CommitCallback callback) {
  Status s = co_await group_->Commit(offsets);
  if (callback) callback(offsets, s);
}

asio::awaitable<Result<std::map<TopicPartition, OffsetAndMetadata>>>
ConsumerCore::FetchCommittedWithRetries(std::vector<TopicPartition> partitions,
                                        Clock::time_point deadline) {
  for (;;) {
    Result<std::map<TopicPartition, OffsetAndMetadata>> r =
        co_await group_->FetchCommitted(partitions);
    if (r.ok() || !ClientError(r.status()).retriable()) co_return r;
    if (Clock::now() + config_.retry_backoff >= deadline) {
      co_return Status(ClientErrc::kTimedOut,
                       "committed offsets not known in time: " + r.status().ToString());
    }
    co_await Sleep(config_.retry_backoff);
  }
}

// Partitions assigned with group.id start at their committed offsets.
asio::awaitable<void> ConsumerCore::LookUpCommitted() {
  if (!group_ || Clock::now() < committed_retry_at_) co_return;
  std::vector<TopicPartition> partitions = fetcher_.NeedsCommitted();
  if (partitions.empty()) co_return;
  Result<std::map<TopicPartition, OffsetAndMetadata>> committed =
      co_await group_->FetchCommitted(partitions);
  if (!committed.ok()) {
    kLog.Debug("committed offsets: ", committed.status().ToString());
    committed_retry_at_ = Clock::now() + config_.retry_backoff;
    co_return;
  }
  for (const TopicPartition& tp : partitions) {
    auto it = committed->find(tp);
    fetcher_.SetCommitted(
        tp, it == committed->end() ? std::nullopt : std::optional<int64_t>(it->second.offset));
  }
}

// Runs on the strand: commits the consumed positions when they moved.
void ConsumerCore::MaybeAutoCommit() {
  if (!group_ || !config_.enable_auto_commit) return;
  Clock::time_point now = Clock::now();
  if (now < next_auto_commit_) return;
  next_auto_commit_ = now + config_.auto_commit_interval;
  std::map<TopicPartition, OffsetAndMetadata> offsets = fetcher_.Consumed();
  if (offsets.empty() || offsets == last_auto_commit_) return;
  last_auto_commit_ = offsets;
  asio::co_spawn(
      strand_,
      CommitOnce(std::move(offsets),
                 [](const std::map<TopicPartition, OffsetAndMetadata>&, const Status& s) {
                   if (!s.ok()) kLog.Debug("auto commit failed: ", s.ToString());
                 }),
      kEscaped);
}

asio::awaitable<void> ConsumerCore::RefreshMetadata() {
  std::vector<std::string> topics = fetcher_.Topics();
  if (topics.empty()) co_return;
  Clock::time_point now = Clock::now();
  std::shared_ptr<const ClusterMetadata> metadata = cluster_.metadata();
  bool missing = std::any_of(topics.begin(), topics.end(),
                             [&](const std::string& t) { return metadata->Topic(t) == nullptr; });
  if ((!missing && !cluster_.NeedsRefresh(now)) || now < metadata_retry_at_) co_return;
  Status s = co_await cluster_.Refresh(std::move(topics));
  if (!s.ok()) kLog.Debug("metadata refresh failed: ", s.ToString());
  metadata_retry_at_ = Clock::now() + config_.retry_backoff;
}

asio::awaitable<void> ConsumerCore::RunLoop() {
  while (!closing_.load()) {
    co_await RefreshMetadata();
    co_await LookUpCommitted();
    co_await fetcher_.SendRequests();
    MaybeAutoCommit();
    if (wake_pending_) {
      wake_pending_ = false;
      continue;
    }
    Clock::time_point now = Clock::now();
    Clock::time_point until = now + std::chrono::seconds(1);
    if (std::optional<Clock::time_point> retry = fetcher_.NextRetry()) {
      until = std::min(until, *retry);
    }
    if (group_ && config_.enable_auto_commit) until = std::min(until, next_auto_commit_);
    if (group_ && !fetcher_.NeedsCommitted().empty()) {
      until = std::min(until, std::max(committed_retry_at_, now + std::chrono::milliseconds(1)));
    }
    if (cluster_.NeedsRefresh(now) && !fetcher_.Topics().empty()) {
      until = std::min(until, std::max(metadata_retry_at_, now + std::chrono::milliseconds(10)));
    }
    wake_timer_.expires_at(until);
    asio::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    wake_pending_ = false;
  }
  // Let fetches in flight finish (they hold references to this core).
  while (fetcher_.in_flight() > 0) {
    wake_timer_.expires_after(std::chrono::milliseconds(5));
    asio::error_code ec;
    co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// ---------------------------------------------------------------------------

Result<std::unique_ptr<Consumer>> Consumer::Create(
    const std::map<std::string, std::string>& properties) {
  Result<ClientConfig> config = ClientConfig::FromProperties(properties);
  if (!config.ok()) return config.status();
  return Create(std::move(*config));
}

Result<std::unique_ptr<Consumer>> Consumer::Create(ClientConfig config) {
  if (config.bootstrap_servers.empty()) {
    return Status(ClientErrc::kInvalidConfig, "bootstrap.servers: missing required property");
  }
  if (config.client_id.empty()) {
    config.client_id = "consumer-" + (config.group_id ? *config.group_id + "-" : std::string()) +
                       std::to_string(++consumer_count);
  }
  auto core = std::make_shared<ConsumerCore>(std::move(config));
  core->Start();
  return std::unique_ptr<Consumer>(new Consumer(std::move(core)));
}

Consumer::Consumer(std::shared_ptr<ConsumerCore> core) : core_(std::move(core)) {}

Consumer::~Consumer() { close(); }

Status Consumer::subscribe(const std::vector<std::string>& topics, RebalanceListener listener) {
  return core_->Subscribe(topics, std::move(listener));
}

void Consumer::unsubscribe() { core_->Unsubscribe(); }

std::vector<std::string> Consumer::subscription() const { return core_->subscription(); }

void Consumer::assign(const std::vector<TopicPartition>& partitions) {
  core_->fetcher().Assign(partitions, /*committed_first=*/core_->has_group());
}

std::vector<TopicPartition> Consumer::assignment() const { return core_->fetcher().Assignment(); }

Status Consumer::seek(const TopicPartition& tp, int64_t offset) {
  return core_->fetcher().Seek(tp, offset);
}

Status Consumer::seek_to_beginning(const std::vector<TopicPartition>& partitions) {
  return core_->fetcher().SeekTo(partitions, OffsetResetStrategy::kEarliest);
}

Status Consumer::seek_to_end(const std::vector<TopicPartition>& partitions) {
  return core_->fetcher().SeekTo(partitions, OffsetResetStrategy::kLatest);
}

Result<std::vector<TopicPartition>> Consumer::partitions_for(const std::string& topic) {
  return core_->PartitionsFor(topic);
}

Result<int64_t> Consumer::position(const TopicPartition& tp, std::chrono::milliseconds timeout) {
  return core_->Position(tp, timeout);
}

void Consumer::pause(const std::vector<TopicPartition>& partitions) {
  core_->fetcher().Pause(partitions);
}

void Consumer::resume(const std::vector<TopicPartition>& partitions) {
  core_->fetcher().Resume(partitions);
}

std::vector<TopicPartition> Consumer::paused() const { return core_->fetcher().Paused(); }

std::vector<ConsumerRecord> Consumer::poll(std::chrono::milliseconds timeout) {
  return core_->Poll(timeout);
}

Status Consumer::commit_sync(std::chrono::milliseconds timeout) {
  return core_->CommitSync(core_->fetcher().Consumed(), timeout);
}

Status Consumer::commit_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                             std::chrono::milliseconds timeout) {
  return core_->CommitSync(offsets, timeout);
}

void Consumer::commit_async(CommitCallback callback) {
  core_->CommitAsync(core_->fetcher().Consumed(), std::move(callback));
}

void Consumer::commit_async(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                            CommitCallback callback) {
  core_->CommitAsync(offsets, std::move(callback));
}

Result<std::map<TopicPartition, OffsetAndMetadata>> Consumer::committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  return core_->Committed(partitions, timeout);
}

ConsumerGroupMetadata Consumer::group_metadata() const { return core_->GroupMetadata(); }

void Consumer::close() { core_->Close(); }

const ClientConfig& Consumer::config() const { return core_->config(); }

}  // namespace brook::client
