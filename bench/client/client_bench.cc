// bench/client/client_bench.cc
//
// Brook's client beside librdkafka (C API), against the same brook-broker in
// one run and with the same settings. For each target (a brook-broker started
// here with --memory, then one on a temporary --data-dir) and for values of
// 1 KiB and 100 B, on a topic of 3 partitions (one per value size), record i
// going to partition i % 3 (the same placement from both clients):
//   produce  N values, acks=all, enable.idempotence=true, linger.ms=5,
//            batch.size=16384, compression none; the clock stops when every
//            delivery is acknowledged (flush). Connecting and getting the
//            producer id are done (one record, flushed) before the clock.
//   consume  N records from offset 0 of the 3 partitions, assigned (a
//            group.id, as librdkafka's assign() needs one, nothing committed),
//            CRCs checked on both sides (Java's and Brook's default); the
//            clock runs from assign() to the N-th record.
// Each measurement alternates the two clients over 3 rounds and keeps the
// best of each (the machine is shared and noisy: read the ratios). It prints
// msgs/s and MB/s (value bytes, 10^6) of both, the ratio Brook/librdkafka,
// and a line naming the rows where Brook is slower.
//
//   client-bench [--broker BROKER_BINARY] [--scale X] [--only memory|disk]
//                [--value 1024|100] [--client brook|librdkafka]
//
// BROKER_BINARY defaults to ../broker/brook-broker next to this binary;
// --scale multiplies the message counts; --only, --value and --client run a
// part of it (to profile one client: perf record -g client-bench --client
// brook --value 100 --only memory).
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/broker_process.h"
#include "client/consumer.h"
#include "client/producer.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRounds = 3;
constexpr int kPartitions = 3;
constexpr auto kDeadline = std::chrono::seconds(60);  // per measurement

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "client-bench: %s\n", what.c_str());
  brook::bench::StopRunningBroker();  // exit() skips its destructor
  std::exit(1);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

using brook::bench::BrokerProcess;
using brook::bench::Storage;

// --- librdkafka

rd_kafka_conf_t* RdConf(const std::map<std::string, std::string>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : properties) {
    char err[512];
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof(err)) !=
        RD_KAFKA_CONF_OK) {
      Die("librdkafka " + name + ": " + err);
    }
  }
  return conf;
}

rd_kafka_t* RdNew(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) Die(std::string("rd_kafka_new: ") + err);
  return rk;
}

void CreateTopic(const std::string& bootstrap, const std::string& name) {
  rd_kafka_t* rk = RdNew(RD_KAFKA_PRODUCER, RdConf({{"bootstrap.servers", bootstrap}}));
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), kPartitions, 1, nullptr, 0);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 15000);
  if (event == nullptr) Die("CreateTopics: no answer");
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
  if (count != 1 || rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Die("CreateTopics " + name + ": " +
        (count == 1 ? rd_kafka_topic_result_error_string(results[0]) : "no result"));
  }
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_destroy(rk);
}

// Counts failed deliveries; a benchmark with lost messages is void.
void OnRdDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<int64_t*>(opaque);
}

void RdProduceOne(rd_kafka_t* rk, rd_kafka_topic_t* rkt, int32_t partition,
                  const std::string& value) {
  while (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, const_cast<char*>(value.data()),
                          value.size(), nullptr, 0, nullptr) != 0) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) Die(std::string("produce: ") + rd_kafka_err2str(err));
    rd_kafka_poll(rk, 1);
  }
}

void RdFlush(rd_kafka_t* rk, const int64_t& failed) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk, 60000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) Die(std::string("flush: ") + rd_kafka_err2str(err));
  if (failed != 0) Die("librdkafka: " + std::to_string(failed) + " messages failed");
}

// Seconds to produce `count` values and get every delivery acknowledged.
double RdProduce(const std::string& bootstrap, const std::string& topic, int64_t count,
                 const std::string& value) {
  int64_t failed = 0;
  rd_kafka_conf_t* conf = RdConf({{"bootstrap.servers", bootstrap},
                                  {"acks", "all"},
                                  {"enable.idempotence", "true"},
                                  {"linger.ms", "5"},
                                  {"batch.size", "16384"},
                                  {"compression.type", "none"},
                                  // Brook's producer has no buffer limit yet.
                                  {"queue.buffering.max.messages", "10000000"},
                                  {"queue.buffering.max.kbytes", "2097151"}});
  rd_kafka_conf_set_dr_msg_cb(conf, OnRdDelivery);
  rd_kafka_conf_set_opaque(conf, &failed);
  rd_kafka_t* rk = RdNew(RD_KAFKA_PRODUCER, conf);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  RdProduceOne(rk, rkt, 0, value);  // connect, get a producer id
  RdFlush(rk, failed);
  const Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < count; ++i) {
    RdProduceOne(rk, rkt, static_cast<int32_t>(i % kPartitions), value);
    if (i % 1024 == 0) rd_kafka_poll(rk, 0);  // serve delivery reports as an app would
  }
  RdFlush(rk, failed);
  const double seconds = Seconds(Clock::now() - start);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return seconds;
}

