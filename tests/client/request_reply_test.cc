// tests/client/request_reply_test.cc
//
// RequestReplyClient against an embedded broker, with a replier made of
// Brook's consumer and producer: replies complete their own request's future
// (several in flight), a request nobody answers times out, a reply after the
// timeout is dropped and counted, the replier can see a request has expired,
// and the Wvv deadlock: a request sent inside an open transaction is never
// seen by a read_committed replier, so the requester times out.
#include "client/request_reply.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "broker/broker.h"
#include "storage/log_manager.h"

namespace brook::client {
namespace {

using namespace std::chrono_literals;

class RequestReplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker::BrokerConfig config;
    config.listener_port = 0;
    config.memory = true;
    broker_ = std::make_unique<broker::Broker>(config);
    ASSERT_TRUE(broker_->Start().ok());
    for (const char* topic : {"requests", "replies"}) {
      ASSERT_TRUE(broker_->logs().CreateTopic(topic, 2, {}).ok());
    }
  }

  void TearDown() override {
    stop_ = true;
    if (replier_.joinable()) replier_.join();
  }

  std::map<std::string, std::string> Props() {
    return {{"bootstrap.servers", broker_->bootstrap()}};
  }

  // Answers every request on "requests" with "re: <value>" after `delay`,
  // reading with `isolation`, until the test ends.
  void StartReplier(std::chrono::milliseconds delay,
                    const std::string& isolation = "read_uncommitted") {
    replier_ = std::thread([this, delay, isolation] {
      auto consumer = Consumer::Create({{"bootstrap.servers", broker_->bootstrap()},
                                        {"group.id", "replier"},
                                        {"auto.offset.reset", "earliest"},
                                        {"isolation.level", isolation}});
      auto producer = Producer::Create(Props());
      ASSERT_TRUE(consumer.ok() && producer.ok());
      (*consumer)->assign({{"requests", 0}, {"requests", 1}});
      while (!stop_) {
        for (const ConsumerRecord& req : (*consumer)->poll(50ms)) {
          ++requests_seen_;
          std::this_thread::sleep_for(delay);  // the work
          // A real replier would drop an expired request here; this one
          // answers anyway, to show the requester drops the late reply.
          if (IsExpired(req)) ++expired_seen_;
          std::optional<ProducerRecord> reply = MakeReply(req, "re: " + req.value.value_or(""));
          ASSERT_TRUE(reply.has_value());
          (*producer)->send(std::move(*reply));
        }
        (*producer)->flush();
      }
      (*consumer)->close();
    });
  }

  std::unique_ptr<broker::Broker> broker_;
  std::thread replier_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_seen_{0};
  std::atomic<int> expired_seen_{0};
};

TEST_F(RequestReplyTest, RepliesCompleteTheirOwnRequests) {
  StartReplier(0ms);
  auto rr = RequestReplyClient::Create(Props(), "replies");
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  std::vector<std::future<ConsumerRecord>> replies;
  for (int i = 0; i < 10; ++i) {
    replies.push_back(
        (*rr)->request({.topic = "requests", .value = "chunk " + std::to_string(i)}, 10s));
  }
  for (int i = 0; i < 10; ++i) {
    ConsumerRecord reply = replies[i].get();
    EXPECT_EQ(reply.value, "re: chunk " + std::to_string(i));
    EXPECT_EQ(reply.topic, "replies");
  }
  EXPECT_EQ((*rr)->late_replies(), 0u);
}

TEST_F(RequestReplyTest, ARequestNobodyAnswersTimesOut) {
  auto rr = RequestReplyClient::Create(Props(), "replies");
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  const auto start = std::chrono::steady_clock::now();
  std::future<ConsumerRecord> reply = (*rr)->request({.topic = "requests", .value = "x"}, 300ms);
  try {
    reply.get();
    FAIL() << "expected a timeout";
  } catch (const ClientError& e) {
    EXPECT_EQ(e.code(), make_error_code(ClientErrc::kTimedOut)) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

// The Wvv story's first failure: a slow replier answers after the requester
// gave up. The late reply is dropped; the replier could have known
// (IsExpired) and skipped the work.
TEST_F(RequestReplyTest, ALateReplyIsDroppedAndTheReplierSeesTheDeadline) {
  StartReplier(600ms);
  auto rr = RequestReplyClient::Create(Props(), "replies");
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  std::future<ConsumerRecord> first = (*rr)->request({.topic = "requests", .value = "a"}, 200ms);
  EXPECT_THROW(first.get(), ClientError);
  // The next request waits long enough; the first one's reply comes before it.
  std::future<ConsumerRecord> second = (*rr)->request({.topic = "requests", .value = "b"}, 10s);
  EXPECT_EQ(second.get().value, "re: b");
  EXPECT_EQ((*rr)->late_replies(), 1u);
  EXPECT_GE(expired_seen_.load(), 1);
}

// The Wvv story's second failure, as on Apache Kafka: the request is produced
// inside a transaction that commits only after the reply. A read_committed
// replier cannot see it, so the requester times out and aborts.
TEST_F(RequestReplyTest, ARequestInsideAnOpenTransactionIsInvisibleToAReadCommittedReplier) {
  StartReplier(0ms, "read_committed");
  auto rr = RequestReplyClient::Create(Props(), "replies");
  ASSERT_TRUE(rr.ok()) << rr.status().ToString();
  std::map<std::string, std::string> txn_props = Props();
  txn_props["transactional.id"] = "api-server";
  auto txn = Producer::Create(txn_props);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->init_transactions().ok());
  ASSERT_TRUE((*txn)->begin_transaction().ok());
  // The request as a transactional write with the helper's headers.
  ProducerRecord request{.topic = "requests", .value = "in-txn"};
  request.headers.push_back({.key = std::string(kCorrelationIdHeader), .value = "txn-1"});
  request.headers.push_back({.key = std::string(kReplyTopicHeader), .value = "replies"});
  (*txn)->send(std::move(request)).get();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(requests_seen_.load(), 0);  // held back by the open transaction
  ASSERT_TRUE((*txn)->abort_transaction().ok());
  // The helper's own producer is not transactional: its requests get answered.
  EXPECT_EQ((*rr)->request({.topic = "requests", .value = "plain"}, 10s).get().value, "re: plain");
  EXPECT_EQ(requests_seen_.load(), 1);  // the aborted request never shows
}

}  // namespace
}  // namespace brook::client
