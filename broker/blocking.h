// broker/blocking.h
//
// Runs a blocking call (an fsync'd append, a coordinator step that writes
// several logs) on the broker's blocking pool and resumes the awaiting
// coroutine on its own executor (the connection's strand) with the result,
// so io threads keep serving other connections meanwhile.
//
//   PartitionResponse r = co_await RunBlocking<PartitionResponse>(pool, [&] { return Append(); });
//
// `fn` runs on a pool thread, start to finish: locks it takes are released
// there. References it captures must outlive the co_await (the awaiting
// coroutine's frame does).
#pragma once

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <functional>
#include <utility>

namespace brook::broker {

template <typename R>
asio::awaitable<R> RunBlocking(asio::thread_pool& pool, std::function<R()> fn) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      [&pool](auto handler, std::function<R()> f) {
        asio::post(pool, [handler = std::move(handler), f = std::move(f)]() mutable {
          R result = f();
          auto home = asio::get_associated_executor(handler);
          asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace brook::broker
