// tests/client/admin_test.cc
//
// The admin client against an embedded in-memory broker: every call against
// real state (topics created by the admin, records written by Brook's
// producer, a group made with OffsetCommit and one with a joined member, a
// transaction of Brook's transactional producer) and the per-item errors that
// leave the other items alone.
#include "client/admin.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <thread>

#include "broker/broker.h"
#include "client/client_error.h"
#include "client/network/broker_connection.h"
#include "client/producer.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/sync_group.h"
#include "tests/client/test_proxy.h"
#include "tests/testing/test_env.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;

// The Kafka code of a per-item Status (kNone when OK).
ErrorCode CodeOf(const Status& s) {
  if (s.ok()) return ErrorCode::kNone;
  if (s.code().category() != KafkaCategory()) return ErrorCode::kUnknownServerError;
  return static_cast<ErrorCode>(s.code().value());
}

// A raw connection for the requests the admin does not send (OffsetCommit,
// JoinGroup, SyncGroup), on its own io thread.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : work_(asio::make_work_guard(io_)) {
    thread_ = std::thread([this] { io_.run(); });
    connection_ = BrokerConnection::Create(
        io_, ConnectionOptions{.host = "127.0.0.1", .port = port, .client_id = "raw"});
    Status s = asio::co_spawn(io_, connection_->EnsureConnected(), asio::use_future).get();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~RawConnection() {
    connection_->Close();
    work_.reset();
    thread_.join();
  }

  template <typename Req>
  Result<ResponseFor<Req>> Call(Req req) {
    return connection_->CallSync(std::move(req));
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::shared_ptr<BrokerConnection> connection_;
};

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override { StartBroker(); }

  void StartBroker(std::function<void(broker::BrokerConfig&)> configure = nullptr) {
    broker::BrokerConfig config;
    config.listener_port = 0;
    config.memory = true;
    config.io_threads = brook::testing::TestIoThreads();
    config.group_initial_rebalance_delay_ms = 0;
    if (configure) configure(config);
    broker_ = std::make_unique<broker::Broker>(config);
    Status s = broker_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    Result<std::unique_ptr<Admin>> admin = Admin::Create(
        {{"bootstrap.servers", broker_->bootstrap()}, {"default.api.timeout.ms", "10000"}});
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(*admin);
  }

  void CreateTopic(const std::string& name, int32_t partitions) {
    auto created = admin_->create_topics({{.name = name, .num_partitions = partitions}});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(created->at(name).ok()) << created->at(name).ToString();
  }

  std::unique_ptr<Producer> MakeProducer(std::map<std::string, std::string> props = {}) {
    props.emplace("bootstrap.servers", broker_->bootstrap());
    props.emplace("max.block.ms", "15000");
    props.emplace("linger.ms", "0");
    Result<std::unique_ptr<Producer>> p = Producer::Create(props);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(*p) : nullptr;
  }

  std::unique_ptr<broker::Broker> broker_;
  std::unique_ptr<Admin> admin_;
};

