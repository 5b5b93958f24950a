// tests/client/client_config_test.cc
#include "client/client_config.h"

#include <gtest/gtest.h>

#include "client/client_error.h"

namespace brook::client {
namespace {

using Props = std::map<std::string, std::string>;

Result<ClientConfig> Parse(Props props) {
  props.emplace("bootstrap.servers", "127.0.0.1:9092");
  return ClientConfig::FromProperties(props);
}

TEST(ClientConfigTest, DefaultsAreTheJavaClients) {
  Result<ClientConfig> c = Parse({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->bootstrap_servers, (std::vector<BrokerAddress>{{"127.0.0.1", 9092}}));
  EXPECT_EQ(c->acks, -1);
  EXPECT_TRUE(c->enable_idempotence);
  EXPECT_EQ(c->linger.count(), 5);
  EXPECT_EQ(c->batch_size, 16384);
  EXPECT_EQ(c->compression, Compression::kNone);
  EXPECT_EQ(c->max_in_flight, 5);
  EXPECT_EQ(c->retries, 2147483647);
  EXPECT_EQ(c->retry_backoff.count(), 100);
  EXPECT_EQ(c->request_timeout.count(), 30000);
  EXPECT_EQ(c->delivery_timeout.count(), 120000);
  EXPECT_EQ(c->metadata_max_age.count(), 300000);
  EXPECT_FALSE(c->transactional_id.has_value());
  EXPECT_EQ(c->transaction_timeout.count(), 60000);
  EXPECT_EQ(c->partitioner, PartitionerKind::kDefault);
}

TEST(ClientConfigTest, ParsesEveryProperty) {
  Result<ClientConfig> c = Parse({{"bootstrap.servers", "a:1, b:2,[::1]:3"},
                                  {"client.id", "me"},
                                  {"acks", "1"},
                                  {"enable.idempotence", "FALSE"},
                                  {"linger.ms", "0"},
                                  {"batch.size", "100"},
                                  {"compression.type", "zstd"},
                                  {"max.in.flight.requests.per.connection", "1"},
                                  {"retries", "3"},
                                  {"retry.backoff.ms", "7"},
                                  {"request.timeout.ms", "1000"},
                                  {"delivery.timeout.ms", "2000"},
                                  {"metadata.max.age.ms", "500"},
                                  {"partitioner", "murmur2_random"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->bootstrap_servers, (std::vector<BrokerAddress>{{"a", 1}, {"b", 2}, {"::1", 3}}));
  EXPECT_EQ(c->client_id, "me");
  EXPECT_EQ(c->acks, 1);
  EXPECT_FALSE(c->enable_idempotence);
  EXPECT_EQ(c->linger.count(), 0);
  EXPECT_EQ(c->batch_size, 100);
  EXPECT_EQ(c->compression, Compression::kZstd);
  EXPECT_EQ(c->max_in_flight, 1);
  EXPECT_EQ(c->retries, 3);
  EXPECT_EQ(c->retry_backoff.count(), 7);
  EXPECT_EQ(c->request_timeout.count(), 1000);
  EXPECT_EQ(c->delivery_timeout.count(), 2000);
  EXPECT_EQ(c->metadata_max_age.count(), 500);
}

TEST(ClientConfigTest, TransactionalIdAndTimeout) {
  Result<ClientConfig> c =
      Parse({{"transactional.id", "tx-1"}, {"transaction.timeout.ms", "9000"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->transactional_id, "tx-1");
  EXPECT_EQ(c->transaction_timeout.count(), 9000);
}

// The message names the property and says what is wrong.
void ExpectInvalid(const Props& props, const std::string& expected) {
  Result<ClientConfig> c = ClientConfig::FromProperties(props);
  ASSERT_FALSE(c.ok()) << expected;
  EXPECT_EQ(c.status().code(), ClientErrc::kInvalidConfig);
  EXPECT_NE(c.status().ToString().find(expected), std::string::npos) << c.status().ToString();
}

TEST(ClientConfigTest, UnknownAndInvalidPropertiesAreErrorsNamingThem) {
  const std::string b = "127.0.0.1:9092";
  ExpectInvalid({{"bootstrap.servers", b}, {"linger.msx", "1"}}, "linger.msx: unknown property");
  ExpectInvalid({{"bootstrap.servers", b}, {"linger.ms", "soon"}}, "linger.ms: 'soon'");
  ExpectInvalid({{"bootstrap.servers", b}, {"linger.ms", "-1"}}, "linger.ms: must be at least 0");
  ExpectInvalid({{"bootstrap.servers", b}, {"acks", "2"}}, "acks: '2' is not one of");
  ExpectInvalid({{"bootstrap.servers", b}, {"compression.type", "brotli"}},
                "compression.type: 'brotli'");
  ExpectInvalid({{"bootstrap.servers", b}, {"enable.idempotence", "yes"}},
                "enable.idempotence: 'yes' is not true or false");
  ExpectInvalid({{"bootstrap.servers", b}, {"partitioner", "consistent"}}, "partitioner:");
  ExpectInvalid({{"bootstrap.servers", b}, {"max.in.flight.requests.per.connection", "0"}},
                "max.in.flight.requests.per.connection: must be at least 1");
  ExpectInvalid({}, "bootstrap.servers: missing required property");
  ExpectInvalid({{"bootstrap.servers", "nohost"}}, "bootstrap.servers: 'nohost' is not host:port");
  ExpectInvalid({{"bootstrap.servers", "h:99999"}},
                "bootstrap.servers: 'h:99999' has no valid port");
}

TEST(ClientConfigTest, ExplicitIdempotenceConflictsAreErrors) {
  const std::string b = "127.0.0.1:9092";
  ExpectInvalid({{"bootstrap.servers", b}, {"enable.idempotence", "true"}, {"acks", "1"}},
                "acks: must be all for the idempotent producer");
  ExpectInvalid({{"bootstrap.servers", b}, {"enable.idempotence", "true"}, {"retries", "0"}},
                "retries: must be non-zero");
  ExpectInvalid({{"bootstrap.servers", b},
                 {"enable.idempotence", "true"},
                 {"max.in.flight.requests.per.connection", "6"}},
                "max.in.flight.requests.per.connection: must be at most 5");
  ExpectInvalid(
      {{"bootstrap.servers", b}, {"enable.idempotence", "false"}, {"transactional.id", "t"}},
      "transactional.id: needs enable.idempotence=true");
  ExpectInvalid({{"bootstrap.servers", b}, {"delivery.timeout.ms", "100"}},
                "delivery.timeout.ms: must be at least linger.ms + request.timeout.ms");
}

TEST(ClientConfigTest, ImplicitIdempotenceYieldsToConflictingSettings) {
  Result<ClientConfig> c = Parse({{"acks", "0"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->enable_idempotence);
  EXPECT_EQ(c->acks, 0);
}

TEST(ClientConfigTest, DeliveryTimeoutGrowsToLingerPlusRequestTimeoutWhenNotSet) {
  Result<ClientConfig> c = Parse({{"request.timeout.ms", "200000"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->delivery_timeout.count(), 200005);
}

}  // namespace
}  // namespace brook::client
