// tests/client/client_testing.h
//
// Shared by the client tests: a fixture with an embedded in-memory broker, and
// python3 confluent_kafka (librdkafka) child processes.
#pragma once

#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <utility>

#include "broker/testing_fixture.h"
#include "tests/testing/test_env.h"

namespace brook::client {

// A BrokerFixture running the io threads the test run asks for.
class ClientTest : public broker::BrokerFixture {
 protected:
  void Configure(broker::BrokerConfig& config) override {
    config.io_threads = brook::testing::TestIoThreads();
    if (configure_) configure_(config);
  }

  using BrokerFixture::StartBroker;
  // Replaces the broker, if one runs, with one whose settings `configure`
  // adjusts (also on every later start).
  void StartBroker(std::function<void(broker::BrokerConfig&)> configure) {
    configure_ = std::move(configure);
    StopBroker();
    BrokerFixture::StartBroker();
  }

 private:
  std::function<void(broker::BrokerConfig&)> configure_;
};

// Whether /usr/bin/python3 can import confluent_kafka (tools/deps.sh interop).
inline bool HaveConfluentKafka() {
  return ::system("/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null") == 0;
}

// Reads the rest of a popen()ed child's output into `output` and closes it;
// returns its wait status.
inline int ReadAndClose(FILE* pipe, std::string& output) {
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  return ::pclose(pipe);
}

}  // namespace brook::client
