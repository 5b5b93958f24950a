// tests/broker/init_producer_id_test.cc
//
// InitProducerId for idempotent producers and the producer id blocks behind it.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "broker/producer_ids.h"
#include "storage/metadata_store.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using InitProducerIdTest = DataPlaneTest;

TEST_F(InitProducerIdTest, EveryVersionGetsANewIdWithEpochZero) {
  RawClient client = Connect();
  std::set<int64_t> ids;
  for (int16_t v = InitProducerIdRequest::kVersions.min; v <= InitProducerIdRequest::kVersions.max;
       ++v) {
    InitProducerIdRequest req{.transaction_timeout_ms = 60000};
    Result<InitProducerIdResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_GE(resp->producer_id, 0) << "v" << v;
    EXPECT_EQ(resp->producer_epoch, 0) << "v" << v;
    ids.insert(resp->producer_id);
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST_F(InitProducerIdTest, AKnownIdAndEpochStillGetANewId) {
  RawClient client = Connect();
  Result<InitProducerIdResponse> first = Call(client, InitProducerIdRequest{}, 4);
  ASSERT_TRUE(first.ok());
  InitProducerIdRequest again{.producer_id = first->producer_id, .producer_epoch = 0};
  Result<InitProducerIdResponse> second = Call(client, again, 4);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->error_code, ErrorCode::kNone);
  EXPECT_NE(second->producer_id, first->producer_id);
  EXPECT_EQ(second->producer_epoch, 0);
}

TEST_F(InitProducerIdTest, IdWithoutEpochIsInvalidRequest) {
  RawClient client = Connect();
  for (InitProducerIdRequest req :
       {InitProducerIdRequest{.producer_id = 5, .producer_epoch = -1},
        InitProducerIdRequest{.producer_id = -1, .producer_epoch = 3}}) {
    Result<InitProducerIdResponse> resp = Call(client, req, 3);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kInvalidRequest);
    EXPECT_EQ(resp->producer_id, -1);
    EXPECT_EQ(resp->producer_epoch, -1);
  }
}

TEST(ProducerIdManagerTest, IdsAreUniqueAcrossRestarts) {
  testing::TempDir dir;
  std::set<int64_t> seen;
  for (int run = 0; run < 3; ++run) {
    Result<std::unique_ptr<storage::MetadataStore>> catalog =
        storage::MetadataStore::Open(dir.path() + "/catalog");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    ProducerIdManager ids(**catalog);
    for (int i = 0; i < 1500; ++i) {  // more than a block
      Result<int64_t> id = ids.NextId();
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_TRUE(seen.insert(*id).second) << "id " << *id << " handed out twice";
    }
  }
}

TEST(ProducerIdManagerTest, ThreadsNeverShareAnId) {
  Result<std::unique_ptr<storage::MetadataStore>> catalog = storage::MetadataStore::OpenInMemory();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ProducerIdManager ids(**catalog);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 700;
  std::vector<std::vector<int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, &got, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Result<int64_t> id = ids.NextId();
        if (id.ok()) got[t].push_back(*id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace brook::broker
