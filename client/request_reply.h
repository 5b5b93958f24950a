// client/request_reply.h
//
// Request-reply over Kafka in the spirit of Spring's ReplyingKafkaTemplate:
// request() sends a record carrying a correlation id and the reply topic in
// headers (Spring's names, so a Spring replier answers it too) and returns a
// future that a reply with the same correlation id completes. A request with
// no reply within its timeout fails with kTimedOut; a reply that comes later
// is dropped (and counted). Each request also carries its deadline, so a
// replier can skip requests nobody waits for any more (IsExpired).
//
//   auto rr = RequestReplyClient::Create({{"bootstrap.servers", bootstrap}}, "media.replies");
//   std::future<ConsumerRecord> reply =
//       (*rr)->request({.topic = "media.requests", .value = "chunk 7"}, 2s);
//   ConsumerRecord r = reply.get();  // throws ClientError(kTimedOut) after 2 s
//
// Replier side: MakeReply(request, value) builds the answer record.
//
// Transactions and read_committed (the Wvv deadlock, see
// docs/REQUEST_REPLY.md): a request produced inside a transaction is
// invisible to a read_committed replier until that transaction commits, so a
// requester that waits for the reply before committing waits forever (until
// its timeout aborts). Send requests with a producer of their own (this
// client's, never transactional), or commit before waiting.
//
// The replies are read by a consumer of this client that is assigned every
// partition of the reply topic (no group) from its end at Create, on a
// poller thread of its own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "client/consumer.h"
#include "client/consumer_record.h"
#include "client/producer.h"
#include "client/producer_record.h"
#include "protocol/base/status.h"

namespace brook::client {

// Spring Kafka's header names (KafkaHeaders.CORRELATION_ID, REPLY_TOPIC).
inline constexpr std::string_view kCorrelationIdHeader = "kafka_correlationId";
inline constexpr std::string_view kReplyTopicHeader = "kafka_replyTopic";
// Ours: when the requester stops waiting, ms since the epoch (decimal text).
inline constexpr std::string_view kDeadlineHeader = "brook_deadline_ms";

// Thread-safe. The producer and consumer are its own.
class RequestReplyClient {
 public:
  // `properties`: bootstrap.servers and any producer/consumer property both
  // accept (client.id, request.timeout.ms ...). Errors: the clients' (bad
  // properties), or the reply topic's partitions not found.
  static Result<std::unique_ptr<RequestReplyClient>> Create(
      const std::map<std::string, std::string>& properties, std::string reply_topic);
  ~RequestReplyClient();  // close()
  RequestReplyClient(const RequestReplyClient&) = delete;
  RequestReplyClient& operator=(const RequestReplyClient&) = delete;

  // Sends `request` with the correlation, reply-topic and deadline headers
  // added. The future holds the reply, or throws ClientError: kTimedOut when
  // none came within `timeout`, the send's error if the request could not
  // be written, kClosed after close().
  std::future<ConsumerRecord> request(ProducerRecord request, std::chrono::milliseconds timeout);

  // Replies that arrived after their request had timed out (or for
  // requests this client never sent), dropped.
  uint64_t late_replies() const { return late_replies_; }
  // Fails what is pending with kClosed and stops. Idempotent.
  void close();

 private:
  struct Pending {
    std::promise<ConsumerRecord> promise;
    std::chrono::steady_clock::time_point deadline;
  };

  RequestReplyClient(std::unique_ptr<Producer> producer, std::unique_ptr<Consumer> consumer,
                     std::string reply_topic);
  void Poll();  // on poller_
  void Fail(const std::string& correlation_id, const ClientError& error);

  std::unique_ptr<Producer> producer_;
  std::unique_ptr<Consumer> consumer_;  // used only on poller_ (and close after the join)
  const std::string reply_topic_;
  std::mutex mu_;
  std::map<std::string, Pending> pending_;  // guarded by mu_; by correlation id
  uint64_t next_id_ = 0;                    // guarded by mu_
  const std::string id_prefix_;
  std::atomic<bool> closing_{false};
  std::atomic<uint64_t> late_replies_{0};
  std::thread poller_;
};

// The header's value, if the record has it.
std::optional<std::string> HeaderValue(const ConsumerRecord& record, std::string_view key);
// Whether the requester has stopped waiting for `request` (its deadline
// header has passed); false when it has none.
bool IsExpired(const ConsumerRecord& request);
// The reply to `request`: to its reply topic, with its correlation id.
// nullopt when the request has no reply-topic or correlation header.
std::optional<ProducerRecord> MakeReply(const ConsumerRecord& request,
                                        std::optional<std::string> value);

}  // namespace brook::client
