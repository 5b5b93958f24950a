// tests/broker/fetch_test.cc
//
// Fetch on a real socket: records written through broker.logs() read back at
// v4, v11, v12 (first flexible), v13 (topic ids) and v17; unknown topics,
// partitions and ids; offsets out of range; sessions; followers; long polling
// (an append wakes a parked fetch, an empty one waits max_wait_ms, Stop does
// not wait for parked fetches); read_committed; the response's max_bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "protocol/frame.h"
#include "tests/broker/broker_testing.h"

namespace brook::broker {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::Call;
using testing::RawClient;

// Values of the data records in `records`; control batches skipped.
std::vector<std::string> Values(const std::optional<std::string>& records) {
  std::vector<std::string> out;
  if (!records) return out;
  for (const Record& r : Records(*records)) out.push_back(r.value.value_or("<null>"));
  return out;
}

class FetchTest : public TestBrokerFixture {
 protected:
  void Configure(BrokerConfig& config) override {
    TestBrokerFixture::Configure(config);
    config.io_threads = 2;
  }

  storage::TopicInfo CreateTopic(const std::string& name, int32_t partitions = 1) {
    Result<storage::TopicInfo> info = broker().logs().CreateTopic(name, partitions, {});
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? *info : storage::TopicInfo{};
  }

  storage::PartitionLog& Log(const std::string& topic, int32_t partition = 0) {
    std::shared_ptr<storage::PartitionLog> log = broker().logs().Partition(topic, partition);
    EXPECT_NE(log, nullptr);
    return *log;
  }

  void Append(const std::string& topic, int32_t partition, const BatchSpec& spec) {
    Result<storage::AppendResult> r = Log(topic, partition).Append(Batch(spec), 0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    broker().NotifyAppended(topic, partition);
  }

  // A consumer's fetch of one partition.
  static FetchRequest OnePartition(const storage::TopicInfo& topic, int32_t partition,
                                   int64_t fetch_offset, int32_t partition_max_bytes = 1 << 20) {
    FetchRequest req;
    req.max_wait_ms = 0;
    req.min_bytes = 0;
    auto& t = req.topics.emplace_back();
    t.topic = topic.name;
    t.topic_id = topic.topic_id;
    auto& p = t.partitions.emplace_back();
    p.partition = partition;
    p.fetch_offset = fetch_offset;
    p.partition_max_bytes = partition_max_bytes;
    return req;
  }
};

TEST_F(FetchTest, ReadsRecordsBackAtEveryVersion) {
  storage::TopicInfo topic = CreateTopic("orders");
  Append("orders", 0, {.values = {"a", "b", "c"}});
  Append("orders", 0, {.values = {"d", "e"}});
  RawClient client = Connect();
  for (int16_t v = FetchRequest::kVersions.min; v <= FetchRequest::kVersions.max; ++v) {
    Result<FetchResponse> resp = Call(client, OnePartition(topic, 0, 0), v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(resp->session_id, 0) << "v" << v;
    ASSERT_EQ(resp->responses.size(), 1u) << "v" << v;
    const auto& t = resp->responses[0];
    if (v <= 12) {
      EXPECT_EQ(t.topic, "orders") << "v" << v;
    } else {
      EXPECT_EQ(t.topic_id, topic.topic_id) << "v" << v;
    }
    ASSERT_EQ(t.partitions.size(), 1u) << "v" << v;
    const auto& p = t.partitions[0];
    EXPECT_EQ(p.partition_index, 0);
    EXPECT_EQ(p.error_code, ErrorCode::kNone) << "v" << v;
    EXPECT_EQ(p.high_watermark, 5) << "v" << v;
    EXPECT_EQ(p.last_stable_offset, 5) << "v" << v;
    if (v >= 5) {
      EXPECT_EQ(p.log_start_offset, 0) << "v" << v;
    }
    EXPECT_EQ(p.aborted_transactions, std::nullopt) << "v" << v;  // read_uncommitted
    if (v >= 11) {
      EXPECT_EQ(p.preferred_read_replica, -1) << "v" << v;
    }
    EXPECT_EQ(Values(p.records), (std::vector<std::string>{"a", "b", "c", "d", "e"})) << "v" << v;
  }
  // From the middle of a batch: the whole batch comes back (the client skips).
  Result<FetchResponse> mid = Call(client, OnePartition(topic, 0, 4), 12);
  ASSERT_TRUE(mid.ok()) << mid.status().ToString();
  EXPECT_EQ(Values(mid->responses[0].partitions[0].records), (std::vector<std::string>{"d", "e"}));
  // At the high watermark: nothing yet, no error.
  Result<FetchResponse> end = Call(client, OnePartition(topic, 0, 5), 12);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_EQ(end->responses[0].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(end->responses[0].partitions[0].records, std::string());
}

TEST_F(FetchTest, UnknownTopicsPartitionsAndIdsAreErrorsOfTheirOwn) {
  storage::TopicInfo topic = CreateTopic("known");
  Append("known", 0, {.values = {"x"}});
  RawClient client = Connect();

  FetchRequest req = OnePartition(topic, 0, 0);
  req.topics[0].partitions.push_back(
      {.partition = 7, .fetch_offset = 0, .partition_max_bytes = 1000});
  req.topics.push_back({.topic = "missing",
                        .topic_id = Uuid::Random(),
                        .partitions = {{.partition = 0, .partition_max_bytes = 1000}}});
  for (int16_t v : {4, 12, 13, 17}) {
    Result<FetchResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->responses.size(), 2u);
    const auto& known = resp->responses[0].partitions;
    ASSERT_EQ(known.size(), 2u);
    EXPECT_EQ(known[0].error_code, ErrorCode::kNone);
    EXPECT_EQ(Values(known[0].records), std::vector<std::string>{"x"});
    EXPECT_EQ(known[1].partition_index, 7);
    EXPECT_EQ(known[1].error_code, ErrorCode::kUnknownTopicOrPartition);
    EXPECT_EQ(known[1].high_watermark, -1);
    const auto& missing = resp->responses[1].partitions;
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].error_code,
              v >= 13 ? ErrorCode::kUnknownTopicId : ErrorCode::kUnknownTopicOrPartition)
        << "v" << v;
  }
}

TEST_F(FetchTest, OffsetOutOfRangeCarriesTheLogsOffsets) {
  storage::TopicInfo topic = CreateTopic("t");
  Append("t", 0, {.values = {"a", "b"}});
  RawClient client = Connect();
  for (int64_t offset : {int64_t{3}, int64_t{100}, int64_t{-1}}) {
    Result<FetchResponse> resp = Call(client, OnePartition(topic, 0, offset), 11);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    const auto& p = resp->responses[0].partitions[0];
    EXPECT_EQ(p.error_code, ErrorCode::kOffsetOutOfRange) << offset;
    EXPECT_EQ(p.high_watermark, 2);
    EXPECT_EQ(p.log_start_offset, 0);
    EXPECT_EQ(p.records, std::string());
  }
  // The log end itself is in range (Kafka: an empty answer).
  Result<FetchResponse> at_end = Call(client, OnePartition(topic, 0, 2), 11);
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->responses[0].partitions[0].error_code, ErrorCode::kNone);
}

