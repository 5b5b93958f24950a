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
#include <thread>

#include "client/fetcher.h"
#include "client/network/cluster.h"
#include "protocol/base/logging.h"

namespace brook::client {
namespace {

const Logger kLog("client.consumer");

using Clock = std::chrono::steady_clock;

std::atomic<int> consumer_count{0};

void LogEscaped(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    kLog.Error("consumer coroutine escaped: ", ex.what());
  }
}

}  // namespace

// Owns the io thread, the cluster view and the fetcher. The loop that sends
// metadata, offset and fetch requests runs on strand_; the fetcher's
// partition table is shared with the calling thread under its own mutex.
class ConsumerCore {
 public:
  explicit ConsumerCore(ClientConfig config)
      : config_(std::move(config)),
        work_(asio::make_work_guard(io_)),
        strand_(asio::make_strand(io_)),
        cluster_(io_, config_),
        fetcher_(config_, cluster_, strand_, [this] { Wake(); }),
        wake_timer_(strand_) {}

  ~ConsumerCore() {
    Close();
    if (io_thread_.joinable()) io_thread_.join();
  }

  void Start() {
    asio::co_spawn(strand_, RunLoop(), [this](std::exception_ptr e) {
      LogEscaped(e);
      loop_done_.set_value();
    });
    io_thread_ = std::thread([this] { io_.run(); });
  }

  const ClientConfig& config() const { return config_; }
  Fetcher& fetcher() { return fetcher_; }

  std::vector<ConsumerRecord> Poll(std::chrono::milliseconds timeout) {
    if (closed_.load()) throw ClientError(Status(ClientErrc::kClosed, "consumer is closed"));
    Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      if (std::optional<ClientError> e = fetcher_.TakeError()) throw *e;
      std::vector<ConsumerRecord> records =
          fetcher_.Drain(static_cast<size_t>(config_.max_poll_records));
      if (!records.empty()) {
        Wake();  // drained partitions can be fetched again
        return records;
      }
      if (Clock::now() >= deadline) return records;
      Wake();
      fetcher_.Wait(deadline, nullptr);
    }
  }

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

  // Any thread: the loop looks again.
  void Wake() {
    asio::post(strand_, [this] {
      wake_pending_ = true;
      wake_timer_.cancel();
    });
  }

  void Close() {
    if (closed_.exchange(true)) return;
    closing_.store(true);
    Wake();
    loop_done_.get_future().wait();
    cluster_.Close();
    work_.reset();
    asio::post(io_, [this] { io_.stop(); });
    if (io_thread_.joinable() && io_thread_.get_id() != std::this_thread::get_id()) {
      io_thread_.join();
    }
  }

 private:
  asio::awaitable<void> RunLoop();
  asio::awaitable<void> RefreshMetadata();

  const ClientConfig config_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::strand<asio::io_context::executor_type> strand_;
  Cluster cluster_;
  Fetcher fetcher_;
  asio::steady_timer wake_timer_;  // strand_
  std::promise<void> loop_done_;
  std::thread io_thread_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> closing_{false};

  // strand_:
  bool wake_pending_ = false;
  Clock::time_point metadata_retry_at_{};
};

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
    co_await fetcher_.SendRequests();
    if (wake_pending_) {
      wake_pending_ = false;
      continue;
    }
    Clock::time_point now = Clock::now();
    Clock::time_point until = now + std::chrono::seconds(1);
    if (std::optional<Clock::time_point> retry = fetcher_.NextRetry()) {
      until = std::min(until, *retry);
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

void Consumer::assign(const std::vector<TopicPartition>& partitions) {
  core_->fetcher().Assign(partitions, /*committed_first=*/false);
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

void Consumer::close() { core_->Close(); }

const ClientConfig& Consumer::config() const { return core_->config(); }

}  // namespace brook::client