// Seconds from assign() to the `count`-th record from offset 0.
double RdConsume(const std::string& bootstrap, const std::string& topic, int64_t count,
                 size_t value_size) {
  rd_kafka_t* rk = RdNew(RD_KAFKA_CONSUMER, RdConf({{"bootstrap.servers", bootstrap},
                                                    {"group.id", "client-bench-rdkafka"},
                                                    {"enable.auto.commit", "false"},
                                                    {"enable.partition.eof", "false"},
                                                    {"check.crcs", "true"},
                                                    {"auto.offset.reset", "earliest"}}));
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(kPartitions);
  for (int32_t p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = 0;
  }
  const Clock::time_point start = Clock::now();
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk, parts); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Die(std::string("assign: ") + rd_kafka_err2str(err));
  }
  int64_t seen = 0;
  while (seen < count) {
    if (Clock::now() - start > kDeadline) Die("librdkafka consumer: too slow");
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr) continue;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Die(std::string("consume: ") + rd_kafka_message_errstr(msg));
    }
    if (msg->len != value_size) Die("librdkafka consumer: a value of the wrong size");
    ++seen;
    rd_kafka_message_destroy(msg);
  }
  const double seconds = Seconds(Clock::now() - start);
  rd_kafka_topic_partition_list_destroy(parts);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return seconds;
}

// --- Brook

double BrookProduce(const std::string& bootstrap, const std::string& topic, int64_t count,
                    const std::string& value) {
  auto producer = brook::client::Producer::Create({{"bootstrap.servers", bootstrap},
                                                   {"acks", "all"},
                                                   {"enable.idempotence", "true"},
                                                   {"linger.ms", "5"},
                                                   {"batch.size", "16384"},
                                                   {"compression.type", "none"}});
  if (!producer.ok()) Die("Brook producer: " + producer.status().ToString());
  brook::client::Producer& p = **producer;
  std::atomic<int64_t> failed{0};
  auto on_delivery = [&failed](const brook::client::RecordMetadata&,
                               const brook::client::ClientError* error) {
    if (error != nullptr) failed.fetch_add(1, std::memory_order_relaxed);
  };
  p.send({.topic = topic, .partition = 0, .value = value}, on_delivery);  // connect, producer id
  p.flush();
  const Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < count; ++i) {
    p.send({.topic = topic, .partition = static_cast<int32_t>(i % kPartitions), .value = value},
           on_delivery);
  }
  p.flush();
  const double seconds = Seconds(Clock::now() - start);
  if (failed.load() != 0) Die("Brook: " + std::to_string(failed.load()) + " messages failed");
  p.close();
  return seconds;
}

double BrookConsume(const std::string& bootstrap, const std::string& topic, int64_t count,
                    size_t value_size) {
  auto consumer = brook::client::Consumer::Create({{"bootstrap.servers", bootstrap},
                                                   {"group.id", "client-bench-brook"},
                                                   {"enable.auto.commit", "false"},
                                                   {"auto.offset.reset", "earliest"}});
  if (!consumer.ok()) Die("Brook consumer: " + consumer.status().ToString());
  brook::client::Consumer& c = **consumer;
  std::vector<brook::client::TopicPartition> parts;
  for (int32_t p = 0; p < kPartitions; ++p) parts.push_back({topic, p});
  const Clock::time_point start = Clock::now();
  c.assign(parts);
  for (const auto& tp : parts) {
    if (brook::Status s = c.seek(tp, 0); !s.ok()) Die("Brook seek: " + s.ToString());
  }
  int64_t seen = 0;
  while (seen < count) {
    if (Clock::now() - start > kDeadline) Die("Brook consumer: too slow");
    for (const brook::client::ConsumerRecord& r : c.poll(std::chrono::milliseconds(100))) {
      if (!r.value || r.value->size() != value_size) Die("Brook consumer: a wrong value");
      ++seen;
    }
  }
  const double seconds = Seconds(Clock::now() - start);
  c.close();
  return seconds;
}

// --- The table

struct Row {
  std::string target;
  size_t value_size;
  std::string op;
  int64_t count;
  double brook_s;
  double rd_s;
};

constexpr double kNotRun = std::numeric_limits<double>::infinity();

void PrintRow(const Row& r) {
  auto rate = [&](double s) { return static_cast<double>(r.count) / s; };
  auto mbps = [&](double s) { return static_cast<double>(r.count * r.value_size) / s / 1e6; };
  std::printf("%-7s %5zu %-8s %7lld %11.0f %8.1f %11.0f %8.1f %6.2f\n", r.target.c_str(),
              r.value_size, r.op.c_str(), static_cast<long long>(r.count), rate(r.brook_s),
              mbps(r.brook_s), rate(r.rd_s), mbps(r.rd_s), r.rd_s / r.brook_s);
  std::fflush(stdout);
}

struct Options {
  double scale = 1;
  std::string only;    // memory, disk; empty: both
  size_t value = 0;    // 1024, 100; 0: both
  std::string client;  // brook, librdkafka; empty: both
};

