// protocol/base/logging.h
//
// Minimal leveled logging. The host application owns the output: by default
// nothing is printed; SetLogSink installs a callback (the brook-broker binary
// installs one writing to stderr). One `const Logger kLog("component")` per .cc.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace brook {

enum class LogLevel : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 5 };

std::string_view LogLevelName(LogLevel level);

using LogSink =
    std::function<void(LogLevel level, std::string_view component, std::string_view message)>;

// Thread-safe; replaces the previous sink. An empty sink discards everything.
void SetLogSink(LogSink sink);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// A sink that writes "LEVEL component: message" lines to stderr.
LogSink StderrLogSink();

class Logger {
 public:
  explicit constexpr Logger(std::string_view component) : component_(component) {}

  bool Enabled(LogLevel level) const;

  template <typename... Args>
  void Trace(const Args&... args) const {
    Log(LogLevel::kTrace, args...);
  }
  template <typename... Args>
  void Debug(const Args&... args) const {
    Log(LogLevel::kDebug, args...);
  }
  template <typename... Args>
  void Info(const Args&... args) const {
    Log(LogLevel::kInfo, args...);
  }
  template <typename... Args>
  void Warn(const Args&... args) const {
    Log(LogLevel::kWarn, args...);
  }
  template <typename... Args>
  void Error(const Args&... args) const {
    Log(LogLevel::kError, args...);
  }

 private:
  template <typename... Args>
  void Log(LogLevel level, const Args&... args) const {
    if (!Enabled(level)) return;
    std::ostringstream out;
    (out << ... << args);
    Emit(level, out.str());
  }
  void Emit(LogLevel level, const std::string& message) const;

  std::string_view component_;
};

// Completion handler for spawned coroutines (asio::co_spawn): an exception
// that escaped one is a bug, logged as an error on `log`, naming `what`.
struct LogEscaped {
  const Logger& log;
  const char* what;
  void operator()(std::exception_ptr e) const;
};

}  // namespace brook
