// client/admin.cc
#include "client/admin.h"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <atomic>
#include <charconv>
#include <functional>
#include <future>
#include <limits>
#include <set>
#include <thread>

#include "client/network/broker_connection.h"
#include "client/network/cluster.h"
#include "protocol/base/logging.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_cluster.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/describe_producers.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"

namespace brook::client {
namespace {

const Logger kLog("client.admin");

using Clock = std::chrono::steady_clock;

std::atomic<int> admin_count{0};

// A node id no broker has: "any broker will do".
constexpr int32_t kAnyNode = std::numeric_limits<int32_t>::min();

enum class CoordinatorType : int8_t { kGroup = 0, kTransaction = 1 };

// An item's answer as a Status: OK, or the Kafka code with the broker's message.
Status ItemStatus(ErrorCode code, const std::optional<std::string>& message,
                  const std::string& what) {
  if (code == ErrorCode::kNone) return Status::Ok();
  std::string context = what;
  if (message && !message->empty()) context += ": " + *message;
  return Status(make_error_code(code), context);
}

// Worth another attempt before the deadline. UNKNOWN_TOPIC_OR_PARTITION is the
// protocol's "retriable" (metadata may lag) but an admin's answer here.
bool Retriable(const Status& s) {
  std::error_code c = s.code();
  if (c.category() == KafkaCategory()) {
    auto code = static_cast<ErrorCode>(c.value());
    return code != ErrorCode::kUnknownTopicOrPartition && IsRetriable(code);
  }
  if (c == ClientErrc::kTimedOut || c == ClientErrc::kDisconnected || c == ClientErrc::kNoBrokers) {
    return true;
  }
  return c.category() != ClientCategory();  // errno, Asio: a lost connection
}

std::string KeyName(const std::string& key) { return key; }
std::string KeyName(const TopicPartition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}
std::string KeyName(int32_t node) { return "node " + std::to_string(node); }
std::string KeyName(const ConfigResource& r) {
  return (r.type == ConfigResource::Type::kBroker ? "broker " : "topic ") + r.name;
}

// Keys grouped by the node to send them to, and the keys that failed to route.
template <typename Key>
struct Routed {
  std::map<int32_t, std::vector<Key>> by_node;
  std::map<Key, Status> errors;
};
template <typename Key>
using Locate = std::function<asio::awaitable<Result<Routed<Key>>>(std::vector<Key>)>;
// Sends one request for `keys` to `node`; each key's outcome.
template <typename Key>
using Send =
    std::function<asio::awaitable<Result<std::map<Key, Status>>>(int32_t, std::vector<Key>)>;

std::map<std::string, std::vector<int32_t>> ByTopic(const std::vector<TopicPartition>& tps) {
  std::map<std::string, std::vector<int32_t>> out;
  for (const TopicPartition& tp : tps) out[tp.topic].push_back(tp.partition);
  return out;
}

}  // namespace

const ConfigEntry* ResourceConfig::Get(std::string_view name) const {
  for (const ConfigEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// Owns the io thread and the cluster view; every call is a coroutine on io_
// whose caller blocks on its future. No state is shared between calls but the
// Cluster (thread-safe), so io_ may be run by any number of threads.
class AdminCore {
 public:
  AdminCore(ClientConfig config, std::chrono::milliseconds api_timeout)
      : config_(std::move(config)),
        api_timeout_(api_timeout),
        work_(asio::make_work_guard(io_)),
        cluster_(io_, config_) {}

  ~AdminCore() { Close(); }

  void Start() {
    io_thread_ = std::thread([this] { io_.run(); });
  }

  void Close() {
    if (closed_.exchange(true)) return;
    cluster_.Close();
    work_.reset();
    asio::post(io_, [this] { io_.stop(); });
    if (io_thread_.joinable()) io_thread_.join();
  }

  const ClientConfig& config() const { return config_; }
  Clock::time_point Deadline() const { return Clock::now() + api_timeout_; }

  // Runs `op` on the io thread and waits for it.
  template <typename T>
  Result<T> Run(asio::awaitable<Result<T>> op) {
    if (closed_.load()) return Status(ClientErrc::kClosed, "admin client closed");
    std::future<std::optional<Result<T>>> done =
        asio::co_spawn(io_, detail::Optionally<Result<T>>(std::move(op)), asio::use_future);
    return *done.get();
  }

  // The calls (on io_).
  asio::awaitable<Result<std::map<std::string, Status>>> CreateTopics(std::vector<NewTopic> topics,
                                                                      ValidateOnly validate,
                                                                      Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, Status>>> DeleteTopics(
      std::vector<std::string> topics, Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, Status>>> CreatePartitions(
      std::map<std::string, int32_t> counts, ValidateOnly validate, Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, TopicDescription>>> DescribeTopics(
      std::optional<std::vector<std::string>> topics, Admin::InternalTopics internal,
      std::map<std::string, Status>* errors, Clock::time_point deadline);
  asio::awaitable<Result<ClusterDescription>> DescribeCluster(Clock::time_point deadline);
  asio::awaitable<Result<std::map<ConfigResource, ResourceConfig>>> DescribeConfigs(
      std::vector<ConfigResource> resources, Clock::time_point deadline);
  asio::awaitable<Result<std::map<ConfigResource, Status>>> AlterConfigs(
      std::map<ConfigResource, std::vector<AlterConfigOp>> changes, ValidateOnly validate,
      Clock::time_point deadline);
  asio::awaitable<Result<std::map<TopicPartition, ListOffsetsResultInfo>>> ListOffsets(
      std::map<TopicPartition, OffsetSpec> specs, ListOffsetsOptions options,
      Clock::time_point deadline);
  asio::awaitable<Result<std::map<TopicPartition, DeletedRecords>>> DeleteRecords(
      std::map<TopicPartition, int64_t> offsets, Clock::time_point deadline);
  asio::awaitable<Result<std::map<TopicPartition, PartitionProducers>>> DescribeProducers(
      std::vector<TopicPartition> partitions, Clock::time_point deadline);
  asio::awaitable<Result<std::vector<GroupListing>>> ListGroups(ListGroupsOptions options,
                                                                Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, GroupDescription>>> DescribeGroups(
      std::vector<std::string> groups, Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, Status>>> DeleteGroups(
      std::vector<std::string> groups, Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, GroupOffsets>>> ListGroupOffsets(
      std::map<std::string, GroupPartitions> groups, RequireStable require_stable,
      Clock::time_point deadline);
  asio::awaitable<Result<std::map<TopicPartition, Status>>> DeleteGroupOffsets(
      std::string group, std::vector<TopicPartition> partitions, Clock::time_point deadline);
  asio::awaitable<Result<std::map<std::string, TransactionDescription>>> DescribeTransactions(
      std::vector<std::string> ids, Clock::time_point deadline);
  asio::awaitable<Result<std::vector<TransactionListing>>> ListTransactions(
      ListTransactionsOptions options, Clock::time_point deadline);

 private:
  // Transport.
  asio::awaitable<void> Sleep(std::chrono::milliseconds duration);
  asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> NodeConnection(int32_t node);
  template <typename Req>
  asio::awaitable<Result<ResponseFor<Req>>> CallNode(int32_t node, Req req,
                                                     int16_t min_version = Req::kVersions.min);
  asio::awaitable<Result<MetadataResponse>> Metadata(
      std::optional<std::vector<std::string>> topics);
  // Every broker's node id (from a fresh Metadata answer).
  asio::awaitable<Result<std::vector<int32_t>>> BrokerIds();

  // The retry loop: routes the pending keys, sends a request per node,
  // settles each key whose answer is final and tries the others again after
  // retry.backoff.ms until `deadline`. The outer Result fails when no key got
  // an answer from a broker.
  template <typename Key>
  asio::awaitable<Result<std::map<Key, Status>>> RunKeyed(std::string api, std::vector<Key> keys,
                                                          Locate<Key> locate, Send<Key> send,
                                                          Clock::time_point deadline);
  // Locators.
  template <typename Key>
  asio::awaitable<Result<Routed<Key>>> LocateController(std::vector<Key> keys);
  template <typename Key>
  asio::awaitable<Result<Routed<Key>>> LocateAny(std::vector<Key> keys);
  asio::awaitable<Result<Routed<std::string>>> LocateCoordinators(CoordinatorType type,
                                                                  std::vector<std::string> keys);
  asio::awaitable<Result<Routed<TopicPartition>>> LocateLeaders(std::vector<TopicPartition> tps);
  asio::awaitable<Result<Routed<ConfigResource>>> LocateConfigResources(
      std::vector<ConfigResource> resources);

  // One request each (the Send of a call).
  asio::awaitable<Result<std::map<std::string, Status>>> SendCreateTopics(
      int32_t node, std::vector<std::string> names, const std::map<std::string, NewTopic>* topics,
      ValidateOnly validate);
  asio::awaitable<Result<std::map<std::string, Status>>> SendDeleteTopics(
      int32_t node, std::vector<std::string> names);
  asio::awaitable<Result<std::map<std::string, Status>>> SendCreatePartitions(
      int32_t node, std::vector<std::string> names, const std::map<std::string, int32_t>* counts,
      ValidateOnly validate);
  asio::awaitable<Result<std::map<ConfigResource, Status>>> SendDescribeConfigs(
      int32_t node, std::vector<ConfigResource> resources,
      std::map<ConfigResource, ResourceConfig>* out);
  asio::awaitable<Result<std::map<ConfigResource, Status>>> SendAlterConfigs(
      int32_t node, std::vector<ConfigResource> resources,
      const std::map<ConfigResource, std::vector<AlterConfigOp>>* changes, ValidateOnly validate);
  asio::awaitable<Result<std::map<TopicPartition, Status>>> SendListOffsets(
      int32_t node, std::vector<TopicPartition> tps,
      const std::map<TopicPartition, OffsetSpec>* specs, ListOffsetsOptions options,
      std::map<TopicPartition, ListOffsetsResultInfo>* out);
  asio::awaitable<Result<std::map<TopicPartition, Status>>> SendDeleteRecords(
      int32_t node, std::vector<TopicPartition> tps,
      const std::map<TopicPartition, int64_t>* offsets,
      std::map<TopicPartition, DeletedRecords>* out);
  asio::awaitable<Result<std::map<TopicPartition, Status>>> SendDescribeProducers(
      int32_t node, std::vector<TopicPartition> tps,
      std::map<TopicPartition, PartitionProducers>* out);
  asio::awaitable<Result<std::map<std::string, Status>>> SendDescribeGroups(
      int32_t node, std::vector<std::string> groups, std::map<std::string, GroupDescription>* out);
  asio::awaitable<Result<std::map<std::string, Status>>> SendDeleteGroups(
      int32_t node, std::vector<std::string> groups);
  asio::awaitable<Result<std::map<std::string, Status>>> SendOffsetFetch(
      int32_t node, std::vector<std::string> groups,
      const std::map<std::string, GroupPartitions>* wanted, RequireStable require_stable,
      std::map<std::string, GroupOffsets>* out);
  asio::awaitable<Result<std::map<std::string, Status>>> SendOffsetDelete(
      int32_t node, std::vector<std::string> groups, const std::vector<TopicPartition>* partitions,
      std::map<TopicPartition, Status>* out);
  asio::awaitable<Result<std::map<std::string, Status>>> SendDescribeTransactions(
      int32_t node, std::vector<std::string> ids,
      std::map<std::string, TransactionDescription>* out);
  asio::awaitable<Result<std::map<int32_t, Status>>> SendListGroups(int32_t node,
                                                                    std::vector<int32_t> nodes,
                                                                    ListGroupsOptions options,
                                                                    std::vector<GroupListing>* out);
  asio::awaitable<Result<std::map<int32_t, Status>>> SendListTransactions(
      int32_t node, std::vector<int32_t> nodes, ListTransactionsOptions options,
      std::vector<TransactionListing>* out);

  const ClientConfig config_;
  const std::chrono::milliseconds api_timeout_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Cluster cluster_;
  std::thread io_thread_;
  std::atomic<bool> closed_{false};
};

// ---------------------------------------------------------------------------
// Transport

asio::awaitable<void> AdminCore::Sleep(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  asio::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<Result<std::shared_ptr<BrokerConnection>>> AdminCore::NodeConnection(int32_t node) {
  if (node == kAnyNode) co_return co_await cluster_.AnyConnection();
  Result<std::shared_ptr<BrokerConnection>> connection = co_await cluster_.Connection(node);
  if (!connection.ok() && connection.status().code() == ClientErrc::kNoBrokers) {
    // A broker the cluster view has not named yet: learn the brokers.
    Status refreshed = co_await cluster_.Refresh({});
    if (refreshed.ok()) connection = co_await cluster_.Connection(node);
  }
  co_return connection;
}

template <typename Req>
asio::awaitable<Result<ResponseFor<Req>>> AdminCore::CallNode(int32_t node, Req req,
                                                              int16_t min_version) {
  Result<std::shared_ptr<BrokerConnection>> connection = co_await NodeConnection(node);
  if (!connection.ok()) co_return connection.status();
  std::optional<int16_t> version = (*connection)->NegotiatedVersion(Req::kApiKey);
  if (!version || *version < min_version) {
    co_return Status(ClientErrc::kUnsupportedVersion, std::string(ApiName(Req::kApiKey)) + " v" +
                                                          std::to_string(min_version) + "+ on " +
                                                          (*connection)->peer());
  }
  co_return co_await (*connection)->CallAt(std::move(req), *version);
}

asio::awaitable<Result<MetadataResponse>> AdminCore::Metadata(
    std::optional<std::vector<std::string>> topics) {
  MetadataRequest req;
  req.allow_auto_topic_creation = false;
  if (topics) {
    req.topics.emplace();
    for (std::string& t : *topics) {
      MetadataRequest::MetadataRequestTopic topic;
      topic.name = std::move(t);
      req.topics->push_back(std::move(topic));
    }
  } else {
    req.topics = std::nullopt;
  }
  co_return co_await CallNode(kAnyNode, std::move(req));
}

asio::awaitable<Result<std::vector<int32_t>>> AdminCore::BrokerIds() {
  Result<MetadataResponse> md = co_await Metadata(std::vector<std::string>{});
  if (!md.ok()) co_return md.status();
  std::vector<int32_t> ids;
  for (const auto& b : md->brokers) ids.push_back(b.node_id);
  if (ids.empty()) co_return Status(ClientErrc::kNoBrokers, "Metadata named no broker");
  co_return ids;
}

// ---------------------------------------------------------------------------
// The retry loop and the locators

template <typename Key>
asio::awaitable<Result<std::map<Key, Status>>> AdminCore::RunKeyed(std::string api,
                                                                   std::vector<Key> keys,
                                                                   Locate<Key> locate,
                                                                   Send<Key> send,
                                                                   Clock::time_point deadline) {
  std::map<Key, Status> done;
  std::set<Key> pending(keys.begin(), keys.end());
  std::map<Key, Status> last;  // each pending key's last retriable error
  Status last_call;            // the last failed request as a whole
  auto settle = [&](const Key& key, Status s) {
    if (!pending.count(key)) return;
    if (s.ok() || !Retriable(s)) {
      done[key] = std::move(s);
      pending.erase(key);
    } else {
      last[key] = std::move(s);
    }
  };
  while (!pending.empty() && !closed_.load()) {
    Result<Routed<Key>> routed = co_await locate(std::vector<Key>(pending.begin(), pending.end()));
    if (!routed.ok()) {
      if (!Retriable(routed.status())) {
        for (const Key& key : pending) done[key] = routed.status();
        pending.clear();
        break;
      }
      last_call = routed.status();
    } else {
      for (auto& [key, s] : routed->errors) settle(key, s);
      for (auto& [node, node_keys] : routed->by_node) {
        Result<std::map<Key, Status>> answer = co_await send(node, node_keys);
        if (!answer.ok()) {
          kLog.Debug(api, " to node ", node, ": ", answer.status().ToString());
          for (const Key& key : node_keys) settle(key, answer.status());
          last_call = answer.status();
          continue;
        }
        for (const Key& key : node_keys) {
          auto it = answer->find(key);
          settle(key, it != answer->end() ? it->second
                                          : Status(ClientErrc::kBadResponse,
                                                   api + ": no answer for " + KeyName(key)));
        }
      }
    }
    if (pending.empty()) break;
    if (Clock::now() + config_.retry_backoff >= deadline) break;
    co_await Sleep(config_.retry_backoff);
  }
  for (const Key& key : pending) {
    auto it = last.find(key);
    const Status& why = it != last.end() ? it->second : last_call;
    done[key] = Status(ClientErrc::kTimedOut,
                       api + " " + KeyName(key) + ": no answer within default.api.timeout.ms" +
                           (why.ok() ? "" : "; last error: " + why.ToString()));
  }
  // Nothing any broker answered: the call failed as a whole.
  bool answered = done.empty();
  for (const auto& [key, s] : done) {
    if (s.ok() || s.code().category() == KafkaCategory()) answered = true;
  }
  if (!answered) co_return done.begin()->second;
  co_return done;
}

template <typename Key>
asio::awaitable<Result<Routed<Key>>> AdminCore::LocateController(std::vector<Key> keys) {
  Result<MetadataResponse> md = co_await Metadata(std::vector<std::string>{});
  if (!md.ok()) co_return md.status();
  if (md->controller_id < 0) {
    co_return Status(make_error_code(ErrorCode::kNotController), "no controller known yet");
  }
  Routed<Key> routed;
  routed.by_node[md->controller_id] = std::move(keys);
  co_return routed;
}

template <typename Key>
asio::awaitable<Result<Routed<Key>>> AdminCore::LocateAny(std::vector<Key> keys) {
  Routed<Key> routed;
  routed.by_node[kAnyNode] = std::move(keys);
  co_return routed;
}

asio::awaitable<Result<Routed<std::string>>> AdminCore::LocateCoordinators(
    CoordinatorType type, std::vector<std::string> keys) {
  Result<std::shared_ptr<BrokerConnection>> connection = co_await NodeConnection(kAnyNode);
  if (!connection.ok()) co_return connection.status();
  std::optional<int16_t> version = (*connection)->NegotiatedVersion(ApiKey::kFindCoordinator);
  if (!version) {
    co_return Status(ClientErrc::kUnsupportedVersion,
                     "FindCoordinator on " + (*connection)->peer());
  }
  Routed<std::string> routed;
  auto add = [&](const std::string& key, ErrorCode error, const std::optional<std::string>& message,
                 int32_t node) {
    if (error != ErrorCode::kNone) {
      routed.errors[key] = ItemStatus(error, message, "FindCoordinator " + key);
    } else {
      routed.by_node[node].push_back(key);
    }
  };
  // v4+ looks up every key at once; before, one request per key.
  const size_t per_request = *version >= 4 ? keys.size() : 1;
  for (size_t i = 0; i < keys.size(); i += per_request) {
    FindCoordinatorRequest req;
    req.key_type = static_cast<int8_t>(type);
    req.key = keys[i];
    req.coordinator_keys.assign(keys.begin() + static_cast<ptrdiff_t>(i),
                                keys.begin() + static_cast<ptrdiff_t>(i + per_request));
    Result<FindCoordinatorResponse> resp = co_await (*connection)->CallAt(std::move(req), *version);
    if (!resp.ok()) co_return resp.status();
    if (*version >= 4) {
      for (const auto& c : resp->coordinators) add(c.key, c.error_code, c.error_message, c.node_id);
    } else {
      add(keys[i], resp->error_code, resp->error_message, resp->node_id);
    }
  }
  co_return routed;
}

asio::awaitable<Result<Routed<TopicPartition>>> AdminCore::LocateLeaders(
    std::vector<TopicPartition> tps) {
  std::set<std::string> topics;
  for (const TopicPartition& tp : tps) topics.insert(tp.topic);
  Result<MetadataResponse> md =
      co_await Metadata(std::vector<std::string>(topics.begin(), topics.end()));
  if (!md.ok()) co_return md.status();
  Routed<TopicPartition> routed;
  for (const TopicPartition& tp : tps) {
    const MetadataResponse::MetadataResponseTopic* topic = nullptr;
    for (const auto& t : md->topics) {
      if (t.name == tp.topic) topic = &t;
    }
    if (topic == nullptr || topic->error_code != ErrorCode::kNone) {
      ErrorCode error = topic ? topic->error_code : ErrorCode::kUnknownTopicOrPartition;
      routed.errors[tp] = ItemStatus(error, std::nullopt, "topic " + tp.topic);
      continue;
    }
    const MetadataResponse::MetadataResponsePartition* partition = nullptr;
    for (const auto& p : topic->partitions) {
      if (p.partition_index == tp.partition) partition = &p;
    }
    if (partition == nullptr) {
      routed.errors[tp] =
          ItemStatus(ErrorCode::kUnknownTopicOrPartition, std::nullopt, "partition " + KeyName(tp));
    } else if (partition->leader_id < 0) {
      routed.errors[tp] =
          ItemStatus(ErrorCode::kLeaderNotAvailable, std::nullopt, "partition " + KeyName(tp));
    } else {
      routed.by_node[partition->leader_id].push_back(tp);
    }
  }
  co_return routed;
}

asio::awaitable<Result<Routed<ConfigResource>>> AdminCore::LocateConfigResources(
    std::vector<ConfigResource> resources) {
  Routed<ConfigResource> routed;
  for (ConfigResource& r : resources) {
    if (r.type != ConfigResource::Type::kBroker) {
      routed.by_node[kAnyNode].push_back(std::move(r));
      continue;
    }
    // A broker's configs are asked of that broker.
    int32_t node = -1;
    auto [end, ec] = std::from_chars(r.name.data(), r.name.data() + r.name.size(), node);
    if (ec != std::errc() || end != r.name.data() + r.name.size() || node < 0) {
      routed.errors[r] = Status(make_error_code(ErrorCode::kInvalidRequest),
                                "broker resource name is not a node id: '" + r.name + "'");
    } else {
      routed.by_node[node].push_back(std::move(r));
    }
  }
  co_return routed;
}

// ---------------------------------------------------------------------------
// Topics

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendCreateTopics(
    int32_t node, std::vector<std::string> names, const std::map<std::string, NewTopic>* topics,
    ValidateOnly validate) {
  CreateTopicsRequest req;
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  req.validate_only = validate == ValidateOnly::kYes;
  for (const std::string& name : names) {
    const NewTopic& t = topics->at(name);
    CreateTopicsRequest::CreatableTopic topic{.name = t.name,
                                              .num_partitions = t.num_partitions,
                                              .replication_factor = t.replication_factor};
    for (const auto& [key, value] : t.configs)
      topic.configs.push_back({.name = key, .value = value});
    req.topics.push_back(std::move(topic));
  }
  Result<CreateTopicsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> out;
  for (const auto& t : resp->topics) {
    out[t.name] = ItemStatus(t.error_code, t.error_message, "CreateTopics " + t.name);
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::CreateTopics(
    std::vector<NewTopic> topics, ValidateOnly validate, Clock::time_point deadline) {
  std::map<std::string, NewTopic> by_name;
  std::vector<std::string> names;
  for (NewTopic& t : topics) {
    if (by_name.count(t.name)) continue;
    names.push_back(t.name);
    by_name[t.name] = std::move(t);
  }
  co_return co_await RunKeyed<std::string>(
      "CreateTopics", std::move(names),
      [this](std::vector<std::string> keys) { return LocateController(std::move(keys)); },
      [this, &by_name, validate](int32_t node, std::vector<std::string> keys) {
        return SendCreateTopics(node, std::move(keys), &by_name, validate);
      },
      deadline);
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendDeleteTopics(
    int32_t node, std::vector<std::string> names) {
  DeleteTopicsRequest req;
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  for (const std::string& name : names) req.topics.push_back({.name = name});  // v6+
  req.topic_names = names;                                                     // v1-5
  Result<DeleteTopicsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> out;
  for (const auto& t : resp->responses) {
    std::string name = t.name.value_or("");
    out[name] = ItemStatus(t.error_code, t.error_message, "DeleteTopics " + name);
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::DeleteTopics(
    std::vector<std::string> topics, Clock::time_point deadline) {
  co_return co_await RunKeyed<std::string>(
      "DeleteTopics", std::move(topics),
      [this](std::vector<std::string> keys) { return LocateController(std::move(keys)); },
      [this](int32_t node, std::vector<std::string> keys) {
        return SendDeleteTopics(node, std::move(keys));
      },
      deadline);
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendCreatePartitions(
    int32_t node, std::vector<std::string> names, const std::map<std::string, int32_t>* counts,
    ValidateOnly validate) {
  CreatePartitionsRequest req;
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  req.validate_only = validate == ValidateOnly::kYes;
  for (const std::string& name : names) {
    req.topics.push_back({.name = name, .count = counts->at(name), .assignments = std::nullopt});
  }
  Result<CreatePartitionsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> out;
  for (const auto& r : resp->results) {
    out[r.name] = ItemStatus(r.error_code, r.error_message, "CreatePartitions " + r.name);
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::CreatePartitions(
    std::map<std::string, int32_t> counts, ValidateOnly validate, Clock::time_point deadline) {
  std::vector<std::string> names;
  for (const auto& [name, count] : counts) names.push_back(name);
  co_return co_await RunKeyed<std::string>(
      "CreatePartitions", std::move(names),
      [this](std::vector<std::string> keys) { return LocateController(std::move(keys)); },
      [this, &counts, validate](int32_t node, std::vector<std::string> keys) {
        return SendCreatePartitions(node, std::move(keys), &counts, validate);
      },
      deadline);
}

asio::awaitable<Result<std::map<std::string, TopicDescription>>> AdminCore::DescribeTopics(
    std::optional<std::vector<std::string>> topics, Admin::InternalTopics internal,
    std::map<std::string, Status>* errors, Clock::time_point deadline) {
  for (;;) {
    Result<MetadataResponse> md = co_await Metadata(topics);
    bool retry = !md.ok() && Retriable(md.status());
    std::map<std::string, TopicDescription> out;
    if (md.ok()) {
      for (const auto& t : md->topics) {
        std::string name = t.name.value_or("");
        if (t.error_code != ErrorCode::kNone) {
          Status s = ItemStatus(t.error_code, std::nullopt, "topic " + name);
          if (Retriable(s)) retry = true;  // LEADER_NOT_AVAILABLE: being created
          if (errors != nullptr) (*errors)[name] = s;
          continue;
        }
        if (t.is_internal && internal == Admin::InternalTopics::kNo && !topics) continue;
        TopicDescription d{.name = name, .topic_id = t.topic_id, .internal = t.is_internal};
        for (const auto& p : t.partitions) {
          d.partitions.push_back({.partition = p.partition_index,
                                  .leader = p.leader_id,
                                  .leader_epoch = p.leader_epoch,
                                  .replicas = p.replica_nodes,
                                  .isr = p.isr_nodes,
                                  .error = p.error_code});
        }
        std::sort(d.partitions.begin(), d.partitions.end(),
                  [](const auto& a, const auto& b) { return a.partition < b.partition; });
        out[name] = std::move(d);
      }
    }
    if (!retry || Clock::now() + config_.retry_backoff >= deadline) {
      if (!md.ok()) co_return md.status();
      co_return out;
    }
    if (errors != nullptr) errors->clear();
    co_await Sleep(config_.retry_backoff);
  }
}

asio::awaitable<Result<ClusterDescription>> AdminCore::DescribeCluster(Clock::time_point deadline) {
  for (;;) {
    Result<std::shared_ptr<BrokerConnection>> connection = co_await NodeConnection(kAnyNode);
    Status failed = connection.status();
    if (connection.ok() && (*connection)->NegotiatedVersion(ApiKey::kDescribeCluster)) {
      Result<DescribeClusterResponse> resp = co_await (*connection)->Call(DescribeClusterRequest{});
      if (resp.ok() && resp->error_code == ErrorCode::kNone) {
        ClusterDescription out{.cluster_id = resp->cluster_id,
                               .controller_id = resp->controller_id};
        for (const auto& b : resp->brokers) {
          out.nodes.push_back({.id = b.broker_id, .host = b.host, .port = b.port, .rack = b.rack});
        }
        co_return out;
      }
      failed = resp.ok() ? ItemStatus(resp->error_code, resp->error_message, "DescribeCluster")
                         : resp.status();
    } else if (connection.ok()) {
      // Brokers before 2.8: the same from Metadata.
      Result<MetadataResponse> md = co_await Metadata(std::vector<std::string>{});
      if (md.ok()) {
        ClusterDescription out{.cluster_id = md->cluster_id.value_or(""),
                               .controller_id = md->controller_id};
        for (const auto& b : md->brokers) {
          out.nodes.push_back({.id = b.node_id, .host = b.host, .port = b.port, .rack = b.rack});
        }
        co_return out;
      }
      failed = md.status();
    }
    if (!Retriable(failed) || Clock::now() + config_.retry_backoff >= deadline) co_return failed;
    co_await Sleep(config_.retry_backoff);
  }
}

// ---------------------------------------------------------------------------
// Configs

asio::awaitable<Result<std::map<ConfigResource, Status>>> AdminCore::SendDescribeConfigs(
    int32_t node, std::vector<ConfigResource> resources,
    std::map<ConfigResource, ResourceConfig>* out) {
  DescribeConfigsRequest req;
  for (const ConfigResource& r : resources) {
    req.resources.push_back({.resource_type = static_cast<int8_t>(r.type),
                             .resource_name = r.name,
                             .configuration_keys = std::nullopt});
  }
  Result<DescribeConfigsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<ConfigResource, Status> statuses;
  for (const auto& r : resp->results) {
    ConfigResource key{.type = static_cast<ConfigResource::Type>(r.resource_type),
                       .name = r.resource_name};
    Status s = ItemStatus(r.error_code, r.error_message, "DescribeConfigs " + KeyName(key));
    ResourceConfig config{.status = s};
    if (s.ok()) {
      for (const auto& c : r.configs) {
        config.entries.push_back({.name = c.name,
                                  .value = c.value,
                                  .source = static_cast<ConfigSource>(c.config_source),
                                  .read_only = c.read_only,
                                  .sensitive = c.is_sensitive});
      }
    }
    (*out)[key] = std::move(config);
    statuses[key] = std::move(s);
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<ConfigResource, ResourceConfig>>> AdminCore::DescribeConfigs(
    std::vector<ConfigResource> resources, Clock::time_point deadline) {
  std::map<ConfigResource, ResourceConfig> configs;
  Result<std::map<ConfigResource, Status>> statuses = co_await RunKeyed<ConfigResource>(
      "DescribeConfigs", std::move(resources),
      [this](std::vector<ConfigResource> keys) { return LocateConfigResources(std::move(keys)); },
      [this, &configs](int32_t node, std::vector<ConfigResource> keys) {
        return SendDescribeConfigs(node, std::move(keys), &configs);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<ConfigResource, ResourceConfig> out;
  for (auto& [key, s] : *statuses) {
    if (s.ok()) {
      out[key] = std::move(configs[key]);
    } else {
      out[key] = ResourceConfig{.status = s};
    }
  }
  co_return out;
}

asio::awaitable<Result<std::map<ConfigResource, Status>>> AdminCore::SendAlterConfigs(
    int32_t node, std::vector<ConfigResource> resources,
    const std::map<ConfigResource, std::vector<AlterConfigOp>>* changes, ValidateOnly validate) {
  IncrementalAlterConfigsRequest req;
  req.validate_only = validate == ValidateOnly::kYes;
  for (const ConfigResource& r : resources) {
    IncrementalAlterConfigsRequest::AlterConfigsResource resource{
        .resource_type = static_cast<int8_t>(r.type), .resource_name = r.name};
    for (const AlterConfigOp& op : changes->at(r)) {
      std::optional<std::string> value = op.value;
      if (op.type == AlterConfigOp::Type::kDelete) value = std::nullopt;
      resource.configs.push_back({.name = op.name,
                                  .config_operation = static_cast<int8_t>(op.type),
                                  .value = std::move(value)});
    }
    req.resources.push_back(std::move(resource));
  }
  Result<IncrementalAlterConfigsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<ConfigResource, Status> out;
  for (const auto& r : resp->responses) {
    ConfigResource key{.type = static_cast<ConfigResource::Type>(r.resource_type),
                       .name = r.resource_name};
    out[key] = ItemStatus(r.error_code, r.error_message, "IncrementalAlterConfigs " + KeyName(key));
  }
  co_return out;
}

asio::awaitable<Result<std::map<ConfigResource, Status>>> AdminCore::AlterConfigs(
    std::map<ConfigResource, std::vector<AlterConfigOp>> changes, ValidateOnly validate,
    Clock::time_point deadline) {
  std::vector<ConfigResource> resources;
  for (const auto& [r, ops] : changes) resources.push_back(r);
  co_return co_await RunKeyed<ConfigResource>(
      "IncrementalAlterConfigs", std::move(resources),
      [this](std::vector<ConfigResource> keys) { return LocateConfigResources(std::move(keys)); },
      [this, &changes, validate](int32_t node, std::vector<ConfigResource> keys) {
        return SendAlterConfigs(node, std::move(keys), &changes, validate);
      },
      deadline);
}

// ---------------------------------------------------------------------------
// Offsets, records, producers (partition leaders)

asio::awaitable<Result<std::map<TopicPartition, Status>>> AdminCore::SendListOffsets(
    int32_t node, std::vector<TopicPartition> tps,
    const std::map<TopicPartition, OffsetSpec>* specs, ListOffsetsOptions options,
    std::map<TopicPartition, ListOffsetsResultInfo>* out) {
  ListOffsetsRequest req;
  req.replica_id = -1;
  req.isolation_level = static_cast<int8_t>(options.isolation);
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  int16_t min_version = ListOffsetsRequest::kVersions.min;
  if (options.isolation == IsolationLevel::kReadCommitted) min_version = 2;
  for (const auto& [topic, partitions] : ByTopic(tps)) {
    ListOffsetsRequest::ListOffsetsTopic t{.name = topic};
    for (int32_t p : partitions) {
      int64_t timestamp = specs->at({topic, p}).timestamp;
      if (timestamp == OffsetSpec::MaxTimestamp().timestamp) min_version = 7;
      t.partitions.push_back({.partition_index = p, .timestamp = timestamp});
    }
    req.topics.push_back(std::move(t));
  }
  Result<ListOffsetsResponse> resp = co_await CallNode(node, std::move(req), min_version);
  if (!resp.ok()) co_return resp.status();
  std::map<TopicPartition, Status> statuses;
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition_index};
      Status s = ItemStatus(p.error_code, std::nullopt, "ListOffsets " + KeyName(tp));
      if (s.ok()) {
        (*out)[tp] = ListOffsetsResultInfo{
            .offset = p.offset, .timestamp = p.timestamp, .leader_epoch = p.leader_epoch};
      }
      statuses[tp] = std::move(s);
    }
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<TopicPartition, ListOffsetsResultInfo>>> AdminCore::ListOffsets(
    std::map<TopicPartition, OffsetSpec> specs, ListOffsetsOptions options,
    Clock::time_point deadline) {
  std::vector<TopicPartition> tps;
  for (const auto& [tp, spec] : specs) tps.push_back(tp);
  std::map<TopicPartition, ListOffsetsResultInfo> found;
  Result<std::map<TopicPartition, Status>> statuses = co_await RunKeyed<TopicPartition>(
      "ListOffsets", std::move(tps),
      [this](std::vector<TopicPartition> keys) { return LocateLeaders(std::move(keys)); },
      [this, &specs, options, &found](int32_t node, std::vector<TopicPartition> keys) {
        return SendListOffsets(node, std::move(keys), &specs, options, &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<TopicPartition, ListOffsetsResultInfo> out;
  for (auto& [tp, s] : *statuses) {
    out[tp] = s.ok() ? found[tp] : ListOffsetsResultInfo{.status = s};
  }
  co_return out;
}

asio::awaitable<Result<std::map<TopicPartition, Status>>> AdminCore::SendDeleteRecords(
    int32_t node, std::vector<TopicPartition> tps, const std::map<TopicPartition, int64_t>* offsets,
    std::map<TopicPartition, DeletedRecords>* out) {
  DeleteRecordsRequest req;
  req.timeout_ms = static_cast<int32_t>(config_.request_timeout.count());
  for (const auto& [topic, partitions] : ByTopic(tps)) {
    DeleteRecordsRequest::DeleteRecordsTopic t{.name = topic};
    for (int32_t p : partitions) {
      t.partitions.push_back({.partition_index = p, .offset = offsets->at({topic, p})});
    }
    req.topics.push_back(std::move(t));
  }
  Result<DeleteRecordsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<TopicPartition, Status> statuses;
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition_index};
      Status s = ItemStatus(p.error_code, std::nullopt, "DeleteRecords " + KeyName(tp));
      if (s.ok()) (*out)[tp] = DeletedRecords{.low_watermark = p.low_watermark};
      statuses[tp] = std::move(s);
    }
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<TopicPartition, DeletedRecords>>> AdminCore::DeleteRecords(
    std::map<TopicPartition, int64_t> offsets, Clock::time_point deadline) {
  std::vector<TopicPartition> tps;
  for (const auto& [tp, offset] : offsets) tps.push_back(tp);
  std::map<TopicPartition, DeletedRecords> deleted;
  Result<std::map<TopicPartition, Status>> statuses = co_await RunKeyed<TopicPartition>(
      "DeleteRecords", std::move(tps),
      [this](std::vector<TopicPartition> keys) { return LocateLeaders(std::move(keys)); },
      [this, &offsets, &deleted](int32_t node, std::vector<TopicPartition> keys) {
        return SendDeleteRecords(node, std::move(keys), &offsets, &deleted);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<TopicPartition, DeletedRecords> out;
  for (auto& [tp, s] : *statuses) out[tp] = s.ok() ? deleted[tp] : DeletedRecords{.status = s};
  co_return out;
}

asio::awaitable<Result<std::map<TopicPartition, Status>>> AdminCore::SendDescribeProducers(
    int32_t node, std::vector<TopicPartition> tps,
    std::map<TopicPartition, PartitionProducers>* out) {
  DescribeProducersRequest req;
  for (const auto& [topic, partitions] : ByTopic(tps)) {
    req.topics.push_back({.name = topic, .partition_indexes = partitions});
  }
  Result<DescribeProducersResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<TopicPartition, Status> statuses;
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition_index};
      Status s = ItemStatus(p.error_code, p.error_message, "DescribeProducers " + KeyName(tp));
      if (s.ok()) {
        PartitionProducers producers;
        for (const auto& a : p.active_producers) {
          ProducerStateInfo info{.producer_id = a.producer_id,
                                 .producer_epoch = a.producer_epoch,
                                 .last_sequence = a.last_sequence,
                                 .last_timestamp = a.last_timestamp};
          if (a.coordinator_epoch >= 0) info.coordinator_epoch = a.coordinator_epoch;
          if (a.current_txn_start_offset >= 0) {
            info.current_transaction_start_offset = a.current_txn_start_offset;
          }
          producers.active_producers.push_back(info);
        }
        (*out)[tp] = std::move(producers);
      }
      statuses[tp] = std::move(s);
    }
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<TopicPartition, PartitionProducers>>> AdminCore::DescribeProducers(
    std::vector<TopicPartition> partitions, Clock::time_point deadline) {
  std::map<TopicPartition, PartitionProducers> found;
  Result<std::map<TopicPartition, Status>> statuses = co_await RunKeyed<TopicPartition>(
      "DescribeProducers", std::move(partitions),
      [this](std::vector<TopicPartition> keys) { return LocateLeaders(std::move(keys)); },
      [this, &found](int32_t node, std::vector<TopicPartition> keys) {
        return SendDescribeProducers(node, std::move(keys), &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<TopicPartition, PartitionProducers> out;
  for (auto& [tp, s] : *statuses) out[tp] = s.ok() ? found[tp] : PartitionProducers{.status = s};
  co_return out;
}

// ---------------------------------------------------------------------------
// Groups

asio::awaitable<Result<std::map<int32_t, Status>>> AdminCore::SendListGroups(
    int32_t node, std::vector<int32_t> nodes, ListGroupsOptions options,
    std::vector<GroupListing>* out) {
  ListGroupsRequest req;
  req.states_filter = options.states;
  Result<ListGroupsResponse> resp =
      co_await CallNode(node, std::move(req), options.states.empty() ? 0 : 4);
  if (!resp.ok()) co_return resp.status();
  std::map<int32_t, Status> statuses;
  for (int32_t n : nodes) {
    statuses[n] =
        ItemStatus(resp->error_code, std::nullopt, "ListGroups on node " + std::to_string(n));
  }
  if (resp->error_code == ErrorCode::kNone) {
    for (const auto& g : resp->groups) {
      out->push_back(
          {.group_id = g.group_id, .protocol_type = g.protocol_type, .state = g.group_state});
    }
  }
  co_return statuses;
}

asio::awaitable<Result<std::vector<GroupListing>>> AdminCore::ListGroups(
    ListGroupsOptions options, Clock::time_point deadline) {
  Result<std::vector<int32_t>> brokers = co_await BrokerIds();
  if (!brokers.ok()) co_return brokers.status();
  // Each broker is a "key" routed to itself, so a loading coordinator is asked again.
  std::vector<GroupListing> groups;
  Result<std::map<int32_t, Status>> statuses = co_await RunKeyed<int32_t>(
      "ListGroups", std::move(*brokers),
      [](std::vector<int32_t> nodes) -> asio::awaitable<Result<Routed<int32_t>>> {
        Routed<int32_t> routed;
        for (int32_t n : nodes) routed.by_node[n].push_back(n);
        co_return routed;
      },
      [this, &options, &groups](int32_t node, std::vector<int32_t> nodes) {
        return SendListGroups(node, std::move(nodes), options, &groups);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  for (const auto& [node, s] : *statuses) {
    if (!s.ok()) co_return s;  // a broker's groups are missing: no partial list
  }
  co_return groups;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendDescribeGroups(
    int32_t node, std::vector<std::string> groups, std::map<std::string, GroupDescription>* out) {
  DescribeGroupsRequest req;
  req.groups = std::move(groups);
  Result<DescribeGroupsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> statuses;
  for (const auto& g : resp->groups) {
    Status s = ItemStatus(g.error_code, std::nullopt, "DescribeGroups " + g.group_id);
    if (s.ok() && g.group_state == "Dead") {
      s = Status(make_error_code(ErrorCode::kGroupIdNotFound), "group " + g.group_id);
    }
    if (s.ok()) {
      GroupDescription d{.group_id = g.group_id,
                         .state = g.group_state,
                         .protocol_type = g.protocol_type,
                         .protocol = g.protocol_data};
      for (const auto& m : g.members) {
        d.members.push_back({.member_id = m.member_id,
                             .group_instance_id = m.group_instance_id,
                             .client_id = m.client_id,
                             .host = m.client_host,
                             .metadata = m.member_metadata,
                             .assignment = m.member_assignment});
      }
      (*out)[g.group_id] = std::move(d);
    }
    statuses[g.group_id] = std::move(s);
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<std::string, GroupDescription>>> AdminCore::DescribeGroups(
    std::vector<std::string> groups, Clock::time_point deadline) {
  std::map<std::string, GroupDescription> found;
  Result<std::map<std::string, Status>> statuses = co_await RunKeyed<std::string>(
      "DescribeGroups", std::move(groups),
      [this](std::vector<std::string> keys) {
        return LocateCoordinators(CoordinatorType::kGroup, std::move(keys));
      },
      [this, &found](int32_t node, std::vector<std::string> keys) {
        return SendDescribeGroups(node, std::move(keys), &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<std::string, GroupDescription> out;
  for (auto& [group, s] : *statuses) {
    out[group] = s.ok() ? found[group] : GroupDescription{.status = s, .group_id = group};
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendDeleteGroups(
    int32_t node, std::vector<std::string> groups) {
  DeleteGroupsRequest req;
  req.groups_names = std::move(groups);
  Result<DeleteGroupsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> out;
  for (const auto& r : resp->results) {
    out[r.group_id] = ItemStatus(r.error_code, std::nullopt, "DeleteGroups " + r.group_id);
  }
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::DeleteGroups(
    std::vector<std::string> groups, Clock::time_point deadline) {
  co_return co_await RunKeyed<std::string>(
      "DeleteGroups", std::move(groups),
      [this](std::vector<std::string> keys) {
        return LocateCoordinators(CoordinatorType::kGroup, std::move(keys));
      },
      [this](int32_t node, std::vector<std::string> keys) {
        return SendDeleteGroups(node, std::move(keys));
      },
      deadline);
}

namespace {

// One group's OffsetFetch answer (either layout) into `out`; the group's status.
template <typename Topics>
Status ReadGroupOffsets(const std::string& group, ErrorCode error, const Topics& topics,
                        GroupOffsets* out) {
  Status s = ItemStatus(error, std::nullopt, "OffsetFetch " + group);
  if (!s.ok()) return s;
  GroupOffsets offsets;
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition_index};
      if (p.error_code == ErrorCode::kUnstableOffsetCommit) {
        // A transaction's offsets are pending (require_stable): ask again.
        return ItemStatus(p.error_code, std::nullopt, "OffsetFetch " + group + " " + KeyName(tp));
      }
      if (p.error_code != ErrorCode::kNone) {
        offsets.partition_errors[tp] =
            ItemStatus(p.error_code, std::nullopt, "OffsetFetch " + group + " " + KeyName(tp));
        continue;
      }
      if (p.committed_offset < 0) continue;  // nothing committed
      OffsetAndMetadata o{.offset = p.committed_offset, .metadata = p.metadata.value_or("")};
      if (p.committed_leader_epoch >= 0) o.leader_epoch = p.committed_leader_epoch;
      offsets.offsets[tp] = std::move(o);
    }
  }
  *out = std::move(offsets);
  return Status::Ok();
}

}  // namespace

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendOffsetFetch(
    int32_t node, std::vector<std::string> groups,
    const std::map<std::string, GroupPartitions>* wanted, RequireStable require_stable,
    std::map<std::string, GroupOffsets>* out) {
  Result<std::shared_ptr<BrokerConnection>> connection = co_await NodeConnection(node);
  if (!connection.ok()) co_return connection.status();
  std::optional<int16_t> version = (*connection)->NegotiatedVersion(ApiKey::kOffsetFetch);
  int16_t min_version = require_stable == RequireStable::kYes ? 7 : 1;
  if (!version || *version < min_version) {
    co_return Status(
        ClientErrc::kUnsupportedVersion,
        "OffsetFetch v" + std::to_string(min_version) + "+ on " + (*connection)->peer());
  }
  std::map<std::string, Status> statuses;
  if (*version >= 8) {
    // Every group of this coordinator in one request.
    OffsetFetchRequest req;
    req.require_stable = require_stable == RequireStable::kYes;
    for (const std::string& group : groups) {
      OffsetFetchRequest::OffsetFetchRequestGroup g{.group_id = group};
      const GroupPartitions& tps = wanted->at(group);
      if (tps) {
        g.topics.emplace();
        for (const auto& [topic, partitions] : ByTopic(*tps)) {
          g.topics->push_back({.name = topic, .partition_indexes = partitions});
        }
      } else {
        g.topics = std::nullopt;
      }
      req.groups.push_back(std::move(g));
    }
    Result<OffsetFetchResponse> resp = co_await (*connection)->CallAt(std::move(req), *version);
    if (!resp.ok()) co_return resp.status();
    for (const auto& g : resp->groups) {
      statuses[g.group_id] =
          ReadGroupOffsets(g.group_id, g.error_code, g.topics, &(*out)[g.group_id]);
    }
    co_return statuses;
  }
  // Older coordinators: one request per group.
  for (const std::string& group : groups) {
    OffsetFetchRequest req;
    req.group_id = group;
    req.require_stable = require_stable == RequireStable::kYes;
    const GroupPartitions& tps = wanted->at(group);
    if (tps) {
      req.topics.emplace();
      for (const auto& [topic, partitions] : ByTopic(*tps)) {
        req.topics->push_back({.name = topic, .partition_indexes = partitions});
      }
    } else {
      req.topics = std::nullopt;
    }
    Result<OffsetFetchResponse> resp = co_await (*connection)->CallAt(std::move(req), *version);
    if (!resp.ok()) co_return resp.status();
    statuses[group] = ReadGroupOffsets(group, resp->error_code, resp->topics, &(*out)[group]);
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<std::string, GroupOffsets>>> AdminCore::ListGroupOffsets(
    std::map<std::string, GroupPartitions> groups, RequireStable require_stable,
    Clock::time_point deadline) {
  std::vector<std::string> names;
  for (const auto& [group, tps] : groups) names.push_back(group);
  std::map<std::string, GroupOffsets> found;
  Result<std::map<std::string, Status>> statuses = co_await RunKeyed<std::string>(
      "OffsetFetch", std::move(names),
      [this](std::vector<std::string> keys) {
        return LocateCoordinators(CoordinatorType::kGroup, std::move(keys));
      },
      [this, &groups, require_stable, &found](int32_t node, std::vector<std::string> keys) {
        return SendOffsetFetch(node, std::move(keys), &groups, require_stable, &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<std::string, GroupOffsets> out;
  for (auto& [group, s] : *statuses) out[group] = s.ok() ? found[group] : GroupOffsets{.status = s};
  co_return out;
}

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendOffsetDelete(
    int32_t node, std::vector<std::string> groups, const std::vector<TopicPartition>* partitions,
    std::map<TopicPartition, Status>* out) {
  std::map<std::string, Status> statuses;
  for (const std::string& group : groups) {
    OffsetDeleteRequest req;
    req.group_id = group;
    for (const auto& [topic, indexes] : ByTopic(*partitions)) {
      OffsetDeleteRequest::OffsetDeleteRequestTopic t{.name = topic};
      for (int32_t p : indexes) t.partitions.push_back({.partition_index = p});
      req.topics.push_back(std::move(t));
    }
    Result<OffsetDeleteResponse> resp = co_await CallNode(node, std::move(req));
    if (!resp.ok()) co_return resp.status();
    Status s = ItemStatus(resp->error_code, std::nullopt, "OffsetDelete " + group);
    if (s.ok()) {
      for (const auto& t : resp->topics) {
        for (const auto& p : t.partitions) {
          TopicPartition tp{t.name, p.partition_index};
          (*out)[tp] = ItemStatus(p.error_code, std::nullopt, "OffsetDelete " + KeyName(tp));
        }
      }
    }
    statuses[group] = std::move(s);
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<TopicPartition, Status>>> AdminCore::DeleteGroupOffsets(
    std::string group, std::vector<TopicPartition> partitions, Clock::time_point deadline) {
  std::map<TopicPartition, Status> found;
  std::vector<std::string> groups{group};  // GCC 12 rejects a braced list here
  Result<std::map<std::string, Status>> statuses = co_await RunKeyed<std::string>(
      "OffsetDelete", std::move(groups),
      [this](std::vector<std::string> keys) {
        return LocateCoordinators(CoordinatorType::kGroup, std::move(keys));
      },
      [this, &partitions, &found](int32_t node, std::vector<std::string> keys) {
        return SendOffsetDelete(node, std::move(keys), &partitions, &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  if (Status s = statuses->at(group); !s.ok()) co_return s;
  std::map<TopicPartition, Status> out;
  for (const TopicPartition& tp : partitions) {
    auto it = found.find(tp);
    out[tp] = it != found.end()
                  ? it->second
                  : Status(ClientErrc::kBadResponse, "OffsetDelete: no answer for " + KeyName(tp));
  }
  co_return out;
}

// ---------------------------------------------------------------------------
// Transactions

asio::awaitable<Result<std::map<std::string, Status>>> AdminCore::SendDescribeTransactions(
    int32_t node, std::vector<std::string> ids,
    std::map<std::string, TransactionDescription>* out) {
  DescribeTransactionsRequest req;
  req.transactional_ids = std::move(ids);
  Result<DescribeTransactionsResponse> resp = co_await CallNode(node, std::move(req));
  if (!resp.ok()) co_return resp.status();
  std::map<std::string, Status> statuses;
  for (const auto& t : resp->transaction_states) {
    Status s = ItemStatus(t.error_code, std::nullopt, "DescribeTransactions " + t.transactional_id);
    if (s.ok()) {
      TransactionDescription d{.state = t.transaction_state,
                               .producer_id = t.producer_id,
                               .producer_epoch = t.producer_epoch,
                               .transaction_timeout_ms = t.transaction_timeout_ms,
                               .transaction_start_time_ms = t.transaction_start_time_ms};
      for (const auto& topic : t.topics) {
        for (int32_t p : topic.partitions) d.partitions.insert({topic.topic, p});
      }
      (*out)[t.transactional_id] = std::move(d);
    }
    statuses[t.transactional_id] = std::move(s);
  }
  co_return statuses;
}

asio::awaitable<Result<std::map<std::string, TransactionDescription>>>
AdminCore::DescribeTransactions(std::vector<std::string> ids, Clock::time_point deadline) {
  std::map<std::string, TransactionDescription> found;
  Result<std::map<std::string, Status>> statuses = co_await RunKeyed<std::string>(
      "DescribeTransactions", std::move(ids),
      [this](std::vector<std::string> keys) {
        return LocateCoordinators(CoordinatorType::kTransaction, std::move(keys));
      },
      [this, &found](int32_t node, std::vector<std::string> keys) {
        return SendDescribeTransactions(node, std::move(keys), &found);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  std::map<std::string, TransactionDescription> out;
  for (auto& [id, s] : *statuses) {
    out[id] = s.ok() ? found[id] : TransactionDescription{.status = s};
  }
  co_return out;
}

asio::awaitable<Result<std::map<int32_t, Status>>> AdminCore::SendListTransactions(
    int32_t node, std::vector<int32_t> nodes, ListTransactionsOptions options,
    std::vector<TransactionListing>* out) {
  ListTransactionsRequest req;
  req.state_filters = options.states;
  req.producer_id_filters = options.producer_ids;
  req.duration_filter = options.duration_filter.count();
  Result<ListTransactionsResponse> resp =
      co_await CallNode(node, std::move(req), options.duration_filter.count() >= 0 ? 1 : 0);
  if (!resp.ok()) co_return resp.status();
  std::map<int32_t, Status> statuses;
  for (int32_t n : nodes) {
    statuses[n] =
        ItemStatus(resp->error_code, std::nullopt, "ListTransactions on node " + std::to_string(n));
  }
  if (resp->error_code == ErrorCode::kNone) {
    for (const auto& t : resp->transaction_states) {
      out->push_back({.transactional_id = t.transactional_id,
                      .producer_id = t.producer_id,
                      .state = t.transaction_state});
    }
  }
  co_return statuses;
}

asio::awaitable<Result<std::vector<TransactionListing>>> AdminCore::ListTransactions(
    ListTransactionsOptions options, Clock::time_point deadline) {
  Result<std::vector<int32_t>> brokers = co_await BrokerIds();
  if (!brokers.ok()) co_return brokers.status();
  std::vector<TransactionListing> listed;
  Result<std::map<int32_t, Status>> statuses = co_await RunKeyed<int32_t>(
      "ListTransactions", std::move(*brokers),
      [](std::vector<int32_t> nodes) -> asio::awaitable<Result<Routed<int32_t>>> {
        Routed<int32_t> routed;
        for (int32_t n : nodes) routed.by_node[n].push_back(n);
        co_return routed;
      },
      [this, &options, &listed](int32_t node, std::vector<int32_t> nodes) {
        return SendListTransactions(node, std::move(nodes), options, &listed);
      },
      deadline);
  if (!statuses.ok()) co_return statuses.status();
  for (const auto& [node, s] : *statuses) {
    if (!s.ok()) co_return s;
  }
  co_return listed;
}

// ---------------------------------------------------------------------------
// Admin

Result<std::unique_ptr<Admin>> Admin::Create(const std::map<std::string, std::string>& properties) {
  std::map<std::string, std::string> client_properties = properties;
  std::chrono::milliseconds api_timeout{60000};
  if (auto it = client_properties.find("default.api.timeout.ms"); it != client_properties.end()) {
    int64_t ms = -1;
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size() || ms <= 0) {
      return Status(ClientErrc::kInvalidConfig,
                    "default.api.timeout.ms: not a positive number of ms: '" + v + "'");
    }
    api_timeout = std::chrono::milliseconds(ms);
    client_properties.erase(it);
  }
  Result<ClientConfig> config = ClientConfig::FromProperties(client_properties);
  if (!config.ok()) return config.status();
  if (config->bootstrap_servers.empty()) {
    return Status(ClientErrc::kInvalidConfig, "bootstrap.servers: missing required property");
  }
  if (config->client_id.empty()) {
    config->client_id = "adminclient-" + std::to_string(++admin_count);
  }
  auto core = std::make_shared<AdminCore>(std::move(*config), api_timeout);
  core->Start();
  return std::unique_ptr<Admin>(new Admin(std::move(core)));
}

Admin::Admin(std::shared_ptr<AdminCore> core) : core_(std::move(core)) {}

Admin::~Admin() { core_->Close(); }

const ClientConfig& Admin::config() const { return core_->config(); }

Result<std::map<std::string, Status>> Admin::create_topics(const std::vector<NewTopic>& topics,
                                                           ValidateOnly validate) {
  return core_->Run(core_->CreateTopics(topics, validate, core_->Deadline()));
}

Result<std::map<std::string, Status>> Admin::delete_topics(const std::vector<std::string>& topics) {
  return core_->Run(core_->DeleteTopics(topics, core_->Deadline()));
}

Result<std::map<std::string, Status>> Admin::create_partitions(
    const std::map<std::string, int32_t>& total_counts, ValidateOnly validate) {
  return core_->Run(core_->CreatePartitions(total_counts, validate, core_->Deadline()));
}

Result<std::map<std::string, TopicDescription>> Admin::list_topics(InternalTopics internal) {
  return core_->Run(core_->DescribeTopics(std::nullopt, internal, nullptr, core_->Deadline()));
}

Result<std::map<std::string, TopicDescription>> Admin::describe_topics(
    const std::vector<std::string>& topics, std::map<std::string, Status>* errors) {
  return core_->Run(core_->DescribeTopics(topics, InternalTopics::kYes, errors, core_->Deadline()));
}

Result<ClusterDescription> Admin::describe_cluster() {
  return core_->Run(core_->DescribeCluster(core_->Deadline()));
}

Result<std::map<ConfigResource, ResourceConfig>> Admin::describe_configs(
    const std::vector<ConfigResource>& resources) {
  return core_->Run(core_->DescribeConfigs(resources, core_->Deadline()));
}

Result<std::map<ConfigResource, Status>> Admin::incremental_alter_configs(
    const std::map<ConfigResource, std::vector<AlterConfigOp>>& changes, ValidateOnly validate) {
  return core_->Run(core_->AlterConfigs(changes, validate, core_->Deadline()));
}

Result<std::map<TopicPartition, ListOffsetsResultInfo>> Admin::list_offsets(
    const std::map<TopicPartition, OffsetSpec>& partitions, ListOffsetsOptions options) {
  return core_->Run(core_->ListOffsets(partitions, options, core_->Deadline()));
}

Result<std::map<TopicPartition, DeletedRecords>> Admin::delete_records(
    const std::map<TopicPartition, int64_t>& before_offsets) {
  return core_->Run(core_->DeleteRecords(before_offsets, core_->Deadline()));
}

Result<std::vector<GroupListing>> Admin::list_groups(const ListGroupsOptions& options) {
  return core_->Run(core_->ListGroups(options, core_->Deadline()));
}

Result<std::map<std::string, GroupDescription>> Admin::describe_groups(
    const std::vector<std::string>& groups) {
  return core_->Run(core_->DescribeGroups(groups, core_->Deadline()));
}

Result<std::map<std::string, Status>> Admin::delete_groups(const std::vector<std::string>& groups) {
  return core_->Run(core_->DeleteGroups(groups, core_->Deadline()));
}

Result<std::map<std::string, GroupOffsets>> Admin::list_consumer_group_offsets(
    const std::map<std::string, GroupPartitions>& groups, RequireStable require_stable) {
  return core_->Run(core_->ListGroupOffsets(groups, require_stable, core_->Deadline()));
}

Result<std::map<TopicPartition, Status>> Admin::delete_consumer_group_offsets(
    const std::string& group, const std::vector<TopicPartition>& partitions) {
  return core_->Run(core_->DeleteGroupOffsets(group, partitions, core_->Deadline()));
}

Result<std::map<std::string, TransactionDescription>> Admin::describe_transactions(
    const std::vector<std::string>& transactional_ids) {
  return core_->Run(core_->DescribeTransactions(transactional_ids, core_->Deadline()));
}

Result<std::vector<TransactionListing>> Admin::list_transactions(
    const ListTransactionsOptions& options) {
  return core_->Run(core_->ListTransactions(options, core_->Deadline()));
}

Result<std::map<TopicPartition, PartitionProducers>> Admin::describe_producers(
    const std::vector<TopicPartition>& partitions) {
  return core_->Run(core_->DescribeProducers(partitions, core_->Deadline()));
}

}  // namespace brook::client
