// tests/storage/metadata_store_test.cc
//
// The catalog on both backends (RocksDB's in-memory Env and a real directory),
// plus what only the disk can show: everything survives closing and reopening.
#include "storage/metadata_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/base/uuid.h"
#include "storage/errors.h"
#include "tests/storage/file_system_testing.h"
#include "tests/testing/serde_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

enum class Backend { kMemory, kDisk };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kMemory ? "Memory" : "Disk";
}

TopicRecord Topic(std::string name, int32_t partitions = 3) {
  TopicRecord topic;
  topic.name = std::move(name);
  topic.topic_id = Uuid::Random();
  topic.partitions = partitions;
  topic.created_ms = 1'700'000'000'000;
  return topic;
}

PartitionCheckpoint Checkpoint(std::string topic, int32_t partition, int64_t base) {
  return PartitionCheckpoint{.topic = std::move(topic),
                             .partition = partition,
                             .log_start_offset = base,
                             .recovery_point = base + 10,
                             .high_watermark = base + 20};
}

std::vector<std::string> Names(const std::vector<TopicRecord>& topics) {
  std::vector<std::string> names;
  for (const TopicRecord& topic : topics) names.push_back(topic.name);
  return names;
}

std::vector<int32_t> Partitions(const std::vector<PartitionCheckpoint>& checkpoints) {
  std::vector<int32_t> partitions;
  for (const PartitionCheckpoint& checkpoint : checkpoints) {
    partitions.push_back(checkpoint.partition);
  }
  return partitions;
}

class MetadataStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MetadataStore>> store = GetParam() == Backend::kMemory
                                                       ? MetadataStore::OpenInMemory()
                                                       : MetadataStore::Open(dir_.path() + "/db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  brook::testing::TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, MetadataStoreTest,
                         ::testing::Values(Backend::kMemory, Backend::kDisk), BackendName);

// --- Topics ---

TEST_P(MetadataStoreTest, GetTopicReturnsWhatPutTopicWrote) {
  const TopicRecord topic = Topic("orders", /*partitions=*/12);
  ASSERT_OK(store_->PutTopic(topic));

  Result<TopicRecord> read = store_->GetTopic("orders");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, topic);
  EXPECT_EQ(read->topic_id, topic.topic_id);
  EXPECT_EQ(read->partitions, 12);
  EXPECT_EQ(read->created_ms, 1'700'000'000'000);
}

TEST_P(MetadataStoreTest, ConfigsRoundTrip) {
  TopicRecord topic = Topic("compacted");
  topic.configs = {{"cleanup.policy", "compact"},
                   {"retention.ms", "-1"},
                   {"empty.value", ""},
                   {"max.message.bytes", std::string(300, 'x')}};
  ASSERT_OK(store_->PutTopic(topic));

  Result<TopicRecord> read = store_->GetTopic("compacted");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->configs, topic.configs);
}

TEST_P(MetadataStoreTest, PutTopicReplacesTheRecord) {
  TopicRecord topic = Topic("t", /*partitions=*/1);
  ASSERT_OK(store_->PutTopic(topic));
  topic.partitions = 6;
  topic.configs["retention.ms"] = "1000";
  ASSERT_OK(store_->PutTopic(topic));

  Result<TopicRecord> read = store_->GetTopic("t");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, topic);
  Result<std::vector<TopicRecord>> all = store_->ListTopics();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 1u);
}

TEST_P(MetadataStoreTest, GetTopicOfAnUnknownNameIsNotFound) {
  ASSERT_OK(store_->PutTopic(Topic("known")));
  Result<TopicRecord> read = store_->GetTopic("unknown");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Errc::kNotFound);
  EXPECT_NE(read.status().ToString().find("unknown"), std::string::npos);
}

TEST_P(MetadataStoreTest, ListTopicsReturnsEveryTopicByName) {
  Result<std::vector<TopicRecord>> empty = store_->ListTopics();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());

  for (const char* name : {"payments", "audit", "orders"}) ASSERT_OK(store_->PutTopic(Topic(name)));
  // Facts and checkpoints share the key space without showing up as topics.
  ASSERT_OK(store_->PutCheckpoints(std::vector{Checkpoint("orders", 0, 0)}));
  ASSERT_TRUE(store_->GetOrCreateClusterId().ok());

  Result<std::vector<TopicRecord>> all = store_->ListTopics();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Names(*all), (std::vector<std::string>{"audit", "orders", "payments"}));
}

