// tests/broker/testing_fixture_test.cc
//
// The embedding fixture as a user would use it, and bad bytes on the wire:
// garbage on one connection never disturbs the broker's other clients.
#include "broker/testing_fixture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "protocol/messages/metadata.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

class FixtureTest : public BrokerFixture {};

TEST_F(FixtureTest, GivesAFreshBrokerWithTopics) {
  CreateTopic("orders", 3);
  RawClient client;
  ASSERT_TRUE(client.Connect("127.0.0.1", broker().port()).ok());
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({.name = "orders"});
  req.allow_auto_topic_creation = false;
  Result<MetadataResponse> resp = Call(client, req, 12);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  ASSERT_EQ(resp->topics.size(), 1u);
  EXPECT_EQ(resp->topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->topics[0].partitions.size(), 3u);
  EXPECT_EQ(bootstrap(), "127.0.0.1:" + std::to_string(broker().port()));
}

class DiskFixtureTest : public BrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    config.memory = false;
    config.log_dirs = dir_.path();
  }
  brook::testing::TempDir dir_;  // removed after the broker (declared in the derived class)
};

TEST_F(DiskFixtureTest, CanUseTheDisk) {
  CreateTopic("on-disk", 1);
  EXPECT_TRUE(broker().logs().Partition("on-disk", 0) != nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/on-disk-0/00000000000000000000.log"));
}

class RandomBytesTest : public BrokerFixture {};

TEST_F(RandomBytesTest, GarbageConnectionsLeaveOtherClientsServed) {
  RawClient good;
  ASSERT_TRUE(good.Connect("127.0.0.1", broker().port()).ok());
  std::mt19937 rng(4242);
  for (int round = 0; round < 50; ++round) {
    RawClient bad;
    ASSERT_TRUE(bad.Connect("127.0.0.1", broker().port()).ok());
    // A plausible size prefix (so the broker reads the body) followed by noise.
    std::string bytes(4 + rng() % 200, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    uint32_t size = static_cast<uint32_t>(bytes.size() - 4);
    if (round % 2 == 0) {
      for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(size >> (24 - 8 * i));
    }
    ASSERT_TRUE(bad.SendRaw(bytes).ok());
    // Whatever the broker made of it, the good connection is still answered.
    Result<ApiVersionsResponse> versions = Call(good, ApiVersionsRequest{}, 2);
    ASSERT_TRUE(versions.ok()) << "round " << round << ": " << versions.status().ToString();
  }
}

}  // namespace
}  // namespace brook::broker