TEST_F(FetchTest, FullFetchesStaySessionlessAndIncrementalOnesAreRefused) {
  storage::TopicInfo topic = CreateTopic("t");
  Append("t", 0, {.values = {"a"}});
  RawClient client = Connect();
  struct Case {
    int32_t session_id;
    int32_t epoch;
    ErrorCode expected;
  };
  for (Case c : {Case{0, -1, ErrorCode::kNone}, Case{0, 0, ErrorCode::kNone},
                 Case{77, 0, ErrorCode::kNone},  // close 77 and open a new one: full
                 Case{77, -1, ErrorCode::kNone}, Case{77, 3, ErrorCode::kFetchSessionIdNotFound},
                 Case{0, 1, ErrorCode::kFetchSessionIdNotFound}}) {
    for (int16_t v : {7, 12, 17}) {
      FetchRequest req = OnePartition(topic, 0, 0);
      req.session_id = c.session_id;
      req.session_epoch = c.epoch;
      Result<FetchResponse> resp = Call(client, req, v);
      ASSERT_TRUE(resp.ok()) << resp.status().ToString();
      EXPECT_EQ(resp->error_code, c.expected) << c.session_id << "/" << c.epoch << " v" << v;
      EXPECT_EQ(resp->session_id, 0);
      if (c.expected == ErrorCode::kNone) {
        ASSERT_EQ(resp->responses.size(), 1u);
        EXPECT_EQ(Values(resp->responses[0].partitions[0].records), std::vector<std::string>{"a"});
      } else {
        EXPECT_TRUE(resp->responses.empty());
      }
    }
  }
}