TEST_P(MetadataStoreTest, DeleteTopicRemovesItAndOnlyItsCheckpoints) {
  // Names next to "a" in key order: their checkpoint keys must survive.
  const std::vector<std::string> names = {"a", "a-1", "a.b", "a0", "a_", "b"};
  std::vector<PartitionCheckpoint> checkpoints;
  for (const std::string& name : names) {
    ASSERT_OK(store_->PutTopic(Topic(name)));
    for (int32_t p = 0; p < 3; ++p) checkpoints.push_back(Checkpoint(name, p, 100 * p));
  }
  ASSERT_OK(store_->PutCheckpoints(checkpoints));

  ASSERT_OK(store_->DeleteTopic("a"));

  EXPECT_EQ(store_->GetTopic("a").status().code(), Errc::kNotFound);
  EXPECT_EQ(store_->GetCheckpoint("a", 1).status().code(), Errc::kNotFound);
  Result<std::vector<PartitionCheckpoint>> gone = store_->ListCheckpoints("a");
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_TRUE(gone->empty());

  Result<std::vector<TopicRecord>> all = store_->ListTopics();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Names(*all), (std::vector<std::string>{"a-1", "a.b", "a0", "a_", "b"}));
  for (const char* name : {"a-1", "a.b", "a0", "a_", "b"}) {
    Result<std::vector<PartitionCheckpoint>> kept = store_->ListCheckpoints(name);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(Partitions(*kept), (std::vector<int32_t>{0, 1, 2})) << name;
  }
}

TEST_P(MetadataStoreTest, DeleteTopicOfAnUnknownNameIsNotFound) {
  Status s = store_->DeleteTopic("never-created");
  EXPECT_EQ(s.code(), Errc::kNotFound);
}

TEST_P(MetadataStoreTest, TopicNamesThatWouldBreakTheKeyLayoutAreRejected) {
  EXPECT_EQ(store_->PutTopic(Topic("")).code(), Errc::kInvalidArgument);
  EXPECT_EQ(store_->PutTopic(Topic("a/b")).code(), Errc::kInvalidArgument);
  EXPECT_EQ(store_->GetTopic("a/b").status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(store_->DeleteTopic("").code(), Errc::kInvalidArgument);
  EXPECT_EQ(store_->ListCheckpoints("a/0000000001").status().code(), Errc::kInvalidArgument);
  Result<std::vector<TopicRecord>> all = store_->ListTopics();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->empty());
}

// --- Checkpoints ---

TEST_P(MetadataStoreTest, PutCheckpointsWritesTheWholeBatch) {
  std::vector<PartitionCheckpoint> batch;
  for (int32_t p : {10, 2, 0, 1}) batch.push_back(Checkpoint("t", p, 1000 + p));
  ASSERT_OK(store_->PutCheckpoints(batch));

  for (const PartitionCheckpoint& expected : batch) {
    Result<PartitionCheckpoint> read = store_->GetCheckpoint("t", expected.partition);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(*read, expected);
  }
  // Ordered by partition number, not by its text ("10" < "2").
  Result<std::vector<PartitionCheckpoint>> all = store_->ListCheckpoints("t");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Partitions(*all), (std::vector<int32_t>{0, 1, 2, 10}));
}

TEST(PartitionCheckpointTest, VersionOneAddsTheCleanerPositionAndVersionZeroStillReads) {
  PartitionCheckpoint c = Checkpoint("t", 3, 100);
  c.first_dirty_offset = 112;
  c.next_delete_horizon_ms = 1'700'000'000'123;
  EXPECT_EQ(brook::testing::RoundTrip(c, 1), c);
  // A checkpoint written before version 1 has no cleaner position.
  PartitionCheckpoint old = brook::testing::RoundTrip(c, 0);
  EXPECT_EQ(old.high_watermark, c.high_watermark);
  EXPECT_EQ(old.first_dirty_offset, -1);
  EXPECT_EQ(old.next_delete_horizon_ms, -1);
  brook::testing::ExpectEveryTruncationFails(c, 1);
}

