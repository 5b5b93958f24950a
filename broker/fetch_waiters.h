// broker/fetch_waiters.h
//
// Fetches parked until data arrives (Kafka's DelayedFetch purgatory). A fetch
// whose min_bytes is not met registers the partitions it reads, checks the
// logs once more and then waits on a timer until max_wait_ms passes or an
// append to one of those partitions (NotifyAppended) wakes it early:
//
//   FetchWaiters::Parked parked = waiters.Park(executor, partitions);
//   ... read again; enough now? return ...
//   co_await parked.Wait(deadline);   // woken, timed out, or io context stopped
//   ... read again ...
//
// Registering before the re-check is what makes wake-ups impossible to lose:
// an append that lands before the registration is seen by the re-check, one
// after it finds the waiter and wakes it.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace brook::broker {

// Guard: mu_, a mutex (not a strand). Notify is called synchronously from any
// connection's strand right after a produce, and a fetch must be registered
// before it re-checks its logs; a mutex gives both without an async hop per
// call. The timers are not guarded by mu_: each belongs to its fetch and is
// only touched on that fetch's executor (Notify posts the cancel there).
// The broker owns one; it must outlive the io_context (coroutine frames
// destroyed with the io_context unregister their waiters).
class FetchWaiters {
 public:
  using TopicPartition = std::pair<std::string, int32_t>;

 private:
  struct Waiter {
    explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;  // only on its executor
    bool woken = false;        // guarded by FetchWaiters::mu_
  };

 public:
  // One registration: unregisters when destroyed.
  class Parked {
   public:
    Parked(Parked&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)),
          waiter_(std::move(other.waiter_)),
          partitions_(std::move(other.partitions_)) {}
    Parked& operator=(Parked&&) = delete;
    ~Parked();

    // True once an append to a registered partition happened.
    bool woken() const;
    // Waits until woken or `deadline`; returns at once if already woken.
    // REQUIRES: called on the executor given to Park, which is a strand or
    // single-threaded (the cancel Notify posts must not race the wait).
    asio::awaitable<void> Wait(std::chrono::steady_clock::time_point deadline);

   private:
    friend class FetchWaiters;
    Parked(FetchWaiters* owner, std::shared_ptr<Waiter> waiter,
           std::vector<TopicPartition> partitions)
        : owner_(owner), waiter_(std::move(waiter)), partitions_(std::move(partitions)) {}

    FetchWaiters* owner_;
    std::shared_ptr<Waiter> waiter_;
    std::vector<TopicPartition> partitions_;
  };

  FetchWaiters() = default;
  FetchWaiters(const FetchWaiters&) = delete;
  FetchWaiters& operator=(const FetchWaiters&) = delete;

  // Registers a waiter for `partitions` whose timer runs on `executor` (the
  // fetch's strand). Any thread.
  Parked Park(const asio::any_io_executor& executor, std::vector<TopicPartition> partitions);
  // Wakes every fetch parked on the partition. Any thread; never blocks on I/O.
  void Notify(const std::string& topic, int32_t partition);
  // Registrations alive now (tests).
  size_t parked_count() const;

 private:
  void Unregister(const Waiter* waiter, const std::vector<TopicPartition>& partitions);

  mutable std::mutex mu_;
  struct Entry {
    const Waiter* id;  // to find its own entries without locking the weak_ptr
    std::weak_ptr<Waiter> waiter;
  };
  // A fetch over several partitions appears once under each.
  std::multimap<TopicPartition, Entry> waiters_;  // guarded by mu_
  size_t parked_ = 0;                             // guarded by mu_
};

}  // namespace brook::broker