TEST_F(FetchTest, FollowersAndNewerLeaderEpochsAreRefused) {
  storage::TopicInfo topic = CreateTopic("t");
  Append("t", 0, {.values = {"a"}});
  RawClient client = Connect();

  FetchRequest follower = OnePartition(topic, 0, 0);
  follower.replica_id = 2;
  Result<FetchResponse> old_follower = Call(client, follower, 8);  // no leader epoch before v9
  ASSERT_TRUE(old_follower.ok());
  EXPECT_EQ(old_follower->responses[0].partitions[0].error_code, ErrorCode::kNotLeaderOrFollower);

  follower.replica_id = -1;
  follower.replica_state.replica_id = 2;
  follower.topics[0].partitions[0].current_leader_epoch = 0;
  Result<FetchResponse> new_follower = Call(client, follower, 15);
  ASSERT_TRUE(new_follower.ok());
  EXPECT_EQ(new_follower->responses[0].partitions[0].error_code, ErrorCode::kUnknownLeaderEpoch);

  FetchRequest consumer = OnePartition(topic, 0, 0);
  consumer.topics[0].partitions[0].current_leader_epoch = 0;
  Result<FetchResponse> ok = Call(client, consumer, 12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->responses[0].partitions[0].error_code, ErrorCode::kNone);
  consumer.topics[0].partitions[0].current_leader_epoch = 3;
  Result<FetchResponse> ahead = Call(client, consumer, 12);
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(ahead->responses[0].partitions[0].error_code, ErrorCode::kUnknownLeaderEpoch);
}

TEST_F(FetchTest, AnAppendWakesAParkedFetch) {
  storage::TopicInfo topic = CreateTopic("t", 2);
  RawClient client = Connect();
  FetchRequest req = OnePartition(topic, 1, 0);
  req.max_wait_ms = 4000;
  req.min_bytes = 1;
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(300));
    Append("t", 0, {.values = {"elsewhere"}});  // another partition: no wake-up that counts
    Append("t", 1, {.values = {"late"}});
  });
  const auto start = steady_clock::now();
  Result<FetchResponse> resp = Call(client, req, 12);
  const auto elapsed = steady_clock::now() - start;
  producer.join();
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(Values(resp->responses[0].partitions[0].records), std::vector<std::string>{"late"});
  EXPECT_GE(elapsed, milliseconds(250));
  EXPECT_LT(elapsed, milliseconds(3000));
  EXPECT_EQ(broker().fetch_waiters().parked_count(), 0u);
}

TEST_F(FetchTest, AFetchWithoutDataWaitsMaxWait) {
  storage::TopicInfo topic = CreateTopic("t");
  RawClient client = Connect();
  FetchRequest req = OnePartition(topic, 0, 0);
  req.max_wait_ms = 600;
  req.min_bytes = 1;
  const auto start = steady_clock::now();
  Result<FetchResponse> resp = Call(client, req, 17);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->responses[0].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp->responses[0].partitions[0].records, std::string());
  EXPECT_GE(elapsed, milliseconds(550));
  EXPECT_LT(elapsed, milliseconds(4000));

  // min_bytes already met, or an error: no wait.
  Append("t", 0, {.values = {"x"}});
  req.max_wait_ms = 5000;
  const auto again = steady_clock::now();
  ASSERT_TRUE(Call(client, req, 17).ok());
  req.topics[0].partitions[0].fetch_offset = 99;
  Result<FetchResponse> bad = Call(client, req, 17);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->responses[0].partitions[0].error_code, ErrorCode::kOffsetOutOfRange);
  EXPECT_LT(steady_clock::now() - again, milliseconds(2000));
}