TEST_P(MetadataStoreTest, PutCheckpointsOverwritesEarlierOnes) {
  ASSERT_OK(store_->PutCheckpoints(std::vector{Checkpoint("t", 0, 5), Checkpoint("t", 1, 5)}));
  const PartitionCheckpoint newer = Checkpoint("t", 1, 500);
  ASSERT_OK(store_->PutCheckpoints(std::vector{newer}));

  Result<PartitionCheckpoint> read = store_->GetCheckpoint("t", 1);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, newer);
  Result<PartitionCheckpoint> untouched = store_->GetCheckpoint("t", 0);
  ASSERT_TRUE(untouched.ok()) << untouched.status().ToString();
  EXPECT_EQ(untouched->log_start_offset, 5);
}

TEST_P(MetadataStoreTest, ABatchWithAnInvalidCheckpointWritesNothing) {
  const std::vector<PartitionCheckpoint> batch = {Checkpoint("t", 0, 1), Checkpoint("t", 1, 1),
                                                  Checkpoint("t", -1, 1)};
  EXPECT_EQ(store_->PutCheckpoints(batch).code(), Errc::kInvalidArgument);

  Result<std::vector<PartitionCheckpoint>> all = store_->ListCheckpoints("t");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->empty());
}

TEST_P(MetadataStoreTest, GetCheckpointOfAnUnwrittenPartitionIsNotFound) {
  ASSERT_OK(store_->PutCheckpoints(std::vector{Checkpoint("t", 0, 0)}));
  EXPECT_EQ(store_->GetCheckpoint("t", 1).status().code(), Errc::kNotFound);
  EXPECT_EQ(store_->GetCheckpoint("u", 0).status().code(), Errc::kNotFound);
  EXPECT_EQ(store_->GetCheckpoint("t", -1).status().code(), Errc::kInvalidArgument);
}

TEST_P(MetadataStoreTest, CheckpointValueHasTheDocumentedLayout) {
  ASSERT_OK(store_->PutCheckpoints(std::vector{PartitionCheckpoint{.topic = "t",
                                                                   .partition = 3,
                                                                   .log_start_offset = 1,
                                                                   .recovery_point = 0x0102,
                                                                   .high_watermark = -1}}));
  Result<std::string> raw = store_->Get("c/t/0000000003");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(brook::testing::ToHex(*raw),
            "0001"              // record version 1
            "0274"              // topic: compact string "t"
            "00000003"          // partition
            "0000000000000001"  // log_start_offset
            "0000000000000102"  // recovery_point
            "ffffffffffffffff"  // high_watermark
            "ffffffffffffffff"  // first_dirty_offset (v1+): none
            "ffffffffffffffff"  // next_delete_horizon_ms (v1+): none
            "00");              // no tagged fields
}

// --- Cluster facts ---

TEST_P(MetadataStoreTest, ClusterIdIsABase64UuidCreatedOnce) {
  Result<std::string> first = store_->GetOrCreateClusterId();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 22u);
  std::optional<Uuid> uuid = Uuid::FromBase64(*first);
  ASSERT_TRUE(uuid.has_value()) << *first;
  EXPECT_FALSE(uuid->is_zero());

  Result<std::string> second = store_->GetOrCreateClusterId();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, *first);
}

TEST_P(MetadataStoreTest, ProducerIdBlocksAreConsecutiveAndDisjoint) {
  Result<int64_t> a = store_->AllocateProducerIdBlock(1000);
  Result<int64_t> b = store_->AllocateProducerIdBlock(10);
  Result<int64_t> c = store_->AllocateProducerIdBlock(1);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, 0);
  EXPECT_EQ(*b, 1000);
  EXPECT_EQ(*c, 1010);
}

TEST_P(MetadataStoreTest, ProducerIdBlockSizeMustBePositive) {
  EXPECT_EQ(store_->AllocateProducerIdBlock(0).status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(store_->AllocateProducerIdBlock(-5).status().code(), Errc::kInvalidArgument);
  Result<int64_t> first = store_->AllocateProducerIdBlock(5);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 0);  // the rejected calls reserved nothing
}

TEST_P(MetadataStoreTest, ConcurrentProducerIdBlocksNeverOverlap) {
  constexpr int kThreads = 4;
  constexpr int kBlocksPerThread = 25;
  constexpr int32_t kBlockSize = 7;
  std::vector<std::vector<int64_t>> firsts(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBlocksPerThread; ++i) {
        Result<int64_t> first = store_->AllocateProducerIdBlock(kBlockSize);
        firsts[t].push_back(first.ok() ? *first : -1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<int64_t> all;
  for (const std::vector<int64_t>& some : firsts) all.insert(all.end(), some.begin(), some.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), size_t{kThreads * kBlocksPerThread});
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i], static_cast<int64_t>(i) * kBlockSize) << "block " << i;
  }
}

