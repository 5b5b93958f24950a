// tests/conformance/conformance_testing.h
//
// The fixture of the conformance suite: one broker per test, either an
// embedded Brook broker (in memory, port 0, fresh for each test) or the
// external broker named by BROOK_BOOTSTRAP=host:port, which is used as it is
// (nothing is started, every topic, group and transactional id gets a name of
// its own so the suite can run again and again against the same cluster).
//
// Everything a test asserts must hold on Apache Kafka 3.x and 4.0 as well as
// on Brook, so the helpers behave as a careful Kafka client does: they pick
// the versions both sides speak (ApiVersions), send each request to the
// partition leader or the coordinator the broker names, and retry the errors a
// cluster gives while it settles (a topic that is still being created, a
// coordinator that is loading, a transaction that is still completing).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "broker/broker.h"
#include "protocol/api_key.h"
#include "protocol/error_code.h"
#include "protocol/record.h"
#include "protocol/record_batch.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/test_env.h"

namespace brook::conformance {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::Call;
using testing::RawClient;

// Skips the test with the reason when the broker serves no version of `Req`
// in [lo, hi] that Brook's messages also speak. The embedded broker must
// serve every scenario, so there the same condition fails the test instead.
#define CONFORMANCE_REQUIRE_API(Req, lo, hi)                                                 \
  do {                                                                                       \
    if (std::string why_ = Lacks(Req::kApiKey, Req::kVersions, (lo), (hi)); !why_.empty()) { \
      if (embedded()) FAIL() << why_ << " (the embedded broker must serve it)";              \
      GTEST_SKIP() << why_;                                                                  \
    }                                                                                        \
  } while (0)

// Milliseconds since the epoch: records get recent timestamps so that no
// broker's retention or timestamp checks touch them.
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Calls `call` until `done(result)` holds or `timeout` has passed; returns
// the last result.
template <typename Call, typename Done>
auto Eventually(Call call, Done done, std::chrono::milliseconds timeout = 30s) {
  auto result = call();
  Clock::time_point deadline = Clock::now() + timeout;
  while (!done(result) && Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    result = call();
  }
  return result;
}

// Errors a cluster answers while it settles, which a client retries.
inline bool Transient(ErrorCode code) {
  switch (code) {
    case ErrorCode::kLeaderNotAvailable:
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kUnknownTopicOrPartition:  // metadata not yet on this broker
    case ErrorCode::kUnknownTopicId:
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kConcurrentTransactions:
    case ErrorCode::kRequestTimedOut:
    case ErrorCode::kNotEnoughReplicas: return true;
    default: return false;
  }
}

// Call() with a longer wait for the answer (JoinGroup may sit out a
// rebalance delay).
template <typename Req>
Result<ResponseFor<Req>> SlowCall(RawClient& client, const Req& request, int16_t version,
                                  std::chrono::milliseconds timeout) {
  return Call(client, request, version, "brook-conformance", timeout);
}

// One record as a fetch returned it.
struct Fetched {
  int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  bool transactional = false;
  int64_t producer_id = -1;

