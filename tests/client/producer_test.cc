// tests/client/producer_test.cc
//
// The producer against an embedded in-memory broker: records read back from
// the broker's logs, compression, acks=0, auto-created topics, typed errors,
// and exactly-once ordering with idempotence while a proxy keeps cutting the
// connections.
#include "client/producer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "broker/broker.h"
#include "client/client_error.h"
#include "client/partitioner.h"
#include "protocol/record_batch.h"
#include "storage/log_manager.h"
#include "storage/partition_log.h"
#include "tests/client/client_testing.h"
#include "tests/client/test_proxy.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;

struct StoredRecord {
  int64_t offset = -1;
  int64_t timestamp = -1;
  Record record;
  RecordBatchHeader batch;
};

// Every record of one partition, in offset order.
std::vector<StoredRecord> ReadAll(broker::Broker& broker, const std::string& topic,
                                  int32_t partition) {
  std::vector<StoredRecord> out;
  auto log = broker.logs().Partition(topic, partition);
  if (!log) return out;
  int64_t offset = log->log_start_offset();
  while (offset < log->high_watermark()) {
    Result<storage::ReadResult> read =
        log->Read(offset, 1 << 20, storage::IsolationLevel::kReadUncommitted);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->records.empty()) break;
    RecordBatchReader reader(read->records);
    for (;;) {
      Result<std::optional<RecordBatchView>> batch = reader.Next();
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || !batch->has_value()) break;
      const RecordBatchView& view = **batch;
      Result<std::vector<Record>> records = view.DecodeRecords(64 << 20);
      EXPECT_TRUE(records.ok()) << records.status().ToString();
      if (!records.ok()) break;
      for (Record& r : *records) {
        StoredRecord s{.offset = view.header().record_offset(r.offset_delta),
                       .timestamp = view.header().record_timestamp(r.timestamp_delta),
                       .record = std::move(r),
                       .batch = view.header()};
        if (s.offset >= offset) out.push_back(std::move(s));
      }
      offset = view.header().next_offset();
    }
  }
  return out;
}

class ProducerTest : public ClientTest {
 protected:
  std::unique_ptr<Producer> MakeProducer(std::map<std::string, std::string> props = {},
                                         std::string bootstrap = "") {
    props.emplace("bootstrap.servers", bootstrap.empty() ? broker().bootstrap() : bootstrap);
    Result<std::unique_ptr<Producer>> p = Producer::Create(props);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(*p) : nullptr;
  }
};

TEST_F(ProducerTest, ProducedRecordsAreInTheLogInOrderWithTheirOffsets) {
  CreateTopic("orders", 3);
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  constexpr int kCount = 300;
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < kCount; ++i) {
    ProducerRecord r{.topic = "orders",
                     .key = "key-" + std::to_string(i % 10),
                     .value = "value-" + std::to_string(i),
                     .headers = {RecordHeader{.key = "h", .value = std::to_string(i)}},
                     .timestamp = 1700000000000 + i};
    sent.push_back(producer->send(std::move(r)));
  }
  producer->flush();
  std::map<int32_t, std::vector<RecordMetadata>> by_partition;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(sent[i].wait_for(0s), std::future_status::ready) << "flush left record " << i;
    RecordMetadata md = sent[i].get();
    EXPECT_EQ(md.topic, "orders");
    EXPECT_EQ(md.partition, KeyPartition("key-" + std::to_string(i % 10), 3));
    EXPECT_EQ(md.timestamp, 1700000000000 + i);
    by_partition[md.partition].push_back(md);
  }
  size_t total = 0;
  for (int32_t p = 0; p < 3; ++p) {
    std::vector<StoredRecord> stored = ReadAll(broker(), "orders", p);
    ASSERT_EQ(stored.size(), by_partition[p].size()) << "partition " << p;
    for (size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(stored[i].offset, by_partition[p][i].offset);
      EXPECT_EQ(stored[i].timestamp, by_partition[p][i].timestamp);
      ASSERT_TRUE(stored[i].batch.has_producer_id());  // idempotent by default
    }
    // Within a partition the records keep their send order.
    int last = -1;
    for (const StoredRecord& s : stored) {
      int n = std::stoi(s.record.value->substr(6));
      EXPECT_GT(n, last);
      last = n;
      ASSERT_EQ(s.record.headers.size(), 1u);
      EXPECT_EQ(s.record.headers[0].value, std::to_string(n));
      EXPECT_EQ(s.record.key, "key-" + std::to_string(n % 10));
    }
    total += stored.size();
  }
  EXPECT_EQ(total, static_cast<size_t>(kCount));
}

