// broker/testing_fixture.h
//
// A GoogleTest fixture that gives each test a fresh in-process broker on an
// ephemeral port, in memory by default (a few milliseconds to start):
//
//   #include "broker/testing_fixture.h"
//
//   class OrdersTest : public brook::broker::BrokerFixture {};
//
//   TEST_F(OrdersTest, ProducesAndConsumes) {
//     CreateTopic("orders", /*partitions=*/3);
//     RunMyServiceAgainst(bootstrap());  // "127.0.0.1:<port>"
//   }
//
// Override Configure() to change settings (disk storage in a temp dir, more
// io threads, ...); StopBroker() then StartBroker() restarts the broker with
// them. Link against brook_broker and GTest::gtest.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "broker/broker.h"
#include "storage/log_manager.h"

namespace brook::broker {

class BrokerFixture : public ::testing::Test {
 protected:
  // Called before the broker starts: adjust the settings.
  virtual void Configure(BrokerConfig& config) { (void)config; }

  void SetUp() override { StartBroker(); }
  void TearDown() override { StopBroker(); }

  // Starts a broker with the settings Configure() gives; SetUp() calls it, and
  // after StopBroker() it starts the next one (a new port; with disk storage,
  // the same data).
  void StartBroker() {
    BrokerConfig config;
    config.listener_host = "127.0.0.1";
    config.listener_port = 0;
    config.memory = true;
    Configure(config);
    broker_ = std::make_unique<Broker>(config);
    Status started = broker_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Stops and destroys the broker, closing its connections.
  void StopBroker() { broker_.reset(); }

  // "127.0.0.1:<port>" for bootstrap.servers.
  std::string bootstrap() const { return broker_->bootstrap(); }
  Broker& broker() { return *broker_; }

  // Creates a topic or fails the test.
  void CreateTopic(const std::string& name, int32_t partitions,
                   const std::map<std::string, std::string>& configs = {}) {
    Result<storage::TopicInfo> topic = broker_->logs().CreateTopic(name, partitions, configs);
    ASSERT_TRUE(topic.ok()) << topic.status().ToString();
  }

 private:
  std::unique_ptr<Broker> broker_;
};

}  // namespace brook::broker