TEST_F(AdminTest, RejectsUnknownPropertiesAndBadTimeouts) {
  auto bad = Admin::Create({{"bootstrap.servers", "127.0.0.1:1"}, {"no.such.property", "1"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ClientErrc::kInvalidConfig);
  bad = Admin::Create({{"bootstrap.servers", "127.0.0.1:1"}, {"default.api.timeout.ms", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ClientErrc::kInvalidConfig);
}

TEST_F(AdminTest, CreatesListsDescribesAndDeletesTopics) {
  auto created = admin_->create_topics({
      {.name = "orders", .num_partitions = 3, .replication_factor = 1},
      {.name = "compacted", .num_partitions = 1, .configs = {{"cleanup.policy", "compact"}}},
      {.name = "bad-config", .num_partitions = 1, .configs = {{"cleanup.policy", "sideways"}}},
      {.name = "bad partitions", .num_partitions = 1},
  });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->at("orders").ok()) << created->at("orders").ToString();
  EXPECT_TRUE(created->at("compacted").ok()) << created->at("compacted").ToString();
  EXPECT_EQ(CodeOf(created->at("bad-config")), ErrorCode::kInvalidConfig);
  EXPECT_EQ(CodeOf(created->at("bad partitions")), ErrorCode::kInvalidTopicException);

  // A duplicate is a per-topic error; validate_only creates nothing.
  created = admin_->create_topics(
      {{.name = "orders", .num_partitions = 1}, {.name = "dry-run", .num_partitions = 2}},
      ValidateOnly::kYes);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(CodeOf(created->at("orders")), ErrorCode::kTopicAlreadyExists);
  EXPECT_TRUE(created->at("dry-run").ok()) << created->at("dry-run").ToString();

  auto topics = admin_->list_topics();
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_EQ(topics->count("orders"), 1u);
  EXPECT_EQ(topics->count("compacted"), 1u);
  EXPECT_EQ(topics->count("dry-run"), 0u);
  EXPECT_EQ(topics->count("bad-config"), 0u);
  const TopicDescription& orders = topics->at("orders");
  ASSERT_EQ(orders.partitions.size(), 3u);
  for (const TopicPartitionInfo& p : orders.partitions) {
    EXPECT_EQ(p.leader, broker_->config().node_id);
    EXPECT_EQ(p.replicas, std::vector<int32_t>{broker_->config().node_id});
  }

  auto partitions = admin_->create_partitions({{"orders", 5}, {"compacted", 1}, {"nowhere", 2}});
  ASSERT_TRUE(partitions.ok()) << partitions.status().ToString();
  EXPECT_TRUE(partitions->at("orders").ok()) << partitions->at("orders").ToString();
  EXPECT_EQ(CodeOf(partitions->at("compacted")), ErrorCode::kInvalidPartitions);
  EXPECT_EQ(CodeOf(partitions->at("nowhere")), ErrorCode::kUnknownTopicOrPartition);

  std::map<std::string, Status> errors;
  auto described = admin_->describe_topics({"orders", "nowhere"}, &errors);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->at("orders").partitions.size(), 5u);
  EXPECT_EQ(described->count("nowhere"), 0u);
  EXPECT_EQ(CodeOf(errors.at("nowhere")), ErrorCode::kUnknownTopicOrPartition);

  auto deleted = admin_->delete_topics({"orders", "nowhere"});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->at("orders").ok()) << deleted->at("orders").ToString();
  EXPECT_EQ(CodeOf(deleted->at("nowhere")), ErrorCode::kUnknownTopicOrPartition);
  topics = admin_->list_topics();
  ASSERT_TRUE(topics.ok());
  EXPECT_EQ(topics->count("orders"), 0u);
}

TEST_F(AdminTest, DescribesTheCluster) {
  auto cluster = admin_->describe_cluster();
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EXPECT_FALSE(cluster->cluster_id.empty());
  EXPECT_EQ(cluster->controller_id, broker_->config().node_id);
  ASSERT_EQ(cluster->nodes.size(), 1u);
  EXPECT_EQ(cluster->nodes[0].id, broker_->config().node_id);
  EXPECT_EQ(cluster->nodes[0].port, broker_->port());
}

TEST_F(AdminTest, AltersConfigsAndReadsThemBack) {
  CreateTopic("settings", 1);
  const ConfigResource topic{.type = ConfigResource::Type::kTopic, .name = "settings"};
  const ConfigResource broker{.type = ConfigResource::Type::kBroker,
                              .name = std::to_string(broker_->config().node_id)};
  const ConfigResource missing{.type = ConfigResource::Type::kTopic, .name = "missing"};

  auto configs = admin_->describe_configs({topic, broker, missing});
  ASSERT_TRUE(configs.ok()) << configs.status().ToString();
  const ResourceConfig& before = configs->at(topic);
  ASSERT_TRUE(before.status.ok()) << before.status.ToString();
  const ConfigEntry* retention = before.Get("retention.ms");
  ASSERT_NE(retention, nullptr);
  EXPECT_TRUE(retention->is_default());
  EXPECT_FALSE(retention->read_only);
  ASSERT_TRUE(configs->at(broker).status.ok()) << configs->at(broker).status.ToString();
  const ConfigEntry* node_id = configs->at(broker).Get("node.id");
  ASSERT_NE(node_id, nullptr);
  EXPECT_EQ(node_id->value, std::to_string(broker_->config().node_id));
  EXPECT_TRUE(node_id->read_only);
  EXPECT_EQ(CodeOf(configs->at(missing).status), ErrorCode::kUnknownTopicOrPartition);

  auto altered = admin_->incremental_alter_configs({
      {topic,
       {{.name = "retention.ms", .value = "3600000"},
        {.name = "cleanup.policy", .value = "compact"}}},
      {missing, {{.name = "retention.ms", .value = "1"}}},
  });
  ASSERT_TRUE(altered.ok()) << altered.status().ToString();
  EXPECT_TRUE(altered->at(topic).ok()) << altered->at(topic).ToString();
  EXPECT_EQ(CodeOf(altered->at(missing)), ErrorCode::kUnknownTopicOrPartition);

  configs = admin_->describe_configs({topic});
  ASSERT_TRUE(configs.ok()) << configs.status().ToString();
  retention = configs->at(topic).Get("retention.ms");
  ASSERT_NE(retention, nullptr);
  EXPECT_EQ(retention->value, "3600000");
  EXPECT_EQ(retention->source, ConfigSource::kDynamicTopicConfig);
  EXPECT_FALSE(retention->is_default());
  ASSERT_NE(configs->at(topic).Get("cleanup.policy"), nullptr);
  EXPECT_EQ(configs->at(topic).Get("cleanup.policy")->value, "compact");

  // An invalid value fails its resource; DELETE goes back to the default.
  altered = admin_->incremental_alter_configs(
      {{topic, {{.name = "cleanup.policy", .value = "sideways"}}}});
  ASSERT_TRUE(altered.ok()) << altered.status().ToString();
  EXPECT_EQ(CodeOf(altered->at(topic)), ErrorCode::kInvalidConfig);
  altered = admin_->incremental_alter_configs(
      {{topic, {{.name = "retention.ms", .type = AlterConfigOp::Type::kDelete}}}});
  ASSERT_TRUE(altered.ok()) << altered.status().ToString();
  EXPECT_TRUE(altered->at(topic).ok()) << altered->at(topic).ToString();
  configs = admin_->describe_configs({topic});
  ASSERT_TRUE(configs.ok());
  retention = configs->at(topic).Get("retention.ms");
  ASSERT_NE(retention, nullptr);
  EXPECT_TRUE(retention->is_default());
  EXPECT_EQ(configs->at(topic).Get("cleanup.policy")->value, "compact");  // untouched
}

TEST_F(AdminTest, ListsOffsetsAndDeletesRecordsAfterProducing) {
  CreateTopic("events", 2);
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  const int64_t base = 1'700'000'000'000;
  std::vector<int64_t> stamps = {base + 10, base + 50, base + 20, base + 30, base + 40};
  std::vector<std::future<RecordMetadata>> sent;
  for (size_t i = 0; i < stamps.size(); ++i) {
    sent.push_back(producer->send({.topic = "events",
                                   .partition = 0,
                                   .value = "v" + std::to_string(i),
                                   .timestamp = stamps[i]}));
  }
  producer->flush();
  for (auto& f : sent) EXPECT_EQ(f.get().partition, 0);

  const TopicPartition p0{"events", 0}, p1{"events", 1}, unknown{"nowhere", 0}, beyond{"events", 7};
  auto offsets = admin_->list_offsets({{p0, OffsetSpec::Latest()},
                                       {p1, OffsetSpec::Latest()},
                                       {unknown, OffsetSpec::Latest()},
                                       {beyond, OffsetSpec::Latest()}});
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_TRUE(offsets->at(p0).status.ok()) << offsets->at(p0).status.ToString();
  EXPECT_EQ(offsets->at(p0).offset, 5);
  EXPECT_EQ(offsets->at(p1).offset, 0);
  EXPECT_EQ(CodeOf(offsets->at(unknown).status), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(CodeOf(offsets->at(beyond).status), ErrorCode::kUnknownTopicOrPartition);

  offsets = admin_->list_offsets({{p0, OffsetSpec::Earliest()}});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(p0).offset, 0);
  offsets = admin_->list_offsets({{p0, OffsetSpec::MaxTimestamp()}});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(p0).offset, 1);
  EXPECT_EQ(offsets->at(p0).timestamp, base + 50);
  offsets = admin_->list_offsets({{p0, OffsetSpec::ForTimestamp(base + 25)}});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(p0).offset, 1);  // the first record at or after base + 25
  offsets = admin_->list_offsets({{p0, OffsetSpec::Latest()}},
                                 {.isolation = IsolationLevel::kReadCommitted});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(p0).offset, 5);

  auto deleted = admin_->delete_records({{p0, 3}, {unknown, 1}});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->at(p0).status.ok()) << deleted->at(p0).status.ToString();
  EXPECT_EQ(deleted->at(p0).low_watermark, 3);
  EXPECT_EQ(CodeOf(deleted->at(unknown).status), ErrorCode::kUnknownTopicOrPartition);
  offsets = admin_->list_offsets({{p0, OffsetSpec::Earliest()}});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(p0).offset, 3);
}

