// tests/storage/log_manager_test.cc
#include "storage/log_manager.h"

#include <gtest/gtest.h>

#include "protocol/record_batch.h"
#include "storage/errors.h"
#include "storage/mem_file_system.h"
#include "storage/metadata_store.h"
#include "storage/posix_file_system.h"
#include "tests/storage/file_system_testing.h"
#include "tests/testing/temp_dir.h"

namespace brook::storage {
namespace {

constexpr int64_t kT0 = 1700000000000;

std::string OneRecordBatch(const std::string& value) {
  RecordBatchHeader h;
  h.base_timestamp = kT0;
  std::vector<Record> records{Record{.key = "k", .value = value}};
  return *BuildRecordBatch(h, Compression::kNone, records);
}

class LogManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MetadataStore>> catalog = MetadataStore::OpenInMemory();
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(catalog).value();
    Open();
  }
  void Open() {
    Result<std::unique_ptr<LogManager>> m = LogManager::Open(
        {.fs = &fs_, .catalog = catalog_.get(), .defaults = {}, .now = [] { return kT0; }});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    manager_ = std::move(m).value();
  }
  void Reopen() {
    ASSERT_OK(manager_->Close());
    manager_.reset();
    Open();
  }

  MemFileSystem fs_;
  std::unique_ptr<MetadataStore> catalog_;
  std::unique_ptr<LogManager> manager_;
};

TEST_F(LogManagerTest, CreatesTopicsWithPartitionsAndConfigs) {
  Result<TopicInfo> t = manager_->CreateTopic("orders", 3, {{"retention.ms", "1000"}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->partitions, 3);
  EXPECT_FALSE(t->topic_id.is_zero());
  EXPECT_EQ(t->config.retention_ms, 1000);
  for (int p = 0; p < 3; ++p) EXPECT_NE(manager_->Partition("orders", p), nullptr);
  EXPECT_EQ(manager_->Partition("orders", 3), nullptr);
  EXPECT_EQ(manager_->Partition("nope", 0), nullptr);
  EXPECT_EQ(manager_->TopicById(t->topic_id)->name, "orders");
  EXPECT_TRUE(fs_.Exists("orders-2"));
}

TEST_F(LogManagerTest, RejectsBadTopicsWithTheRightCodes) {
  ASSERT_TRUE(manager_->CreateTopic("t", 1, {}).ok());
  EXPECT_EQ(manager_->CreateTopic("t", 1, {}).status().code(), Errc::kDuplicateTopic);
  EXPECT_EQ(manager_->CreateTopic("bad name", 1, {}).status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(manager_->CreateTopic("u", 0, {}).status().code(), Errc::kInvalidArgument);
  EXPECT_EQ(manager_->CreateTopic("u", 1, {{"nonsense", "1"}}).status().code(),
            Errc::kInvalidArgument);
  EXPECT_FALSE(manager_->Topic("u").has_value());
}

TEST_F(LogManagerTest, ValidateOnlyCreatesNothing) {
  ASSERT_TRUE(manager_->CreateTopic("t", 2, {}, ValidateOnly::kYes).ok());
  EXPECT_FALSE(manager_->Topic("t").has_value());
  EXPECT_FALSE(fs_.Exists("t-0"));
}

TEST_F(LogManagerTest, TopicsAndDataSurviveARestart) {
  Result<TopicInfo> t = manager_->CreateTopic("orders", 2, {{"cleanup.policy", "compact"}});
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(manager_->Partition("orders", 1)->Append(OneRecordBatch("hello"), 0).ok());
  Reopen();
  std::optional<TopicInfo> again = manager_->Topic("orders");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->topic_id, t->topic_id);
  EXPECT_EQ(again->config.cleanup_policy, CleanupPolicy::kCompact);
  std::shared_ptr<PartitionLog> log = manager_->Partition("orders", 1);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), 1);
  EXPECT_EQ(manager_->Partition("orders", 0)->log_end_offset(), 0);
}

TEST_F(LogManagerTest, DeleteTopicRemovesItsDirectoriesAndCatalogEntry) {
  ASSERT_TRUE(manager_->CreateTopic("gone", 2, {}).ok());
  std::shared_ptr<PartitionLog> held = manager_->Partition("gone", 0);
  ASSERT_OK(manager_->DeleteTopic("gone"));
  EXPECT_FALSE(manager_->Topic("gone").has_value());
  EXPECT_FALSE(fs_.Exists("gone-0"));
  EXPECT_FALSE(fs_.Exists("gone-1"));
  EXPECT_EQ(manager_->DeleteTopic("gone").code(), Errc::kNotFound);
  EXPECT_FALSE(held->Append(OneRecordBatch("late"), 0).ok());  // closed, not dangling
  Reopen();
  EXPECT_FALSE(manager_->Topic("gone").has_value());
  // The name can be used again, with a new id.
  EXPECT_TRUE(manager_->CreateTopic("gone", 1, {}).ok());
}

