// client/admin.h
//
// A Kafka admin client with the Java AdminClient's calls and routing:
//
//   auto admin = brook::client::Admin::Create({{"bootstrap.servers", "127.0.0.1:9092"}});
//   if (!admin.ok()) return admin.status();
//   auto created = (*admin)->create_topics({{.name = "orders", .num_partitions = 3}});
//   if (!created.ok()) return created.status();          // nothing was answered
//   Status orders = created->at("orders");               // TOPIC_ALREADY_EXISTS, ...
//
// Every call blocks until it has an answer for each item or until
// default.api.timeout.ms (60 s) has passed. The outer Result fails only when
// the call as a whole failed (no broker reachable, unsupported API, timed
// out before any answer); per item (topic, partition, group, transactional
// id, config resource) a Status carries the Kafka ErrorCode the broker gave it
// (ClientError(status) classifies it), so one bad item never hides the others.
//
// Routing, as Java's admin does it:
//   controller            create_topics, delete_topics, create_partitions (the
//                         Metadata answer's controller_id; NOT_CONTROLLER: look again)
//   any broker            describe_cluster, list_topics, describe_configs and
//                         incremental_alter_configs of topics
//   the broker itself     describe_configs / incremental_alter_configs of a BROKER resource
//   partition leaders     list_offsets, delete_records, describe_producers
//   every broker          list_groups, list_transactions (the answers are merged)
//   group coordinator     describe_groups, delete_groups, list_consumer_group_offsets,
//                         delete_consumer_group_offsets (FindCoordinator key_type 0)
//   txn coordinator       describe_transactions (FindCoordinator key_type 1)
// Retried after retry.backoff.ms until the deadline: lost connections and
// timeouts, NOT_CONTROLLER, NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE (after
// finding the coordinator again), COORDINATOR_LOAD_IN_PROGRESS,
// NOT_LEADER_OR_FOLLOWER / LEADER_NOT_AVAILABLE (after new metadata) and the
// other errors the protocol calls retriable, except UNKNOWN_TOPIC_OR_PARTITION,
// which is final (an item's answer) everywhere.
//
// Properties: ClientConfig's (bootstrap.servers, client.id, request.timeout.ms,
// retry.backoff.ms, reconnect.backoff.ms, ...) plus default.api.timeout.ms,
// which the admin reads itself.
//
// Not yet: alter_consumer_group_offsets, remove_members_from_consumer_group,
// ACLs, quotas, reassignments, describe_log_dirs, elect_leaders, fence_producers,
// abort_transaction, topic ids as names.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/client_config.h"
#include "client/producer.h"
#include "client/topic_partition.h"
#include "protocol/base/status.h"
#include "protocol/base/uuid.h"

namespace brook::client {

class AdminCore;

// "Only check, change nothing" for the calls that can validate.
enum class ValidateOnly { kNo, kYes };

// create_topics: -1 partitions or replication factor take the broker's default.
struct NewTopic {
  std::string name;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
  std::map<std::string, std::string> configs;
};

struct BrokerNode {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;

  bool operator==(const BrokerNode&) const = default;
};

struct ClusterDescription {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<BrokerNode> nodes;
};

struct TopicPartitionInfo {
  int32_t partition = 0;
  int32_t leader = -1;  // -1: none right now
  int32_t leader_epoch = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  ErrorCode error = ErrorCode::kNone;
};

struct TopicDescription {
  std::string name;
  Uuid topic_id;
  bool internal = false;
  std::vector<TopicPartitionInfo> partitions;  // by partition index
};

// Java's ConfigResource.Type, with the protocol's numbers.
struct ConfigResource {
  enum class Type : int8_t { kTopic = 2, kBroker = 4 };
  Type type = Type::kTopic;
  std::string name;  // topic name; broker: its node id ("1")

