// broker/handlers/describe_cluster.cc
//
// DescribeCluster v0-1: this broker as the only node and the controller. A
// broker does not serve the controllers' endpoints (endpoint_type 2):
// UNSUPPORTED_ENDPOINT_TYPE, as Kafka's brokers answer.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {
namespace {

constexpr int8_t kBrokersEndpoint = 1;
// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS,
// IDEMPOTENT_WRITE, CREATE_TOKENS, DESCRIBE_TOKENS.
constexpr int32_t kAllClusterOperations = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) |
                                          (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

}  // namespace

asio::awaitable<DescribeClusterResponse> HandleDescribeCluster(RequestContext& ctx,
                                                               DescribeClusterRequest req) {
  const Broker& broker = ctx.broker();
  DescribeClusterResponse resp;
  resp.endpoint_type = req.endpoint_type;
  resp.cluster_id = broker.cluster_id();
  if (ctx.api_version() >= 1 && req.endpoint_type != kBrokersEndpoint) {
    resp.error_code = ErrorCode::kUnsupportedEndpointType;
    resp.error_message =
        "The broker does not support endpoint type " + std::to_string(req.endpoint_type) + ".";
    co_return resp;
  }
  resp.controller_id = broker.config().node_id;
  auto& self = resp.brokers.emplace_back();
  self.broker_id = broker.config().node_id;
  self.host = broker.advertised_host();
  self.port = broker.advertised_port();
  if (req.include_cluster_authorized_operations) {
    resp.cluster_authorized_operations = kAllClusterOperations;
  }
  co_return resp;
}

}  // namespace brook::broker
