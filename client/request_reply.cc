// client/request_reply.cc
#include "client/request_reply.h"

#include <charconv>
#include <random>
#include <vector>

namespace brook::client {
namespace {

using Clock = std::chrono::steady_clock;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<std::string> HeaderValue(const ConsumerRecord& record, std::string_view key) {
  for (const RecordHeader& h : record.headers) {
    if (h.key == key) return h.value;
  }
  return std::nullopt;
}

bool IsExpired(const ConsumerRecord& request) {
  std::optional<std::string> deadline = HeaderValue(request, kDeadlineHeader);
  if (!deadline) return false;
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(deadline->data(), deadline->data() + deadline->size(), ms);
  if (ec != std::errc() || end != deadline->data() + deadline->size()) return false;
  return WallMs() > ms;
}

std::optional<ProducerRecord> MakeReply(const ConsumerRecord& request,
                                        std::optional<std::string> value) {
  std::optional<std::string> topic = HeaderValue(request, kReplyTopicHeader);
  std::optional<std::string> correlation = HeaderValue(request, kCorrelationIdHeader);
  if (!topic || !correlation) return std::nullopt;
  ProducerRecord reply{.topic = *topic, .value = std::move(value)};
  reply.headers.push_back({.key = std::string(kCorrelationIdHeader), .value = *correlation});
  return reply;
}

Result<std::unique_ptr<RequestReplyClient>> RequestReplyClient::Create(
    const std::map<std::string, std::string>& properties, std::string reply_topic) {
  Result<ClientConfig> config = ClientConfig::FromProperties(properties);
  if (!config.ok()) return config.status();
  std::map<std::string, std::string> consumer_props = properties;
  consumer_props["auto.offset.reset"] = "latest";
  consumer_props["enable.auto.commit"] = "false";
  Result<std::unique_ptr<Consumer>> consumer = Consumer::Create(consumer_props);
  if (!consumer.ok()) return consumer.status();
  Result<std::vector<TopicPartition>> assigned = (*consumer)->partitions_for(reply_topic);
  if (!assigned.ok()) return assigned.status();
  (*consumer)->assign(*assigned);
  // Replies start after this point: resolve the positions now, before any
  // request can be answered.
  for (const TopicPartition& tp : *assigned) {
    Result<int64_t> position = (*consumer)->position(tp, config->request_timeout);
    if (!position.ok()) return position.status();
  }
  Result<std::unique_ptr<Producer>> producer = Producer::Create(properties);
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<RequestReplyClient>(new RequestReplyClient(
      std::move(producer).value(), std::move(consumer).value(), std::move(reply_topic)));
}

RequestReplyClient::RequestReplyClient(std::unique_ptr<Producer> producer,
                                       std::unique_ptr<Consumer> consumer, std::string reply_topic)
    : producer_(std::move(producer)),
      consumer_(std::move(consumer)),
      reply_topic_(std::move(reply_topic)),
      id_prefix_(std::to_string(std::random_device{}()) + "-") {
  poller_ = std::thread([this] { Poll(); });
}

RequestReplyClient::~RequestReplyClient() { close(); }

std::future<ConsumerRecord> RequestReplyClient::request(ProducerRecord request,
                                                        std::chrono::milliseconds timeout) {
  std::string correlation_id;
  std::future<ConsumerRecord> reply;
  {
    std::lock_guard lock(mu_);
    if (closing_) {
      std::promise<ConsumerRecord> closed;
      closed.set_exception(std::make_exception_ptr(
          ClientError(Status(ClientErrc::kClosed, "request-reply client closed"))));
      return closed.get_future();
    }
    correlation_id = id_prefix_ + std::to_string(next_id_++);
    Pending& pending = pending_[correlation_id];
    pending.deadline = Clock::now() + timeout;
    reply = pending.promise.get_future();
  }
  request.headers.push_back({.key = std::string(kCorrelationIdHeader), .value = correlation_id});
  request.headers.push_back({.key = std::string(kReplyTopicHeader), .value = reply_topic_});
  request.headers.push_back(
      {.key = std::string(kDeadlineHeader), .value = std::to_string(WallMs() + timeout.count())});
  producer_->send(std::move(request),
                  [this, correlation_id](const RecordMetadata&, const ClientError* error) {
                    if (error != nullptr) Fail(correlation_id, *error);
                  });
  return reply;
}

void RequestReplyClient::Fail(const std::string& correlation_id, const ClientError& error) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(correlation_id);
  if (it == pending_.end()) return;
  it->second.promise.set_exception(std::make_exception_ptr(error));
  pending_.erase(it);
}

void RequestReplyClient::Poll() {
  while (!closing_) {
    std::vector<ConsumerRecord> replies;
    try {
      replies = consumer_->poll(std::chrono::milliseconds(50));
    } catch (const ClientError& e) {
      if (closing_) break;
      // Fail everything waiting: the replies cannot be read.
      std::lock_guard lock(mu_);
      for (auto& [id, pending] : pending_) {
        pending.promise.set_exception(std::make_exception_ptr(e));
      }
      pending_.clear();
      continue;
    }
    std::lock_guard lock(mu_);
    for (ConsumerRecord& reply : replies) {
      std::optional<std::string> id = HeaderValue(reply, kCorrelationIdHeader);
      auto it = id ? pending_.find(*id) : pending_.end();
      if (it == pending_.end()) {
        ++late_replies_;  // timed out already, or not ours
        continue;
      }
      it->second.promise.set_value(std::move(reply));
      pending_.erase(it);
    }
    const auto now = Clock::now();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      it->second.promise.set_exception(std::make_exception_ptr(
          ClientError(Status(ClientErrc::kTimedOut, "no reply within the request's timeout"))));
      it = pending_.erase(it);
    }
  }
}

void RequestReplyClient::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_.exchange(true)) return;
  }
  if (poller_.joinable()) poller_.join();
  producer_->close();
  consumer_->close();
  std::lock_guard lock(mu_);
  for (auto& [id, pending] : pending_) {
    pending.promise.set_exception(std::make_exception_ptr(
        ClientError(Status(ClientErrc::kClosed, "request-reply client closed"))));
  }
  pending_.clear();
}

}  // namespace brook::client