TEST_F(FetchTest, StopDoesNotWaitForParkedFetches) {
  storage::TopicInfo topic = CreateTopic("t");
  RawClient client = Connect();
  FetchRequest req = OnePartition(topic, 0, 0);
  req.max_wait_ms = 60000;
  req.min_bytes = 1;
  std::string frame;
  EncodeRequestHeader(frame,
                      RequestHeader{.api_key = ApiKey::kFetch,
                                    .api_version = 12,
                                    .correlation_id = client.TakeCorrelationId(),
                                    .client_id = "parked"},
                      2);
  wire::EncodeTo(frame, req, 12);
  ASSERT_TRUE(client.SendFrame(frame).ok());
  ASSERT_TRUE(broker().fetch_waiters().parked_count() == 1u || [&] {
    for (int i = 0; i < 200 && broker().fetch_waiters().parked_count() == 0; ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    return broker().fetch_waiters().parked_count() == 1u;
  }());
  const auto start = steady_clock::now();
  broker().Stop();
  EXPECT_LT(steady_clock::now() - start, milliseconds(5000));
  StopBroker();  // destroys the parked fetch with the io context
}

TEST_F(FetchTest, ReadCommittedStopsAtTheLastStableOffsetAndListsAbortedTransactions) {
  storage::TopicInfo topic = CreateTopic("t");
  Append("t", 0, {.values = {"plain0", "plain1"}});  // offsets 0-1
  Append("t", 0,
         {.values = {"aborted0", "aborted1"},  // 2-3
          .producer_id = 5,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});
  ASSERT_TRUE(Log("t").AppendMarker(5, 0, ControlRecordType::kAbort, 0, 0).ok());  // 4
  Append("t", 0,
         {.values = {"open"},  // 5, still open
          .producer_id = 6,
          .epoch = 0,
          .sequence = 0,
          .transactional = true});
  RawClient client = Connect();

  FetchRequest req = OnePartition(topic, 0, 0);
  req.isolation_level = 1;
  for (int16_t v : {4, 12, 17}) {
    Result<FetchResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    const auto& p = resp->responses[0].partitions[0];
    EXPECT_EQ(p.error_code, ErrorCode::kNone);
    EXPECT_EQ(p.high_watermark, 6);
    EXPECT_EQ(p.last_stable_offset, 5);
    EXPECT_EQ(Values(p.records),
              (std::vector<std::string>{"plain0", "plain1", "aborted0", "aborted1"}));
    ASSERT_TRUE(p.aborted_transactions.has_value());
    EXPECT_EQ(
        *p.aborted_transactions,
        (std::vector<FetchResponse::AbortedTransaction>{{.producer_id = 5, .first_offset = 2}}));
  }
  // Nothing aborted in range: an empty list, not null.
  FetchRequest at_lso = OnePartition(topic, 0, 5);
  at_lso.isolation_level = 1;
  Result<FetchResponse> empty = Call(client, at_lso, 12);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->responses[0].partitions[0].aborted_transactions,
            std::vector<FetchResponse::AbortedTransaction>{});
  EXPECT_EQ(empty->responses[0].partitions[0].records, std::string());

  req.isolation_level = 0;
  Result<FetchResponse> uncommitted = Call(client, req, 12);
  ASSERT_TRUE(uncommitted.ok());
  const auto& p = uncommitted->responses[0].partitions[0];
  EXPECT_EQ(p.aborted_transactions, std::nullopt);
  EXPECT_EQ(Values(p.records),
            (std::vector<std::string>{"plain0", "plain1", "aborted0", "aborted1", "open"}));

  req.isolation_level = 2;
  Result<FetchResponse> bad = Call(client, req, 12);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->error_code, ErrorCode::kInvalidRequest);
}

TEST_F(FetchTest, ResponseMaxBytesLetsOnlyTheFirstPartitionOverflow) {
  storage::TopicInfo topic = CreateTopic("t", 3);
  const std::string big(1000, 'x');
  for (int32_t p = 0; p < 3; ++p) {
    Append("t", p, {.values = {big}});
    Append("t", p, {.values = {big}});
  }
  const size_t batch_size = Batch({.values = {big}}).size();
  RawClient client = Connect();
  FetchRequest req;
  auto& t = req.topics.emplace_back();
  t.topic = "t";
  for (int32_t p = 0; p < 3; ++p) {
    t.partitions.push_back({.partition = p, .fetch_offset = 0, .partition_max_bytes = 1 << 20});
  }
  auto sizes = [&](int32_t max_bytes) {
    req.max_bytes = max_bytes;
    std::vector<size_t> out;
    Result<FetchResponse> resp = Call(client, req, 12);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return out;
    for (const auto& p : resp->responses[0].partitions) {
      EXPECT_EQ(p.error_code, ErrorCode::kNone);
      out.push_back(p.records ? p.records->size() : 0);
    }
    return out;
  };
  // Everything fits.
  EXPECT_EQ(sizes(1 << 20), (std::vector<size_t>(3, 2 * batch_size)));
  // Three batches' worth: partition 0 takes two, partition 1 one, partition 2 none.
  EXPECT_EQ(sizes(static_cast<int32_t>(3 * batch_size)),
            (std::vector<size_t>{2 * batch_size, batch_size, 0}));
  // Less than one batch: the first partition still gets one, the rest nothing.
  EXPECT_EQ(sizes(10), (std::vector<size_t>{batch_size, 0, 0}));
  // The same holds for partition_max_bytes.
  req.topics[0].partitions[0].partition_max_bytes = 10;
  req.topics[0].partitions[1].partition_max_bytes = 10;
  EXPECT_EQ(sizes(1 << 20), (std::vector<size_t>{batch_size, 0, 2 * batch_size}));
}

}  // namespace
}  // namespace brook::broker
