// client/producer.h
//
// A Kafka producer with the Java client's behaviour and property names:
//
//   auto producer = brook::client::Producer::Create({{"bootstrap.servers", "127.0.0.1:9092"}});
//   if (!producer.ok()) return producer.status();
//   std::future<RecordMetadata> sent = (*producer)->send({.topic = "orders", .key = "k",
//                                                         .value = "v"});
//   RecordMetadata md = sent.get();  // throws ClientError if the record failed
//
// Records are batched per partition (linger.ms, batch.size), compressed
// (compression.type) and sent to each partition's leader by a sender that
// runs on the producer's own io thread, several requests in flight per broker
// (max.in.flight.requests.per.connection). Failed batches are retried
// (retries, retry.backoff.ms, within delivery.timeout.ms) in their original
// order. With enable.idempotence (the default) the producer gets a producer
// id (InitProducerId) and numbers each partition's records, so that retries
// after a lost response are not written twice; on OUT_OF_ORDER_SEQUENCE_NUMBER
// or UNKNOWN_PRODUCER_ID that no earlier failure explains it bumps its epoch
// and restarts the sequences (KIP-360), as the Java idempotent producer does.
//
// Not yet: transactions (transactional.id is accepted but not used), the
// record size limit (max.request.size), buffer.memory back-pressure.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <string>

#include "client/client_config.h"
#include "client/producer_record.h"
#include "protocol/base/status.h"

namespace brook::client {

class ProducerCore;

// Thread-safe: send(), flush() and close() may be called from any thread but
// the producer's own (callbacks run there: they may call send(), not flush()).
class Producer {
 public:
  // Errors: kInvalidConfig (unknown or invalid property, see ClientConfig).
  static Result<std::unique_ptr<Producer>> Create(
      const std::map<std::string, std::string>& properties);
  static Result<std::unique_ptr<Producer>> Create(ClientConfig config);
  // close(), then waits for the io thread.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a record. The future's get() returns where it landed or throws
  // the ClientError that failed it.
  std::future<RecordMetadata> send(ProducerRecord record);
  // The same with a callback, called once on the producer's io thread.
  void send(ProducerRecord record, SendCallback callback);
  // Sends everything queued now and blocks until every record sent so far
  // has completed (acknowledged or failed).
  void flush();
  // Flushes, then stops: later sends fail with kClosed. Idempotent.
  void close();

  const ClientConfig& config() const;

 private:
  explicit Producer(std::shared_ptr<ProducerCore> core);
  std::shared_ptr<ProducerCore> core_;
};

}  // namespace brook::client