// --- Generic facts ---

TEST_P(MetadataStoreTest, GenericFactsPutGetAndDelete) {
  EXPECT_EQ(store_->Get("m/controller.epoch").status().code(), Errc::kNotFound);
  ASSERT_OK(store_->Put("m/controller.epoch", std::string("\x00\x07", 2)));
  Result<std::string> read = store_->Get("m/controller.epoch");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, std::string("\x00\x07", 2));

  ASSERT_OK(store_->Delete("m/controller.epoch"));
  EXPECT_EQ(store_->Get("m/controller.epoch").status().code(), Errc::kNotFound);
  EXPECT_OK(store_->Delete("m/controller.epoch"));  // already gone
  EXPECT_EQ(store_->Put("", "v").code(), Errc::kInvalidArgument);
}

// --- Corrupt values ---

TEST_P(MetadataStoreTest, GarbageUnderATopicKeyFailsCleanly) {
  ASSERT_OK(store_->PutTopic(Topic("good")));
  ASSERT_OK(store_->Put("t/broken", "this is not a topic record"));

  Result<TopicRecord> read = store_->GetTopic("broken");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Errc::kCorruptMetadata);
  EXPECT_NE(read.status().ToString().find("t/broken"), std::string::npos)
      << read.status().ToString();
  Result<std::vector<TopicRecord>> all = store_->ListTopics();
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), Errc::kCorruptMetadata);
  // The good record is still readable on its own.
  EXPECT_TRUE(store_->GetTopic("good").ok());
}

TEST_P(MetadataStoreTest, EveryTruncationOfATopicValueIsCorrupt) {
  TopicRecord topic = Topic("t");
  topic.configs = {{"k", "v"}};
  ASSERT_OK(store_->PutTopic(topic));
  Result<std::string> raw = store_->Get("t/t");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();

  for (size_t n = 0; n < raw->size(); ++n) {
    ASSERT_OK(store_->Put("t/t", raw->substr(0, n)));
    EXPECT_EQ(store_->GetTopic("t").status().code(), Errc::kCorruptMetadata) << n << " bytes";
  }
  ASSERT_OK(store_->Put("t/t", *raw + "x"));  // trailing bytes
  EXPECT_EQ(store_->GetTopic("t").status().code(), Errc::kCorruptMetadata);
}

TEST_P(MetadataStoreTest, ARecordUnderAnotherTopicsKeyIsCorrupt) {
  ASSERT_OK(store_->PutTopic(Topic("orders")));
  Result<std::string> raw = store_->Get("t/orders");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_OK(store_->Put("t/copy", *raw));

  Result<TopicRecord> read = store_->GetTopic("copy");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Errc::kCorruptMetadata);
}

TEST_P(MetadataStoreTest, ANewerRecordVersionIsRejected) {
  ASSERT_OK(store_->PutTopic(Topic("t")));
  Result<std::string> raw = store_->Get("t/t");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  std::string newer = *raw;
  newer[1] = 1;  // version 1
  ASSERT_OK(store_->Put("t/t", newer));

  Result<TopicRecord> read = store_->GetTopic("t");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Errc::kCorruptMetadata);
  EXPECT_NE(read.status().ToString().find("version 1"), std::string::npos)
      << read.status().ToString();
}

TEST_P(MetadataStoreTest, UnknownTaggedFieldsAreSkipped) {
  const TopicRecord topic = Topic("t");
  ASSERT_OK(store_->PutTopic(topic));
  Result<std::string> raw = store_->Get("t/t");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  // Replace the empty tag section closing the record with one unknown tag,
  // as a later release adding a field would write.
  ASSERT_EQ(raw->back(), '\0');
  std::string with_tag = raw->substr(0, raw->size() - 1) + std::string("\x01\x07\x02xy", 5);
  ASSERT_OK(store_->Put("t/t", with_tag));

  Result<TopicRecord> read = store_->GetTopic("t");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, topic);
}

TEST_P(MetadataStoreTest, GarbageUnderACheckpointKeyFailsCleanly) {
  ASSERT_OK(store_->Put("c/t/0000000000", std::string("\x00\x00garbage", 9)));
  EXPECT_EQ(store_->GetCheckpoint("t", 0).status().code(), Errc::kCorruptMetadata);
  EXPECT_EQ(store_->ListCheckpoints("t").status().code(), Errc::kCorruptMetadata);

  ASSERT_OK(store_->Delete("c/t/0000000000"));
  ASSERT_OK(store_->Put("c/t/7", ""));  // not a 10-digit partition
  EXPECT_EQ(store_->ListCheckpoints("t").status().code(), Errc::kCorruptMetadata);
}