TEST_F(AdminTest, ListsDescribesAndDeletesGroups) {
  CreateTopic("work", 2);
  RawConnection raw(broker_->port());
  // "offsets-only": committed with OffsetCommit outside any generation (Empty).
  OffsetCommitRequest commit;
  commit.group_id = "offsets-only";
  commit.topics = {
      {.name = "work",
       .partitions = {{.partition_index = 0, .committed_offset = 7, .committed_metadata = "m"},
                      {.partition_index = 1, .committed_offset = 3}}}};
  auto committed = raw.Call(commit);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_EQ(committed->topics.at(0).partitions.at(0).error_code, ErrorCode::kNone);

  // "active": one member joined and synced with an assignment.
  JoinGroupRequest join;
  join.group_id = "active";
  join.session_timeout_ms = 30000;
  join.rebalance_timeout_ms = 30000;
  join.protocol_type = "consumer";
  join.protocols = {{.name = "range", .metadata = "subscription"}};
  auto joined = raw.Call(join);
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  if (joined->error_code == ErrorCode::kMemberIdRequired) {
    join.member_id = joined->member_id;
    joined = raw.Call(join);
    ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  }
  ASSERT_EQ(joined->error_code, ErrorCode::kNone);
  SyncGroupRequest sync;
  sync.group_id = "active";
  sync.generation_id = joined->generation_id;
  sync.member_id = joined->member_id;
  sync.protocol_type = "consumer";
  sync.protocol_name = "range";
  sync.assignments = {{.member_id = joined->member_id, .assignment = "assignment-bytes"}};
  auto synced = raw.Call(sync);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  ASSERT_EQ(synced->error_code, ErrorCode::kNone);

  auto groups = admin_->list_groups();
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  std::map<std::string, GroupListing> by_id;
  for (const GroupListing& g : *groups) by_id[g.group_id] = g;
  ASSERT_EQ(by_id.count("offsets-only"), 1u);
  ASSERT_EQ(by_id.count("active"), 1u);
  EXPECT_EQ(by_id["offsets-only"].state, "Empty");
  EXPECT_EQ(by_id["active"].state, "Stable");
  EXPECT_EQ(by_id["active"].protocol_type, "consumer");
  groups = admin_->list_groups({.states = {"Stable"}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups->at(0).group_id, "active");

  auto described = admin_->describe_groups({"active", "offsets-only", "never-seen"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  const GroupDescription& active = described->at("active");
  ASSERT_TRUE(active.status.ok()) << active.status.ToString();
  EXPECT_EQ(active.state, "Stable");
  EXPECT_EQ(active.protocol, "range");
  ASSERT_EQ(active.members.size(), 1u);
  EXPECT_EQ(active.members[0].member_id, joined->member_id);
  EXPECT_EQ(active.members[0].client_id, "raw");
  EXPECT_EQ(active.members[0].metadata, "subscription");
  EXPECT_EQ(active.members[0].assignment, "assignment-bytes");
  EXPECT_EQ(described->at("offsets-only").state, "Empty");
  EXPECT_EQ(CodeOf(described->at("never-seen").status), ErrorCode::kGroupIdNotFound);

  auto offsets = admin_->list_consumer_group_offsets(
      {{"offsets-only", std::nullopt}, {"active", std::vector<TopicPartition>{{"work", 0}}}});
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  const GroupOffsets& only = offsets->at("offsets-only");
  ASSERT_TRUE(only.status.ok()) << only.status.ToString();
  ASSERT_EQ(only.offsets.size(), 2u);
  EXPECT_EQ(only.offsets.at({"work", 0}).offset, 7);
  EXPECT_EQ(only.offsets.at({"work", 0}).metadata, "m");
  EXPECT_EQ(only.offsets.at({"work", 1}).offset, 3);
  EXPECT_TRUE(offsets->at("active").status.ok());
  EXPECT_TRUE(offsets->at("active").offsets.empty());  // nothing committed

  auto offsets_deleted =
      admin_->delete_consumer_group_offsets("offsets-only", {{"work", 1}, {"nowhere", 0}});
  ASSERT_TRUE(offsets_deleted.ok()) << offsets_deleted.status().ToString();
  EXPECT_TRUE(offsets_deleted->at({"work", 1}).ok()) << offsets_deleted->at({"work", 1}).ToString();
  EXPECT_EQ(CodeOf(offsets_deleted->at({"nowhere", 0})), ErrorCode::kUnknownTopicOrPartition);
  offsets = admin_->list_consumer_group_offsets({{"offsets-only", std::nullopt}});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at("offsets-only").offsets.size(), 1u);
  auto no_group = admin_->delete_consumer_group_offsets("never-seen", {{"work", 0}});
  ASSERT_FALSE(no_group.ok());
  EXPECT_EQ(CodeOf(no_group.status()), ErrorCode::kGroupIdNotFound);

  auto deleted = admin_->delete_groups({"offsets-only", "active", "never-seen"});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->at("offsets-only").ok()) << deleted->at("offsets-only").ToString();
  EXPECT_EQ(CodeOf(deleted->at("active")), ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(CodeOf(deleted->at("never-seen")), ErrorCode::kGroupIdNotFound);
  groups = admin_->list_groups();
  ASSERT_TRUE(groups.ok());
  for (const GroupListing& g : *groups) EXPECT_NE(g.group_id, "offsets-only");
}

TEST_F(AdminTest, SeesATransactionAndItsProducer) {
  CreateTopic("ledger", 2);
  auto producer = MakeProducer({{"transactional.id", "transfer-1"}});
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->init_transactions().ok());
  ASSERT_TRUE(producer->begin_transaction().ok());
  RecordMetadata sent = producer->send({.topic = "ledger", .partition = 1, .value = "-10"}).get();
  EXPECT_EQ(sent.offset, 0);

  auto described = admin_->describe_transactions({"transfer-1", "no-such-id"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  const TransactionDescription& txn = described->at("transfer-1");
  ASSERT_TRUE(txn.status.ok()) << txn.status.ToString();
  EXPECT_EQ(txn.state, "Ongoing");
  EXPECT_GE(txn.producer_id, 0);
  EXPECT_EQ(txn.partitions, (std::set<TopicPartition>{{"ledger", 1}}));
  EXPECT_GT(txn.transaction_start_time_ms, 0);
  EXPECT_EQ(CodeOf(described->at("no-such-id").status), ErrorCode::kTransactionalIdNotFound);

  auto listed = admin_->list_transactions({.states = {"Ongoing"}});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).transactional_id, "transfer-1");
  EXPECT_EQ(listed->at(0).producer_id, txn.producer_id);
  listed = admin_->list_transactions({.producer_ids = {txn.producer_id + 1000}});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  auto producers = admin_->describe_producers({{"ledger", 1}, {"ledger", 0}, {"nowhere", 0}});
  ASSERT_TRUE(producers.ok()) << producers.status().ToString();
  const PartitionProducers& p1 = producers->at({"ledger", 1});
  ASSERT_TRUE(p1.status.ok()) << p1.status.ToString();
  ASSERT_EQ(p1.active_producers.size(), 1u);
  EXPECT_EQ(p1.active_producers[0].producer_id, txn.producer_id);
  EXPECT_EQ(p1.active_producers[0].producer_epoch, txn.producer_epoch);
  EXPECT_EQ(p1.active_producers[0].current_transaction_start_offset, 0);
  EXPECT_TRUE(producers->at({"ledger", 0}).active_producers.empty());
  EXPECT_EQ(CodeOf(producers->at({"nowhere", 0}).status), ErrorCode::kUnknownTopicOrPartition);

  ASSERT_TRUE(producer->commit_transaction().ok());
  described = admin_->describe_transactions({"transfer-1"});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->at("transfer-1").state, "CompleteCommit");
  EXPECT_TRUE(described->at("transfer-1").partitions.empty());
  producers = admin_->describe_producers({{"ledger", 1}});
  ASSERT_TRUE(producers.ok());
  ASSERT_EQ(producers->at({"ledger", 1}).active_producers.size(), 1u);
  EXPECT_FALSE(producers->at({"ledger", 1}).active_producers[0].current_transaction_start_offset);
  // Committed offsets include the marker; read_committed sees up to it.
  auto offsets = admin_->list_offsets({{{"ledger", 1}, OffsetSpec::Latest()}},
                                      {.isolation = IsolationLevel::kReadCommitted});
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at({"ledger", 1}).offset, 2);
}

