// broker/fetch_waiters.cc
#include "broker/fetch_waiters.h"

#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

namespace brook::broker {

FetchWaiters::Parked::~Parked() {
  if (owner_ != nullptr) owner_->Unregister(waiter_.get(), partitions_);
}

bool FetchWaiters::Parked::woken() const {
  std::lock_guard lock(owner_->mu_);
  return waiter_->woken;
}

asio::awaitable<void> FetchWaiters::Parked::Wait(std::chrono::steady_clock::time_point deadline) {
  // Nothing between this check and the start of async_wait lets another
  // handler run on this executor, so a cancel posted by Notify after the
  // check finds the wait in progress.
  if (woken()) co_return;
  waiter_->timer.expires_at(deadline);
  asio::error_code ec;  // operation_aborted when woken
  co_await waiter_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

FetchWaiters::Parked FetchWaiters::Park(const asio::any_io_executor& executor,
                                        std::vector<TopicPartition> partitions) {
  auto waiter = std::make_shared<Waiter>(executor);
  std::lock_guard lock(mu_);
  for (const TopicPartition& tp : partitions) waiters_.emplace(tp, Entry{waiter.get(), waiter});
  ++parked_;
  return Parked(this, std::move(waiter), std::move(partitions));
}

void FetchWaiters::Notify(const std::string& topic, int32_t partition) {
  std::vector<std::shared_ptr<Waiter>> to_wake;
  {
    std::lock_guard lock(mu_);
    auto [begin, end] = waiters_.equal_range(TopicPartition(topic, partition));
    for (auto it = begin; it != end; ++it) {
      std::shared_ptr<Waiter> waiter = it->second.waiter.lock();
      if (waiter == nullptr || waiter->woken) continue;  // one cancel per waiter is enough
      waiter->woken = true;
      to_wake.push_back(std::move(waiter));
    }
  }
  // The timer is touched only on its own executor. If the io context has
  // stopped, the handler (and its reference to the waiter) is destroyed with it.
  for (std::shared_ptr<Waiter>& waiter : to_wake) {
    asio::any_io_executor executor = waiter->timer.get_executor();
    asio::post(executor, [w = std::move(waiter)] { w->timer.cancel(); });
  }
}

size_t FetchWaiters::parked_count() const {
  std::lock_guard lock(mu_);
  return parked_;
}

void FetchWaiters::Unregister(const Waiter* waiter, const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mu_);
  for (const TopicPartition& tp : partitions) {
    auto [begin, end] = waiters_.equal_range(tp);
    for (auto it = begin; it != end;) {
      // The Parked that owns `waiter` is alive, so no other waiter has its address.
      if (it->second.id == waiter) {
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  --parked_;
}

}  // namespace brook::broker
