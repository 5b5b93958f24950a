// protocol/base/logging.cc
#include "protocol/base/logging.h"

#include <cstdio>
#include <memory>
#include <mutex>

namespace brook {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_sink_mu;
std::shared_ptr<const LogSink> g_sink;  // guarded by g_sink_mu

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "TRACE";
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kOff: return "OFF";
  }
  return "?";
}

void SetLogSink(LogSink sink) {
  std::lock_guard lock(g_sink_mu);
  g_sink = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

LogSink StderrLogSink() {
  return [](LogLevel level, std::string_view component, std::string_view message) {
    std::fprintf(stderr, "%-5.*s %.*s: %.*s\n", static_cast<int>(LogLevelName(level).size()),
                 LogLevelName(level).data(), static_cast<int>(component.size()), component.data(),
                 static_cast<int>(message.size()), message.data());
  };
}

bool Logger::Enabled(LogLevel level) const {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void Logger::Emit(LogLevel level, const std::string& message) const {
  std::shared_ptr<const LogSink> sink;
  {
    std::lock_guard lock(g_sink_mu);
    sink = g_sink;
  }
  if (sink) (*sink)(level, component_, message);
}

void LogEscaped::operator()(std::exception_ptr e) const {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log.Error(what, " failed: ", ex.what());
  } catch (...) {
    log.Error(what, " failed with an unknown exception");
  }
}

}  // namespace brook