// Every connection goes through a proxy that first refuses (the broker is
// "down") and then keeps cutting connections: each call retries until it has
// its answer.
TEST_F(AdminTest, RetriesThroughLostConnections) {
  auto proxy = std::make_unique<testing::TestProxy>();
  proxy->set_target_port(1);  // nothing listens: every connection is cut at once
  admin_.reset();
  broker_.reset();
  StartBroker([&](broker::BrokerConfig& c) { c.advertised_port = proxy->port(); });
  auto admin = Admin::Create({{"bootstrap.servers", "127.0.0.1:" + std::to_string(proxy->port())},
                              {"default.api.timeout.ms", "15000"},
                              {"retry.backoff.ms", "20"}});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  std::thread up([&] {
    std::this_thread::sleep_for(300ms);
    proxy->set_target_port(broker_->port());
  });
  auto created = (*admin)->create_topics({{.name = "late", .num_partitions = 2}});
  up.join();
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->at("late").ok()) << created->at("late").ToString();

  std::atomic<bool> done{false};
  std::thread cutter([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(15ms);
      proxy->DropAll();
    }
  });
  // At least 20 rounds and until a few cuts have landed (bounded).
  auto until = std::chrono::steady_clock::now() + 10s;
  for (int i = 0; i < 20 || (proxy->drops() < 3 && std::chrono::steady_clock::now() < until); ++i) {
    auto offsets = (*admin)->list_offsets({{{"late", 1}, OffsetSpec::Latest()}});
    ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
    EXPECT_TRUE(offsets->at({"late", 1}).status.ok()) << offsets->at({"late", 1}).status.ToString();
    auto groups = (*admin)->describe_groups({"g"});
    ASSERT_TRUE(groups.ok()) << groups.status().ToString();
    EXPECT_EQ(CodeOf(groups->at("g").status), ErrorCode::kGroupIdNotFound);
  }
  done.store(true);
  cutter.join();
  EXPECT_GE(proxy->drops(), 3);
  admin->reset();
}

TEST_F(AdminTest, FailsAsAWholeWhenNoBrokerAnswers) {
  auto admin = Admin::Create({{"bootstrap.servers", "127.0.0.1:1"},
                              {"default.api.timeout.ms", "500"},
                              {"request.timeout.ms", "200"}});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto topics = (*admin)->create_topics({{.name = "x", .num_partitions = 1}});
  ASSERT_FALSE(topics.ok());
  EXPECT_TRUE(ClientError(topics.status()).retriable()) << topics.status().ToString();
  auto cluster = (*admin)->describe_cluster();
  EXPECT_FALSE(cluster.ok());
}

}  // namespace
}  // namespace brook::client