  bool operator==(const Fetched&) const = default;
};

// One partition of a Fetch answer, its batches decoded.
struct FetchedPartition {
  ErrorCode error = ErrorCode::kUnknownServerError;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  std::optional<std::vector<FetchResponse::AbortedTransaction>> aborted;
  std::vector<Fetched> records;  // data records of every batch, control batches left out
  int control_batches = 0;
};

struct ProducerIdAndEpoch {
  int64_t id = -1;
  int16_t epoch = -1;
};

class ConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* external = std::getenv("BROOK_BOOTSTRAP"); external && *external) {
      std::string hp = external;
      size_t colon = hp.rfind(':');
      ASSERT_NE(colon, std::string::npos) << "BROOK_BOOTSTRAP must be host:port, not " << hp;
      host_ = hp.substr(0, colon);
      port_ = static_cast<uint16_t>(std::atoi(hp.c_str() + colon + 1));
    } else {
      broker::BrokerConfig config;
      config.listener_port = 0;
      config.memory = true;
      config.io_threads = brook::testing::TestIoThreads();
      broker_ = std::make_unique<broker::Broker>(config);
      Status s = broker_->Start();
      ASSERT_TRUE(s.ok()) << s.ToString();
      host_ = "127.0.0.1";
      port_ = broker_->port();
    }
    Status c = bootstrap_.Connect(host_, port_);
    ASSERT_TRUE(c.ok()) << "connecting to " << bootstrap() << ": " << c.ToString();
    Result<ApiVersionsResponse> versions =
        Call(bootstrap_,
             ApiVersionsRequest{.client_software_name = "brook-conformance",
                                .client_software_version = "1.0"},
             3);
    ASSERT_TRUE(versions.ok()) << versions.status().ToString();
    ASSERT_EQ(versions->error_code, ErrorCode::kNone);
    for (const auto& api : versions->api_keys) {
      versions_[api.api_key] = VersionRange{api.min_version, api.max_version};
    }
  }

  bool embedded() const { return broker_ != nullptr; }
  std::string bootstrap() const { return host_ + ":" + std::to_string(port_); }
  RawClient& bootstrap_client() { return bootstrap_; }

  // A name no earlier run used: "<prefix>-<TestName>-<unique suffix>".
  std::string Name(const std::string& prefix) {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    static int counter = 0;
    return prefix + "-" + info->name() + "-" + std::to_string(NowMs()) + "-" +
           std::to_string(::getpid()) + "-" + std::to_string(++counter);
  }

  // "" when the broker serves `key` at some version in [lo, hi] ∩ ours,
  // else the reason ("broker lacks DescribeTransactions v0").
  std::string Lacks(ApiKey key, VersionRange ours, int16_t lo, int16_t hi) const {
    lo = std::max(lo, ours.min);
    hi = std::min(hi, ours.max);
    auto it = versions_.find(static_cast<int16_t>(key));
    if (it != versions_.end() && std::max(lo, it->second.min) <= std::min(hi, it->second.max)) {
      return "";
    }
    std::string want = "v" + std::to_string(lo);
    if (hi != lo) want += "-" + std::to_string(hi);
    return "broker lacks " + std::string(ApiName(key)) + " " + want;
  }

  // The highest (lowest) version of `Req` both sides speak, within [lo, hi].
  template <typename Req>
  int16_t Highest(int16_t hi = Req::kVersions.max) const {
    return std::min({hi, Req::kVersions.max, Served(Req::kApiKey).max});
  }
  template <typename Req>
  int16_t Lowest(int16_t lo = Req::kVersions.min) const {
    return std::max({lo, Req::kVersions.min, Served(Req::kApiKey).min});
  }

  // --- Topics -------------------------------------------------------------

  // CreateTopics at the highest shared version; one answer per topic.
  std::vector<CreateTopicsResponse::CreatableTopicResult> CreateTopics(
      std::vector<CreateTopicsRequest::CreatableTopic> topics,
      std::optional<int16_t> version = std::nullopt) {
    int16_t v = version.value_or(Highest<CreateTopicsRequest>());
    if (v < 4) {
      for (auto& t : topics) {
        if (t.replication_factor < 0) t.replication_factor = 1;
      }
    }
    Result<CreateTopicsResponse> resp =
        Call(bootstrap_, CreateTopicsRequest{.topics = std::move(topics), .timeout_ms = 30000}, v);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->topics : std::vector<CreateTopicsResponse::CreatableTopicResult>{};
  }

  // Creates `name` with `partitions` partitions and waits until every
  // partition has a leader the broker knows.
  void CreateTopic(const std::string& name, int32_t partitions,
                   const std::map<std::string, std::string>& configs = {}) {
    CreateTopicsRequest::CreatableTopic topic{
        .name = name, .num_partitions = partitions, .replication_factor = -1};
    for (const auto& [k, v] : configs) topic.configs.push_back({.name = k, .value = v});
    auto results = CreateTopics({topic});
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(results[0].error_code, ErrorCode::kNone)
        << ErrorName(results[0].error_code) << " " << results[0].error_message.value_or("");
    ASSERT_TRUE(WaitForLeaders(name, partitions)) << name << " has no leaders";
  }

  // Metadata for `topic` at the highest shared version.
  Result<MetadataResponse> Metadata(const std::string& topic, bool auto_create) {
    int16_t v = Highest<MetadataRequest>();
    MetadataRequest req;
    req.topics = std::vector<MetadataRequest::MetadataRequestTopic>{{.name = topic}};
    req.allow_auto_topic_creation = auto_create;
    Result<MetadataResponse> resp = Call(bootstrap_, req, v);
    if (resp.ok()) Remember(*resp);
    return resp;
  }

  // True once `topic` answers without error with `partitions` partitions
  // (0: any number), each led by a known broker.
  bool WaitForLeaders(const std::string& topic, int32_t partitions = 0) {
    Result<MetadataResponse> resp = Eventually(
        [&] { return Metadata(topic, /*auto_create=*/false); },
        [&](const Result<MetadataResponse>& r) { return r.ok() && Settled(*r, partitions); });
    return resp.ok() && Settled(*resp, partitions);
  }

  // --- Connections --------------------------------------------------------

  // A connection to broker `node_id` (as the last Metadata named it).
  RawClient& Node(int32_t node_id) {
    auto it = nodes_.find(node_id);
    if (it != nodes_.end()) return *it->second;
    auto client = std::make_unique<RawClient>();
    auto addr = addresses_.find(node_id);
    if (addr == addresses_.end()) {
      ADD_FAILURE() << "no address for node " << node_id;
      return bootstrap_;
    }
    Status s = client->Connect(addr->second.first, addr->second.second);
    EXPECT_TRUE(s.ok()) << "node " << node_id << ": " << s.ToString();
    return *nodes_.emplace(node_id, std::move(client)).first->second;
  }

  // The leader of topic-partition (waits for one).
  RawClient& Leader(const std::string& topic, int32_t partition) {
    auto it = leaders_.find({topic, partition});
    if (it == leaders_.end()) {
      WaitForLeaders(topic);
      it = leaders_.find({topic, partition});
    }
    if (it == leaders_.end()) {
      ADD_FAILURE() << "no leader for " << topic << "-" << partition;
      return bootstrap_;
    }
    return Node(it->second);
  }

  // The coordinator of `key` (key_type 0: group, 1: transactional id).
  RawClient& Coordinator(const std::string& key, int8_t key_type) {
    int16_t v = Highest<FindCoordinatorRequest>();
    struct Found {
      ErrorCode error = ErrorCode::kUnknownServerError;
      int32_t node_id = -1;
      std::string host;
      int32_t port = 0;
    };
    Found found = Eventually(
        [&] {
          FindCoordinatorRequest req{.key_type = key_type};
          if (v >= 4) {
            req.coordinator_keys = {key};
          } else {
            req.key = key;
          }
          Result<FindCoordinatorResponse> resp = Call(bootstrap_, req, v);
          if (!resp.ok()) return Found{};
          if (v >= 4) {
            if (resp->coordinators.size() != 1) return Found{};
            const auto& c = resp->coordinators[0];
            return Found{c.error_code, c.node_id, c.host, c.port};
          }
          return Found{resp->error_code, resp->node_id, resp->host, resp->port};
        },
        [](const Found& f) { return f.error == ErrorCode::kNone; });
    EXPECT_EQ(found.error, ErrorCode::kNone)
        << "FindCoordinator " << key << ": " << ErrorName(found.error);
    if (found.error != ErrorCode::kNone) return bootstrap_;
    addresses_[found.node_id] = {found.host, static_cast<uint16_t>(found.port)};
    return Node(found.node_id);
  }

  // --- Data ---------------------------------------------------------------

  struct BatchSpec {
    std::vector<std::string> values;
    int64_t timestamp = -1;  // of the first record (the next ones +1 ms each); -1: now
    int64_t producer_id = kNoProducerId;
    int16_t epoch = kNoProducerEpoch;
    int32_t sequence = kNoSequence;
    bool transactional = false;
  };

  // One v2 record batch: values as given, keys k0, k1, ...
  static std::string Batch(const BatchSpec& spec) {
    RecordBatchHeader h;
    h.base_timestamp = spec.timestamp >= 0 ? spec.timestamp : NowMs();
    h.producer_id = spec.producer_id;
    h.producer_epoch = spec.epoch;
    h.base_sequence = spec.sequence;
    if (spec.transactional) h.attributes |= kTransactionalAttribute;
    std::vector<Record> records;
    for (size_t i = 0; i < spec.values.size(); ++i) {
      records.push_back(Record{.timestamp_delta = static_cast<int64_t>(i),
                               .offset_delta = static_cast<int32_t>(i),
                               .key = "k" + std::to_string(i),
                               .value = spec.values[i]});
    }
    Result<std::string> batch = BuildRecordBatch(h, Compression::kNone, records);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    return batch.ok() ? *batch : std::string();
  }

  // Produces `records` (acks=all) to the partition's leader at `version`
  // (default: the highest shared), retrying transient errors.
  ProduceResponse::PartitionProduceResponse Produce(
      const std::string& topic, int32_t partition, const std::string& records,
      std::optional<int16_t> version = std::nullopt,
      std::optional<std::string> transactional_id = std::nullopt) {
    int16_t v = version.value_or(Highest<ProduceRequest>());
    ProduceRequest req{.transactional_id = transactional_id, .acks = -1, .timeout_ms = 10000};
    req.topic_data.push_back(
        {.name = topic, .partition_data = {{.index = partition, .records = records}}});
    using Answer = ProduceResponse::PartitionProduceResponse;
    return Eventually(
        [&] {
          Result<ProduceResponse> resp = Call(Leader(topic, partition), req, v);
          EXPECT_TRUE(resp.ok()) << resp.status().ToString();
          if (!resp.ok() || resp->responses.size() != 1 ||
              resp->responses[0].partition_responses.size() != 1) {
            return Answer{.error_code = ErrorCode::kUnknownServerError};
          }
          return resp->responses[0].partition_responses[0];
        },
        [](const Answer& a) { return !Transient(a.error_code); });
  }

  // One Fetch of topic-partition from `offset` at `version` (default: the
  // highest shared), isolation 0 read_uncommitted or 1 read_committed;
  // retried while the answer is a transient error.
  FetchedPartition Fetch(const std::string& topic, int32_t partition, int64_t offset,
                         int8_t isolation, std::optional<int16_t> version = std::nullopt) {
    int16_t v = version.value_or(Highest<FetchRequest>());
    FetchRequest req{
        .max_wait_ms = 100, .min_bytes = 1, .max_bytes = 1 << 20, .isolation_level = isolation};
    FetchRequest::FetchTopic t;
    if (v >= 13) {
      t.topic_id = TopicId(topic);
    } else {
      t.topic = topic;
    }
    t.partitions.push_back(
        {.partition = partition, .fetch_offset = offset, .partition_max_bytes = 1 << 20});
    req.topics.push_back(std::move(t));
    return Eventually(
        [&] {
          FetchedPartition out;
          Result<FetchResponse> resp = Call(Leader(topic, partition), req, v);
          EXPECT_TRUE(resp.ok()) << resp.status().ToString();
          if (!resp.ok() || resp->responses.size() != 1 ||
              resp->responses[0].partitions.size() != 1) {
            return out;
          }
          const FetchResponse::PartitionData& p = resp->responses[0].partitions[0];
          out.error = p.error_code;
          out.high_watermark = p.high_watermark;
          out.last_stable_offset = p.last_stable_offset;
          out.aborted = p.aborted_transactions;
          if (p.records) Decode(*p.records, out);
          return out;
        },
        [](const FetchedPartition& p) { return !Transient(p.error); });
  }

  // Fetches until the answer's last stable offset is `lso` (read_committed).
  FetchedPartition FetchCommittedUntilLso(const std::string& topic, int32_t partition,
                                          int64_t lso) {
    return Eventually([&] { return Fetch(topic, partition, 0, /*isolation=*/1); },
                      [&](const FetchedPartition& p) { return p.last_stable_offset == lso; });
  }

  // --- Transactions -------------------------------------------------------

  ProducerIdAndEpoch InitProducerId(RawClient& client, std::optional<std::string> txn_id,
                                    ErrorCode* error = nullptr) {
    int16_t v = Highest<InitProducerIdRequest>();
    auto resp = Eventually(
        [&] {
          return Call(
              client,
              InitProducerIdRequest{.transactional_id = txn_id, .transaction_timeout_ms = 60000},
              v);
        },
        [](const Result<InitProducerIdResponse>& r) {
          return !r.ok() || !Transient(r->error_code);
        });
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return {};
    if (error) *error = resp->error_code;
    EXPECT_EQ(resp->error_code, ErrorCode::kNone) << ErrorName(resp->error_code);
    return {resp->producer_id, resp->producer_epoch};
  }

  ErrorCode AddPartitionsToTxn(RawClient& coordinator, const std::string& txn_id,
                               ProducerIdAndEpoch p, const std::string& topic, int32_t partition) {
    // v4+ is the brokers' own batched form.
    int16_t v = Highest<AddPartitionsToTxnRequest>(3);
    AddPartitionsToTxnRequest req{.transactional_id = txn_id,
                                  .producer_id = p.id,
                                  .producer_epoch = p.epoch,
                                  .topics = {{.name = topic, .partitions = {partition}}}};
    auto resp = Eventually(
        [&] { return Call(coordinator, req, v); },
        [](const Result<AddPartitionsToTxnResponse>& r) {
          return !r.ok() || r->results_by_topic.size() != 1 ||
                 r->results_by_topic[0].results_by_partition.size() != 1 ||
                 !Transient(r->results_by_topic[0].results_by_partition[0].partition_error_code);
        });
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok() || resp->results_by_topic.size() != 1 ||
        resp->results_by_topic[0].results_by_partition.size() != 1) {
      return ErrorCode::kUnknownServerError;
    }
    return resp->results_by_topic[0].results_by_partition[0].partition_error_code;
  }

  // EndTxn once (no retries): the caller decides what an answer means.
  ErrorCode EndTxnOnce(RawClient& coordinator, const std::string& txn_id, ProducerIdAndEpoch p,
                       bool commit) {
    // EndTxn v5 switches a Kafka 4 coordinator to transactions version 2.
    int16_t v = Highest<EndTxnRequest>(4);
    Result<EndTxnResponse> resp = Call(coordinator,
                                       EndTxnRequest{.transactional_id = txn_id,
                                                     .producer_id = p.id,
                                                     .producer_epoch = p.epoch,
                                                     .committed = commit},
                                       v);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp.ok() ? resp->error_code : ErrorCode::kUnknownServerError;
  }

  // EndTxn, retried while the coordinator answers a transient error.
  ErrorCode EndTxn(RawClient& coordinator, const std::string& txn_id, ProducerIdAndEpoch p,
                   bool commit) {
    return Eventually([&] { return EndTxnOnce(coordinator, txn_id, p, commit); },
                      [](ErrorCode e) { return !Transient(e); });
  }

  Uuid TopicId(const std::string& topic) {
    auto it = topic_ids_.find(topic);
    if (it == topic_ids_.end()) {
      WaitForLeaders(topic);
      it = topic_ids_.find(topic);
    }
    EXPECT_NE(it, topic_ids_.end()) << "no topic id for " << topic;
    return it == topic_ids_.end() ? Uuid{} : it->second;
  }

 private:
  VersionRange Served(ApiKey key) const {
    auto it = versions_.find(static_cast<int16_t>(key));
    return it == versions_.end() ? VersionRange{0, -1} : it->second;
  }

  static bool Settled(const MetadataResponse& resp, int32_t partitions) {
    if (resp.topics.size() != 1 || resp.topics[0].error_code != ErrorCode::kNone) return false;
    const auto& parts = resp.topics[0].partitions;
    if (parts.empty() || (partitions > 0 && parts.size() != static_cast<size_t>(partitions))) {
      return false;
    }
    for (const auto& p : parts) {
      if (p.error_code != ErrorCode::kNone || p.leader_id < 0) return false;
    }
    return true;
  }

  void Remember(const MetadataResponse& resp) {
    for (const auto& b : resp.brokers) {
      addresses_[b.node_id] = {b.host, static_cast<uint16_t>(b.port)};
    }
    for (const auto& t : resp.topics) {
      if (t.error_code != ErrorCode::kNone || !t.name) continue;
      if (!t.topic_id.is_zero()) topic_ids_[*t.name] = t.topic_id;
      for (const auto& p : t.partitions) {
        if (p.leader_id >= 0) leaders_[{*t.name, p.partition_index}] = p.leader_id;
      }
    }
  }

  static void Decode(const std::string& records, FetchedPartition& out) {
    RecordBatchReader reader(records);
    for (;;) {
      Result<std::optional<RecordBatchView>> batch = reader.Next();
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || !batch->has_value()) break;
      const RecordBatchHeader& h = (*batch)->header();
      if (h.is_control()) {
        ++out.control_batches;
        continue;
      }
      Result<std::vector<Record>> decoded = (*batch)->DecodeRecords(64 << 20);
      EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
      if (!decoded.ok()) break;
      for (const Record& r : *decoded) {
        out.records.push_back(Fetched{.offset = h.base_offset + r.offset_delta,
                                      .key = r.key,
                                      .value = r.value,
                                      .transactional = h.is_transactional(),
                                      .producer_id = h.producer_id});
      }
    }
  }

  std::unique_ptr<broker::Broker> broker_;  // null against an external broker
  std::string host_;
  uint16_t port_ = 0;
  RawClient bootstrap_;
  std::map<int16_t, VersionRange> versions_;
  std::map<int32_t, std::pair<std::string, uint16_t>> addresses_;
  std::map<int32_t, std::unique_ptr<RawClient>> nodes_;
  std::map<std::pair<std::string, int32_t>, int32_t> leaders_;
  std::map<std::string, Uuid> topic_ids_;
};

// The values of `records`, in order.
inline std::vector<std::string> Values(const std::vector<Fetched>& records) {
  std::vector<std::string> out;
  for (const Fetched& r : records) out.push_back(r.value.value_or("<null>"));
  return out;
}

}  // namespace brook::conformance
