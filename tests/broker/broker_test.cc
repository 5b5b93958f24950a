// tests/broker/broker_test.cc
//
// The server on a real socket: ApiVersions (incl. the v0 fallback for an
// unknown version), Metadata, and malformed frames that must close only the
// offending connection.
#include "broker/broker.h"

#include <gtest/gtest.h>

#include "broker/handler_table.h"
#include "tests/broker/broker_testing.h"
#include "tests/testing/raw_client.h"
#include "tests/testing/serde_testing.h"

namespace brook::broker {
namespace {

using testing::Call;
using testing::RawClient;

using BrokerTest = TestBrokerFixture;

TEST_F(BrokerTest, ApiVersionsAnswersEveryVersionWithTheHandlerTable) {
  RawClient client = Connect();
  for (int16_t v = ApiVersionsRequest::kVersions.min; v <= ApiVersionsRequest::kVersions.max; ++v) {
    ApiVersionsRequest req;
    if (v >= 3) {
      req.client_software_name = "brook-test";
      req.client_software_version = "1.0";
    }
    Result<ApiVersionsResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    EXPECT_EQ(resp->error_code, ErrorCode::kNone);
    EXPECT_EQ(resp->api_keys, SupportedApiVersions().api_keys);
  }
}

TEST_F(BrokerTest, ApiVersionsRejectsAnInvalidSoftwareName) {
  RawClient client = Connect();
  ApiVersionsRequest req;
  req.client_software_name = "-bad name";
  req.client_software_version = "1.0";
  Result<ApiVersionsResponse> resp = Call(client, req, 3);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->error_code, ErrorCode::kInvalidRequest);
}

TEST_F(BrokerTest, UnknownApiVersionsVersionGetsAV0AnswerWithTheFullList) {
  RawClient client = Connect();
  // ApiVersions v99 with a v2 header: key, version, correlation id, client id, no tags, and a
  // body the broker must not try to parse.
  std::string frame = testing::FromHex("0012 0063 0000002a 0003 616263 00 | 0102030405");
  ASSERT_TRUE(client.SendFrame(frame).ok());
  Result<std::string> raw = client.ReadFrame();
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_GE(raw->size(), 4u);
  EXPECT_EQ(raw->substr(0, 4), testing::FromHex("0000002a"));  // header v0: no tags
  Result<ApiVersionsResponse> body = wire::Decode<ApiVersionsResponse>(raw->substr(4), 0);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->error_code, ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(body->api_keys, SupportedApiVersions().api_keys);
}

TEST_F(BrokerTest, MetadataListsThisBroker) {
  RawClient client = Connect();
  for (int16_t v = MetadataRequest::kVersions.min; v <= MetadataRequest::kVersions.max; ++v) {
    MetadataRequest req;
    if (v >= 1) req.topics = std::nullopt;  // all topics
    Result<MetadataResponse> resp = Call(client, req, v);
    ASSERT_TRUE(resp.ok()) << "v" << v << ": " << resp.status().ToString();
    ASSERT_EQ(resp->brokers.size(), 1u) << "v" << v;
    EXPECT_EQ(resp->brokers[0].node_id, 1);
    EXPECT_EQ(resp->brokers[0].host, "127.0.0.1");
    EXPECT_EQ(resp->brokers[0].port, broker().port());
    if (v >= 2) {
      EXPECT_EQ(resp->cluster_id, "brook-test-cluster");
    }
    if (v >= 1) {
      EXPECT_EQ(resp->controller_id, 1);
    }
  }
}

TEST_F(BrokerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient client = Connect();
  std::string batch;
  for (int32_t id = 100; id < 110; ++id) {
    std::string frame;
    EncodeRequestHeader(frame,
                        RequestHeader{.api_key = ApiKey::kApiVersions,
                                      .api_version = 2,
                                      .correlation_id = id,
                                      .client_id = "p"},
                        1);
    std::string with_prefix(4, '\0');
    with_prefix += frame;
    PatchFrameSize(with_prefix);
    batch += with_prefix;
  }
  ASSERT_TRUE(client.SendRaw(batch).ok());
  for (int32_t id = 100; id < 110; ++id) {
    Result<std::string> raw = client.ReadFrame();
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    wire::Decoder dec(*raw, 0, false);
    int32_t correlation_id = 0;
    dec.Int32(correlation_id);
    EXPECT_EQ(correlation_id, id);
  }
}

TEST_F(BrokerTest, OversizedFrameClosesOnlyThatConnection) {
  RawClient bad = Connect();
  RawClient good = Connect();
  ASSERT_TRUE(bad.SendRaw(testing::FromHex("7fffffff")).ok());  // 2 GiB claimed
  EXPECT_TRUE(bad.WaitClosed());
  Result<ApiVersionsResponse> resp = Call(good, ApiVersionsRequest{}, 2);
  EXPECT_TRUE(resp.ok()) << resp.status().ToString();
}

TEST_F(BrokerTest, NegativeFrameSizeClosesTheConnection) {
  RawClient bad = Connect();
  ASSERT_TRUE(bad.SendRaw(testing::FromHex("ffffff00")).ok());
  EXPECT_TRUE(bad.WaitClosed());
}

TEST_F(BrokerTest, MalformedBodyClosesTheConnection) {
  RawClient bad = Connect();
  // Metadata v1 whose topic array claims 1000 entries with no bytes behind it.
  ASSERT_TRUE(bad.SendFrame(testing::FromHex("0003 0001 00000001 0000 | 000003e8")).ok());
  EXPECT_TRUE(bad.WaitClosed());
}

TEST_F(BrokerTest, UnknownApiKeyClosesTheConnection) {
  RawClient bad = Connect();
  ASSERT_TRUE(bad.SendFrame(testing::FromHex("0fff 0000 00000001 0000")).ok());
  EXPECT_TRUE(bad.WaitClosed());
}

TEST_F(BrokerTest, TruncatedHeaderClosesTheConnection) {
  RawClient bad = Connect();
  ASSERT_TRUE(bad.SendFrame(testing::FromHex("0003 00")).ok());
  EXPECT_TRUE(bad.WaitClosed());
}

TEST_F(BrokerTest, StopsWithOpenConnections) {
  RawClient idle = Connect();
  RawClient half = Connect();
  ASSERT_TRUE(half.SendRaw(testing::FromHex("00000010 0003")).ok());  // frame left unfinished
  broker().Stop();
  StopBroker();
  EXPECT_TRUE(idle.WaitClosed());
}

}  // namespace
}  // namespace brook::broker