TEST_F(LogManagerTest, CreatePartitionsOnlyGrows) {
  ASSERT_TRUE(manager_->CreateTopic("t", 2, {}).ok());
  EXPECT_EQ(manager_->CreatePartitions("t", 2).code(), Errc::kInvalidArgument);
  EXPECT_EQ(manager_->CreatePartitions("x", 4).code(), Errc::kNotFound);
  ASSERT_OK(manager_->CreatePartitions("t", 4));
  EXPECT_NE(manager_->Partition("t", 3), nullptr);
  Reopen();
  EXPECT_EQ(manager_->Topic("t")->partitions, 4);
  EXPECT_NE(manager_->Partition("t", 3), nullptr);
}

TEST_F(LogManagerTest, SetTopicConfigsReplacesOverridesAndReachesTheLogs) {
  ASSERT_TRUE(manager_->CreateTopic("t", 1, {{"max.message.bytes", "100000"}}).ok());
  ASSERT_OK(manager_->SetTopicConfigs("t", {{"max.message.bytes", "100"}}));
  EXPECT_EQ(manager_->Topic("t")->config.max_message_bytes, 100);
  std::string big = OneRecordBatch(std::string(500, 'x'));
  EXPECT_EQ(manager_->Partition("t", 0)->Append(big, 0).status().code(), Errc::kRecordTooLarge);
  EXPECT_EQ(manager_->SetTopicConfigs("t", {{"retention.ms", "x"}}).code(), Errc::kInvalidArgument);
}

TEST_F(LogManagerTest, CheckpointsRecordWhereEachPartitionStands) {
  ASSERT_TRUE(manager_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(manager_->Partition("t", 0)->Append(OneRecordBatch("a"), 0).ok());
  ASSERT_OK(manager_->Partition("t", 0)->Flush());
  ASSERT_OK(manager_->Checkpoint());
  Result<PartitionCheckpoint> c = catalog_->GetCheckpoint("t", 0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->high_watermark, 1);
  EXPECT_EQ(c->recovery_point, 1);
}

TEST_F(LogManagerTest, CheckpointsCarryTheCleanerPositionAcrossARestart) {
  ASSERT_TRUE(manager_
                  ->CreateTopic("compacted", 1,
                                {{"cleanup.policy", "compact"},
                                 {"segment.bytes", "14"},
                                 {"min.cleanable.dirty.ratio", "0.01"}})
                  .ok());
  std::shared_ptr<PartitionLog> log = manager_->Partition("compacted", 0);
  for (const char* v : {"a", "b", "c"}) ASSERT_TRUE(log->Append(OneRecordBatch(v), 0).ok());
  Result<CleanStats> cleaned = log->Compact();
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  EXPECT_EQ(cleaned->segments_cleaned, 2);
  EXPECT_EQ(log->first_dirty_offset(), 2);

  log.reset();
  Reopen();
  log = manager_->Partition("compacted", 0);
  EXPECT_EQ(log->first_dirty_offset(), 2);
  Result<CleanStats> again = log->Compact();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->segments_cleaned, 0);  // nothing new to clean after the restart
}

TEST(LogManagerDiskTest, WorksOnRealFilesAcrossRestarts) {
  brook::testing::TempDir dir;
  {
    PosixFileSystem fs(dir.path() + "/logs");
    ASSERT_OK(fs.CreateDirs(""));
    Result<std::unique_ptr<MetadataStore>> catalog = MetadataStore::Open(dir.path() + "/catalog");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    Result<std::unique_ptr<LogManager>> m = LogManager::Open(
        {.fs = &fs, .catalog = catalog->get(), .defaults = {}, .now = [] { return kT0; }});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    ASSERT_TRUE((*m)->CreateTopic("disk", 1, {}).ok());
    ASSERT_TRUE((*m)->Partition("disk", 0)->Append(OneRecordBatch("persisted"), 0).ok());
    ASSERT_OK((*m)->Close());
  }
  PosixFileSystem fs(dir.path() + "/logs");
  Result<std::unique_ptr<MetadataStore>> catalog = MetadataStore::Open(dir.path() + "/catalog");
  ASSERT_TRUE(catalog.ok());
  Result<std::unique_ptr<LogManager>> m = LogManager::Open(
      {.fs = &fs, .catalog = catalog->get(), .defaults = {}, .now = [] { return kT0; }});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->Partition("disk", 0)->log_end_offset(), 1);
  EXPECT_TRUE(fs.Exists("disk-0/00000000000000000000.log"));
}

}  // namespace
}  // namespace brook::storage
