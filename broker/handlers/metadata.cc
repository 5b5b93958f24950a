// broker/handlers/metadata.cc
//
// Metadata: this broker as the only node and controller. Topics do not exist
// yet (storage comes next), so every named topic is UNKNOWN_TOPIC_OR_PARTITION.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {

asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req) {
  const Broker& broker = ctx.broker();
  MetadataResponse resp;
  auto& self = resp.brokers.emplace_back();
  self.node_id = broker.config().node_id;
  self.host = broker.advertised_host();
  self.port = broker.advertised_port();
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.config().node_id;
  if (req.topics) {
    for (const auto& wanted : *req.topics) {
      auto& topic = resp.topics.emplace_back();
      topic.error_code = ErrorCode::kUnknownTopicOrPartition;
      topic.name = wanted.name;
      topic.topic_id = wanted.topic_id;
    }
  }
  co_return resp;
}

}  // namespace brook::broker