TEST_F(ProducerTest, CallbacksRunOnceAndKeylessRecordsStickToAPartitionPerBatch) {
  CreateTopic("events", 4);
  auto producer = MakeProducer({{"linger.ms", "1000"}, {"batch.size", "1000000"}});
  ASSERT_NE(producer, nullptr);
  std::mutex mu;
  std::vector<RecordMetadata> acked;
  int errors = 0;
  for (int i = 0; i < 50; ++i) {
    producer->send(ProducerRecord{.topic = "events", .value = "v" + std::to_string(i)},
                   [&](const RecordMetadata& md, const ClientError* error) {
                     std::lock_guard lock(mu);
                     if (error != nullptr) ++errors;
                     acked.push_back(md);
                   });
  }
  producer->flush();  // sends before linger.ms is up
  std::lock_guard lock(mu);
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(acked.size(), 50u);
  for (const RecordMetadata& md : acked) EXPECT_EQ(md.partition, acked[0].partition);
  EXPECT_EQ(ReadAll(broker(), "events", acked[0].partition).size(), 50u);
}

TEST_F(ProducerTest, EveryCompressionCodecRoundTrips) {
  for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    std::string topic = "c-" + codec;
    CreateTopic(topic, 1);
    auto producer = MakeProducer({{"compression.type", codec}});
    ASSERT_NE(producer, nullptr);
    std::vector<std::future<RecordMetadata>> sent;
    for (int i = 0; i < 100; ++i) {
      sent.push_back(producer->send(ProducerRecord{.topic = topic,
                                                   .key = "k" + std::to_string(i),
                                                   .value = std::string(200, 'a' + i % 26)}));
    }
    producer->flush();
    for (auto& f : sent) EXPECT_NO_THROW(f.get()) << codec;
    std::vector<StoredRecord> stored = ReadAll(broker(), topic, 0);
    ASSERT_EQ(stored.size(), 100u) << codec;
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(stored[i].record.value, std::string(200, 'a' + i % 26)) << codec;
      EXPECT_EQ(CompressionName(stored[i].batch.compression()), codec);
    }
  }
}

TEST_F(ProducerTest, AcksZeroSendsWithoutWaitingAndReportsNoOffset) {
  CreateTopic("fire", 1);
  auto producer = MakeProducer({{"acks", "0"}});
  ASSERT_NE(producer, nullptr);
  EXPECT_FALSE(producer->config().enable_idempotence);
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < 20; ++i) {
    sent.push_back(producer->send(ProducerRecord{.topic = "fire", .value = std::to_string(i)}));
  }
  producer->flush();
  for (auto& f : sent) EXPECT_EQ(f.get().offset, -1);
  auto log = broker().logs().Partition("fire", 0);
  ASSERT_NE(log, nullptr);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (log->high_watermark() < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  std::vector<StoredRecord> stored = ReadAll(broker(), "fire", 0);
  ASSERT_EQ(stored.size(), 20u);
  EXPECT_FALSE(stored[0].batch.has_producer_id());
}

TEST_F(ProducerTest, AcksOneWithoutIdempotence) {
  CreateTopic("one", 2);
  auto producer = MakeProducer({{"acks", "1"}, {"max.in.flight.requests.per.connection", "1"}});
  ASSERT_NE(producer, nullptr);
  auto f = producer->send(ProducerRecord{.topic = "one", .partition = 1, .value = "x"});
  RecordMetadata md = f.get();
  EXPECT_EQ(md.partition, 1);
  EXPECT_EQ(md.offset, 0);
}

TEST_F(ProducerTest, UnknownTopicIsAutoCreated) {
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  RecordMetadata md = producer->send(ProducerRecord{.topic = "fresh", .value = "hi"}).get();
  EXPECT_EQ(md.offset, 0);
  EXPECT_TRUE(broker().logs().Topic("fresh").has_value());
  EXPECT_EQ(ReadAll(broker(), "fresh", md.partition).size(), 1u);
}