  auto operator<=>(const ConfigResource&) const = default;
};

// Java's ConfigEntry.ConfigSource, with DescribeConfigs' numbers.
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kDynamicTopicConfig = 1,
  kDynamicBrokerConfig = 2,
  kDynamicDefaultBrokerConfig = 3,
  kStaticBrokerConfig = 4,
  kDefaultConfig = 5,
  kDynamicBrokerLoggerConfig = 6,
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // nullopt: sensitive or unset
  ConfigSource source = ConfigSource::kUnknown;
  bool read_only = false;
  bool sensitive = false;
  bool is_default() const { return source == ConfigSource::kDefaultConfig; }
};

// One resource's answer: `status` not OK means `entries` is empty.
struct ResourceConfig {
  Status status;
  std::vector<ConfigEntry> entries;  // sorted by name as the broker sent them

  // The entry called `name`; nullptr when absent.
  const ConfigEntry* Get(std::string_view name) const;
};

struct AlterConfigOp {
  enum class Type : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };
  std::string name;
  std::string value;  // ignored by kDelete
  Type type = Type::kSet;
};

// Which offset list_offsets looks for (Java's OffsetSpec).
struct OffsetSpec {
  int64_t timestamp = -1;  // -1 latest, -2 earliest, -3 max timestamp, else a time in ms
  static OffsetSpec Latest() { return {-1}; }
  static OffsetSpec Earliest() { return {-2}; }
  static OffsetSpec MaxTimestamp() { return {-3}; }  // ListOffsets v7+
  static OffsetSpec ForTimestamp(int64_t timestamp_ms) { return {timestamp_ms}; }
};

struct ListOffsetsOptions {
  IsolationLevel isolation = IsolationLevel::kReadUncommitted;
};

struct ListOffsetsResultInfo {
  Status status;
  int64_t offset = -1;     // -1: none (a timestamp after every record)
  int64_t timestamp = -1;  // the record's timestamp (by-timestamp, max-timestamp)
  int32_t leader_epoch = -1;
};

struct DeletedRecords {
  Status status;
  int64_t low_watermark = -1;
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;  // "consumer" for consumer groups, "" for offsets-only groups
  std::string state;          // "Stable", "Empty", ...; "" from brokers before ListGroups v4
};

struct ListGroupsOptions {
  std::vector<std::string> states;  // only groups in these states (ListGroups v4+); empty: all
};

struct MemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string host;
  std::string metadata;    // the member's protocol metadata (subscription), as sent
  std::string assignment;  // its assignment bytes, as the leader sent them
};

struct GroupDescription {
  Status status;
  std::string group_id;
  std::string state;
  std::string protocol_type;
  std::string protocol;  // the chosen assignor ("range", ...)
  std::vector<MemberDescription> members;
};

// One group's committed offsets (list_consumer_group_offsets).
struct GroupOffsets {
  Status status;  // the group's error (GROUP_ID_NOT_FOUND ...)
  std::map<TopicPartition, OffsetAndMetadata> offsets;
  std::map<TopicPartition, Status> partition_errors;  // partitions answered with an error
};

// nullopt: every partition the group has committed offsets for.
using GroupPartitions = std::optional<std::vector<TopicPartition>>;

enum class RequireStable { kNo, kYes };

struct TransactionDescription {
  Status status;
  std::string state;  // "Ongoing", "CompleteCommit", ...
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t transaction_timeout_ms = 0;
  int64_t transaction_start_time_ms = -1;
  std::set<TopicPartition> partitions;
};

struct TransactionListing {
  std::string transactional_id;
  int64_t producer_id = -1;
  std::string state;
};

struct ListTransactionsOptions {
  std::vector<std::string> states;                // empty: every state
  std::vector<int64_t> producer_ids;              // empty: every producer
  std::chrono::milliseconds duration_filter{-1};  // open longer than this (v1+); <0: no filter
};

struct ProducerStateInfo {
  int64_t producer_id = -1;
  int32_t producer_epoch = -1;
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
  std::optional<int32_t> coordinator_epoch;
  std::optional<int64_t> current_transaction_start_offset;
};

struct PartitionProducers {
  Status status;
  std::vector<ProducerStateInfo> active_producers;
};

