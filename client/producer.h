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
// With transactional.id the producer is transactional (Java's API):
//
//   auto producer = Producer::Create({{"bootstrap.servers", bootstrap},
//                                     {"transactional.id", "transfer-1"}});
//   Status s = (*producer)->init_transactions();         // once
//   s = (*producer)->begin_transaction();
//   (*producer)->send({.topic = "ledger", .key = "alice", .value = "-10"});
//   (*producer)->send({.topic = "ledger", .key = "bob", .value = "+10"});
//   s = (*producer)->commit_transaction();  // read_committed readers see both or none
//
// Each transactional call blocks up to max.block.ms; ClientError(status) says
// what a failure leaves possible (client_error.h): fatal -> close; kTimedOut
// -> call the same method again; otherwise abort_transaction() and go on.
// send() outside a transaction fails with kIllegalState; a record that fails
// inside one fails the transaction (commit returns TRANSACTION_ABORTABLE).
// See transaction_manager.h for the requests.
//
// Not yet: the record size limit (max.request.size), buffer.memory
// back-pressure, transactions version 2 (KIP-890 part 2).
#pragma once

#include <future>
#include <map>
#include <memory>
#include <string>

#include "client/client_config.h"
#include "client/consumer_group_metadata.h"
#include "client/producer_record.h"
#include "client/record_accumulator.h"
#include "client/topic_partition.h"
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

  // Transactions (transactional.id required; else kIllegalState). Each blocks
  // up to max.block.ms.
  // Gets the producer id and epoch for transactional.id, fencing earlier
  // producers with the same id and aborting their open transaction. Once.
  Status init_transactions();
  // Starts a transaction: send() is accepted until commit or abort.
  Status begin_transaction();
  // Commits a consumer group's positions with the transaction (AddOffsetsToTxn,
  // then TxnOffsetCommit to the group coordinator with the member's
  // generation): they become the group's committed offsets only if the
  // transaction commits.
  Status send_offsets_to_transaction(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                                     const ConsumerGroupMetadata& group_metadata);
  // Sends every record of the transaction, then commits it.
  Status commit_transaction();
  // Fails the records not sent yet (TRANSACTION_ABORTABLE), waits for the
  // ones in flight, then aborts the transaction.
  Status abort_transaction();

 private:
  explicit Producer(std::shared_ptr<ProducerCore> core);
  std::shared_ptr<ProducerCore> core_;
};

}  // namespace brook::client