TEST_F(ProducerTest, ErrorsAreTypedAndClassified) {
  CreateTopic("small", 2, {{"max.message.bytes", "1000"}});
  auto producer = MakeProducer({{"max.block.ms", "300"}});
  ASSERT_NE(producer, nullptr);

  // A partition the topic does not have.
  try {
    producer->send(ProducerRecord{.topic = "small", .partition = 5, .value = "x"}).get();
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), ClientErrc::kInvalidRecord);
    EXPECT_FALSE(e.retriable());
    EXPECT_FALSE(e.fatal());
  }
  // A batch over the topic's max.message.bytes: the broker's MESSAGE_TOO_LARGE.
  try {
    producer
        ->send(ProducerRecord{.topic = "small", .partition = 0, .value = std::string(5000, 'x')})
        .get();
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.error_code(), ErrorCode::kMessageTooLarge) << e.what();
    EXPECT_FALSE(e.retriable());
    EXPECT_FALSE(e.fatal());
    EXPECT_TRUE(e.abortable());
  }
  // The producer goes on after a failed batch (its epoch bumped past the gap).
  EXPECT_EQ(
      producer->send(ProducerRecord{.topic = "small", .partition = 0, .value = "ok"}).get().offset,
      0);
  producer->close();
  try {
    producer->send(ProducerRecord{.topic = "small", .value = "late"}).get();
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), ClientErrc::kClosed);
    EXPECT_TRUE(e.fatal());
  }
}

TEST_F(ProducerTest, MissingTopicWithoutAutoCreationTimesOutRetriably) {
  StartBroker([](broker::BrokerConfig& c) { c.auto_create_topics = false; });
  auto producer = MakeProducer({{"max.block.ms", "300"}});
  ASSERT_NE(producer, nullptr);
  try {
    producer->send(ProducerRecord{.topic = "absent", .value = "x"}).get();
    ADD_FAILURE() << "no error";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), ClientErrc::kTimedOut) << e.what();
    EXPECT_EQ(e.error_code(), ErrorCode::kRequestTimedOut);
    EXPECT_TRUE(e.retriable());
  }
}

TEST_F(ProducerTest, UnreachableBrokerFailsRecordsAfterTheDeliveryTimeout) {
  auto producer = MakeProducer(
      {{"max.block.ms", "200"}, {"request.timeout.ms", "100"}, {"delivery.timeout.ms", "200"}},
      "127.0.0.1:1");
  ASSERT_NE(producer, nullptr);
  auto f = producer->send(ProducerRecord{.topic = "t", .value = "x"});
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_THROW(f.get(), ClientError);
}

// Exactly once, in order, while every connection is cut again and again.
class ProducerDropTest : public ProducerTest {
 protected:
  void SetUp() override {
    proxy_ = std::make_unique<testing::TestProxy>();
    StartBroker([this](broker::BrokerConfig& c) { c.advertised_port = proxy_->port(); });
    proxy_->set_target_port(broker().port());
  }
  std::unique_ptr<testing::TestProxy> proxy_;
};

TEST_F(ProducerDropTest, IdempotentProducerWritesEveryRecordOnceInOrderDespiteDrops) {
  CreateTopic("drops", 2);
  auto producer = MakeProducer({{"linger.ms", "1"},
                                {"batch.size", "2000"},
                                {"retry.backoff.ms", "5"},
                                {"reconnect.backoff.ms", "5"},
                                {"reconnect.backoff.max.ms", "20"}},
                               "127.0.0.1:" + std::to_string(proxy_->port()));
  ASSERT_NE(producer, nullptr);
  std::atomic<bool> done{false};
  std::thread chaos([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(15ms);
      proxy_->DropAll();
    }
  });
  constexpr int kCount = 4000;
  std::vector<std::future<RecordMetadata>> sent;
  for (int i = 0; i < kCount; ++i) {
    sent.push_back(producer->send(ProducerRecord{
        .topic = "drops", .key = std::to_string(i % 2 == 0 ? 0 : 1), .value = std::to_string(i)}));
    if (i % 200 == 0) std::this_thread::sleep_for(5ms);
  }
  producer->flush();
  done.store(true);
  chaos.join();
  EXPECT_GT(proxy_->drops(), 3);
  int failed = 0;
  for (auto& f : sent) {
    try {
      f.get();
    } catch (const ClientError& e) {
      if (++failed < 5) ADD_FAILURE() << e.what();
    }
  }
  EXPECT_EQ(failed, 0);
  size_t total = 0;
  for (int32_t p = 0; p < 2; ++p) {
    std::vector<StoredRecord> stored = ReadAll(broker(), "drops", p);
    int last = -1;
    for (const StoredRecord& s : stored) {
      int n = std::stoi(*s.record.value);
      EXPECT_GT(n, last) << "partition " << p << " offset " << s.offset
                         << " (duplicate or reorder)";
      last = n;
    }
    total += stored.size();
  }
  EXPECT_EQ(total, static_cast<size_t>(kCount));
}