TEST_P(MetadataStoreTest, CorruptClusterFactsFailCleanly) {
  ASSERT_OK(store_->Put("m/cluster_id", "not-a-uuid"));
  EXPECT_EQ(store_->GetOrCreateClusterId().status().code(), Errc::kCorruptMetadata);

  ASSERT_OK(store_->Put("m/next_producer_id", std::string("\x00", 1)));
  EXPECT_EQ(store_->AllocateProducerIdBlock(1).status().code(), Errc::kCorruptMetadata);
}

// --- Only on disk ---

class MetadataStoreReopenTest : public ::testing::Test {
 protected:
  std::unique_ptr<MetadataStore> OpenStore() {
    Result<std::unique_ptr<MetadataStore>> store = MetadataStore::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  brook::testing::TempDir dir_;
  std::string path_ = dir_.path() + "/db";
};

TEST_F(MetadataStoreReopenTest, ReopeningKeepsEverything) {
  TopicRecord kept = Topic("kept", /*partitions=*/2);
  kept.configs = {{"retention.ms", "3600000"}};
  const std::vector<PartitionCheckpoint> checkpoints = {Checkpoint("kept", 0, 40),
                                                        Checkpoint("kept", 1, 41)};
  {
    std::unique_ptr<MetadataStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_OK(store->PutTopic(kept));
    ASSERT_OK(store->PutTopic(Topic("deleted")));
    ASSERT_OK(store->PutCheckpoints(checkpoints));
    ASSERT_OK(store->PutCheckpoints(std::vector{Checkpoint("deleted", 0, 1)}));
    ASSERT_OK(store->DeleteTopic("deleted"));
    ASSERT_OK(store->Put("m/fact", "value"));
  }

  std::unique_ptr<MetadataStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::vector<TopicRecord>> topics = store->ListTopics();
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_EQ(*topics, std::vector<TopicRecord>{kept});
  Result<std::vector<PartitionCheckpoint>> read = store->ListCheckpoints("kept");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, checkpoints);
  EXPECT_EQ(store->GetCheckpoint("deleted", 0).status().code(), Errc::kNotFound);
  Result<std::string> fact = store->Get("m/fact");
  ASSERT_TRUE(fact.ok()) << fact.status().ToString();
  EXPECT_EQ(*fact, "value");
}

TEST_F(MetadataStoreReopenTest, ClusterIdIsStableAcrossReopening) {
  std::string first;
  {
    std::unique_ptr<MetadataStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    Result<std::string> id = store->GetOrCreateClusterId();
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    first = *id;
  }
  for (int i = 0; i < 2; ++i) {
    std::unique_ptr<MetadataStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    Result<std::string> id = store->GetOrCreateClusterId();
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(*id, first) << "reopen " << i;
  }
}

TEST_F(MetadataStoreReopenTest, ProducerIdBlocksKeepIncreasingAcrossReopening) {
  int64_t previous_end = 0;  // one past the last id of the previous block
  for (int reopen = 0; reopen < 3; ++reopen) {
    std::unique_ptr<MetadataStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int32_t block_size : {1000, 3}) {
      Result<int64_t> first = store->AllocateProducerIdBlock(block_size);
      ASSERT_TRUE(first.ok()) << first.status().ToString();
      EXPECT_GE(*first, previous_end) << "reopen " << reopen;
      previous_end = *first + block_size;
    }
  }
  EXPECT_EQ(previous_end, 3 * 1003);
}

TEST_F(MetadataStoreReopenTest, ASecondOpenOfTheSameDirectoryFailsCleanly) {
  std::unique_ptr<MetadataStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<std::unique_ptr<MetadataStore>> second = MetadataStore::Open(path_);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().ToString().find(path_), std::string::npos)
      << second.status().ToString();
}

TEST_F(MetadataStoreReopenTest, OpeningAPathThatIsAFileFailsCleanly) {
  std::ofstream(path_) << "not a database";
  Result<std::unique_ptr<MetadataStore>> store = MetadataStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().ToString().find(path_), std::string::npos) << store.status().ToString();
}

}  // namespace
}  // namespace brook::storage