void Measure(const std::string& target, const std::string& bootstrap, const Options& options,
             std::vector<Row>* rows) {
  struct Load {
    size_t value_size;
    int64_t count;
  };
  const bool brook = options.client != "librdkafka";
  const bool rdkafka = options.client != "brook";
  const double scale = options.scale;
  for (Load load : {Load{1024, 300000}, Load{100, 1200000}}) {
    if (options.value != 0 && options.value != load.value_size) continue;
    const std::string topic = "client-bench-" + std::to_string(load.value_size);
    CreateTopic(bootstrap, topic);
    const std::string value(load.value_size, 'v');
    const int64_t count = std::max<int64_t>(kPartitions, static_cast<int64_t>(load.count * scale));
    // Alternating rounds, best (shortest) of each; every round appends N
    // records, so the consumers below have 2 * kRounds * N to read from.
    Row produce{target, load.value_size, "produce", count, kNotRun, kNotRun};
    for (int round = 0; round < kRounds; ++round) {
      if (brook) {
        produce.brook_s = std::min(produce.brook_s, BrookProduce(bootstrap, topic, count, value));
      }
      if (rdkafka) produce.rd_s = std::min(produce.rd_s, RdProduce(bootstrap, topic, count, value));
    }
    PrintRow(produce);
    rows->push_back(produce);
    Row consume{target, load.value_size, "consume", count, kNotRun, kNotRun};
    for (int round = 0; round < kRounds; ++round) {
      if (brook) {
        consume.brook_s =
            std::min(consume.brook_s, BrookConsume(bootstrap, topic, count, load.value_size));
      }
      if (rdkafka) {
        consume.rd_s = std::min(consume.rd_s, RdConsume(bootstrap, topic, count, load.value_size));
      }
    }
    PrintRow(consume);
    rows->push_back(consume);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage =
      "usage: client-bench [--broker BROKER_BINARY] [--scale X] [--only memory|disk] "
      "[--value 1024|100] [--client brook|librdkafka]";
  std::string broker_binary =
      (std::filesystem::canonical("/proc/self/exe").parent_path() / "../broker/brook-broker")
          .lexically_normal()
          .string();
  Options options;
  if (argc % 2 == 0) Die(usage);
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--broker") {
      broker_binary = argv[i + 1];
    } else if (flag == "--scale") {
      options.scale = std::atof(argv[i + 1]);
    } else if (flag == "--only") {
      options.only = argv[i + 1];
    } else if (flag == "--value") {
      options.value = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (flag == "--client") {
      options.client = argv[i + 1];
    } else {
      Die(usage);
    }
  }
  if ((options.only != "" && options.only != "memory" && options.only != "disk") ||
      (options.value != 0 && options.value != 1024 && options.value != 100) ||
      (options.client != "" && options.client != "brook" && options.client != "librdkafka")) {
    Die(usage);
  }
  if (::access(broker_binary.c_str(), X_OK) != 0) Die("no broker binary at " + broker_binary);

  std::printf(
      "client-bench: Brook's client vs librdkafka %s, same brook-broker, 3 partitions; acks=all, "
      "idempotent, linger.ms=5, batch.size=16384, no compression; best of %d alternating "
      "rounds; MB = 10^6 value bytes; ratio = Brook/librdkafka (> 1: Brook faster)\n",
      rd_kafka_version_str(), kRounds);
  std::printf("%-7s %5s %-8s %7s %11s %8s %11s %8s %6s\n", "target", "value", "op", "msgs",
              "brook msg/s", "brook MB", "rdk msg/s", "rdk MB", "ratio");
  std::fflush(stdout);
  std::vector<Row> rows;
  const Clock::time_point start = Clock::now();
  if (options.only.empty() || options.only == "memory") {
    BrokerProcess broker("client-bench", broker_binary, Storage::kMemory);
    Measure("memory", broker.bootstrap(), options, &rows);
  }
  if (options.only.empty() || options.only == "disk") {
    BrokerProcess broker("client-bench", broker_binary, Storage::kDisk);
    Measure("disk", broker.bootstrap(), options, &rows);
  }
  std::string slower;
  for (const Row& r : rows) {
    const double ratio = r.rd_s / r.brook_s;
    if (ratio < 1 && r.brook_s != kNotRun && r.rd_s != kNotRun) {
      char item[96];
      std::snprintf(item, sizeof(item), "%s%s %zu B %s (%.2fx)", slower.empty() ? "" : ", ",
                    r.target.c_str(), r.value_size, r.op.c_str(), ratio);
      slower += item;
    }
  }
  if (!options.client.empty()) {
    std::printf("One client only (--client %s): no comparison.\n", options.client.c_str());
  } else if (slower.empty()) {
    std::printf("Brook's client is at least as fast as librdkafka on every row.\n");
  } else {
    std::printf("Brook's client is slower than librdkafka on: %s.\n", slower.c_str());
  }
  std::printf("total %.1f s\n", Seconds(Clock::now() - start));
  return 0;
}