// Thread-safe: any thread may call any method, also concurrently.
class Admin {
 public:
  // Errors: kInvalidConfig (unknown or invalid property, see ClientConfig).
  static Result<std::unique_ptr<Admin>> Create(
      const std::map<std::string, std::string>& properties);
  // Closes the connections and waits for the io thread.
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Topics. Per topic: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
  // INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG, ...
  Result<std::map<std::string, Status>> create_topics(const std::vector<NewTopic>& topics,
                                                      ValidateOnly validate = ValidateOnly::kNo);
  // Per topic: UNKNOWN_TOPIC_OR_PARTITION, ...
  Result<std::map<std::string, Status>> delete_topics(const std::vector<std::string>& topics);
  // Raises each topic's partition count to the total given.
  Result<std::map<std::string, Status>> create_partitions(
      const std::map<std::string, int32_t>& total_counts,
      ValidateOnly validate = ValidateOnly::kNo);
  // Every topic (internal ones too with InternalTopics::kYes), by name.
  enum class InternalTopics { kNo, kYes };
  Result<std::map<std::string, TopicDescription>> list_topics(
      InternalTopics internal = InternalTopics::kNo);
  // The named topics; an unknown one is absent from the map and listed in `errors`.
  Result<std::map<std::string, TopicDescription>> describe_topics(
      const std::vector<std::string>& topics, std::map<std::string, Status>* errors);
  Result<ClusterDescription> describe_cluster();

  // Configs. Per resource: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG, ...
  Result<std::map<ConfigResource, ResourceConfig>> describe_configs(
      const std::vector<ConfigResource>& resources);
  Result<std::map<ConfigResource, Status>> incremental_alter_configs(
      const std::map<ConfigResource, std::vector<AlterConfigOp>>& changes,
      ValidateOnly validate = ValidateOnly::kNo);

  // Offsets and records, from each partition's leader.
  Result<std::map<TopicPartition, ListOffsetsResultInfo>> list_offsets(
      const std::map<TopicPartition, OffsetSpec>& partitions, ListOffsetsOptions options = {});
  // Deletes every record before the offset given (-1: the high watermark).
  Result<std::map<TopicPartition, DeletedRecords>> delete_records(
      const std::map<TopicPartition, int64_t>& before_offsets);

  // Groups.
  Result<std::vector<GroupListing>> list_groups(const ListGroupsOptions& options = {});
  Result<std::map<std::string, GroupDescription>> describe_groups(
      const std::vector<std::string>& groups);
  // Per group: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...
  Result<std::map<std::string, Status>> delete_groups(const std::vector<std::string>& groups);
  // OffsetFetch v8 (one request per coordinator) where the coordinator speaks it,
  // else one request per group.
  Result<std::map<std::string, GroupOffsets>> list_consumer_group_offsets(
      const std::map<std::string, GroupPartitions>& groups,
      RequireStable require_stable = RequireStable::kNo);
  // The outer Result fails with the group's error (GROUP_ID_NOT_FOUND, ...);
  // per partition: GROUP_SUBSCRIBED_TO_TOPIC, UNKNOWN_TOPIC_OR_PARTITION.
  Result<std::map<TopicPartition, Status>> delete_consumer_group_offsets(
      const std::string& group, const std::vector<TopicPartition>& partitions);

  // Transactions. Per id: TRANSACTIONAL_ID_NOT_FOUND, ...
  Result<std::map<std::string, TransactionDescription>> describe_transactions(
      const std::vector<std::string>& transactional_ids);
  Result<std::vector<TransactionListing>> list_transactions(
      const ListTransactionsOptions& options = {});
  Result<std::map<TopicPartition, PartitionProducers>> describe_producers(
      const std::vector<TopicPartition>& partitions);

  const ClientConfig& config() const;

 private:
  explicit Admin(std::shared_ptr<AdminCore> core);
  std::shared_ptr<AdminCore> core_;
};

}  // namespace brook::client
