// bench/broker_process.h
//
// A brook-broker child process for the benchmarks that measure a real broker
// (client-bench, txn-bench): on a free loopback port, in memory or on a
// temporary data directory, its output in broker.log there.
#pragma once

#include <sys/types.h>

#include <string>

namespace brook::bench {

enum class Storage { kMemory, kDisk };

// Owns the child and its directory: SIGTERM and removal on destruction. One
// at a time per program (StopRunningBroker() knows the running one).
class BrokerProcess {
 public:
  // Starts `binary` and waits up to 15 s for it to listen. On failure prints
  // "<program>: <what>" to stderr, stops the child, removes the directory and
  // exits with 1. `program` also names the directory: /tmp/brook-<program>-*.
  BrokerProcess(const std::string& program, const std::string& binary, Storage storage);
  ~BrokerProcess();
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  const std::string& bootstrap() const { return bootstrap_; }

 private:
  [[noreturn]] void Fail(const std::string& what);
  int FreePort();

  std::string program_;
  std::string dir_;
  std::string bootstrap_;
  pid_t pid_ = -1;
};

// Stops the running BrokerProcess's child and removes its directory, if there
// is one: for a fatal error's exit(), which skips destructors.
void StopRunningBroker();

}  // namespace brook::bench