// Four threads send small records to four partitions at once (each appends
// under its own partition's lock): every callback runs once, in send order
// per partition, with metadata built at completion (offset, timestamp and
// sizes) that matches what the broker stored; batches respect batch.size.
TEST_F(ProducerTest, ConcurrentSendersGetOrderedCallbacksWithExactMetadata) {
  CreateTopic("small", 4);
  constexpr int kPerThread = 3000;
  auto producer = MakeProducer({{"linger.ms", "5"}, {"batch.size", "2048"}});
  ASSERT_NE(producer, nullptr);
  struct Acked {
    int n;
    RecordMetadata md;
  };
  std::mutex mu;
  std::map<int32_t, std::vector<Acked>> acked;  // by partition, in callback order
  int errors = 0;
  const int64_t t0 = broker::Broker::NowMs() - 60000;
  std::vector<std::thread> senders;
  for (int32_t t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        ProducerRecord record{.topic = "small",
                              .partition = t,
                              .value = std::string(static_cast<size_t>(n % 50), 'v'),
                              .timestamp = t0 + n};
        if (n % 3 == 0) record.key = "k" + std::to_string(n);
        if (n % 7 == 0) record.headers.push_back({.key = "h", .value = std::to_string(n)});
        producer->send(std::move(record),
                       [&, n](const RecordMetadata& md, const ClientError* error) {
                         std::lock_guard lock(mu);
                         if (error != nullptr && ++errors < 3) ADD_FAILURE() << error->what();
                         acked[md.partition].push_back(Acked{n, md});
                       });
      }
    });
  }
  for (auto& s : senders) s.join();
  producer->flush();
  std::lock_guard lock(mu);
  EXPECT_EQ(errors, 0);
  for (int32_t p = 0; p < 4; ++p) {
    const std::vector<Acked>& got = acked[p];
    ASSERT_EQ(got.size(), static_cast<size_t>(kPerThread)) << "partition " << p;
    std::vector<StoredRecord> stored = ReadAll(broker(), "small", p);
    ASSERT_EQ(stored.size(), got.size());
    for (size_t i = 0; i < got.size(); ++i) {
      const int n = got[i].n;
      const RecordMetadata& md = got[i].md;
      ASSERT_EQ(n, p * kPerThread + static_cast<int>(i)) << "callbacks out of order";
      EXPECT_EQ(md.topic, "small");
      EXPECT_EQ(md.offset, static_cast<int64_t>(i));
      EXPECT_EQ(md.timestamp, t0 + n);
      EXPECT_EQ(md.serialized_value_size, n % 50);
      EXPECT_EQ(md.serialized_key_size,
                n % 3 == 0 ? static_cast<int32_t>(("k" + std::to_string(n)).size()) : -1);
      const StoredRecord& s = stored[i];
      EXPECT_EQ(s.offset, md.offset);
      EXPECT_EQ(s.timestamp, md.timestamp);
      EXPECT_EQ(s.record.value, std::string(static_cast<size_t>(n % 50), 'v'));
      EXPECT_EQ(s.record.key.has_value(), n % 3 == 0);
      ASSERT_EQ(s.record.headers.size(), n % 7 == 0 ? 1u : 0u);
      if (n % 7 == 0) {
        EXPECT_EQ(s.record.headers[0].value, std::to_string(n));
      }
      // A batch holds more than one record only while it fits batch.size.
      if (s.batch.record_count > 1) {
        EXPECT_LE(s.batch.size_in_bytes(), 2048u);
      }
    }
  }
}

}  // namespace
}  // namespace brook::client
