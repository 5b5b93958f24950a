// broker/handlers/handlers.h
//
// One handler per API, each in broker/handlers/<api>.cc: validate, delegate to
// the owner of the state, map errors, return the response.
#pragma once

#include <asio/awaitable.hpp>

#include "broker/request_context.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_cluster.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "protocol/messages/metadata.h"

namespace brook::broker {

asio::awaitable<ApiVersionsResponse> HandleApiVersions(RequestContext& ctx, ApiVersionsRequest req);
asio::awaitable<FetchResponse> HandleFetch(RequestContext& ctx, FetchRequest req);
asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req);
asio::awaitable<CreateTopicsResponse> HandleCreateTopics(RequestContext& ctx,
                                                         CreateTopicsRequest req);
asio::awaitable<DeleteTopicsResponse> HandleDeleteTopics(RequestContext& ctx,
                                                         DeleteTopicsRequest req);
asio::awaitable<DescribeConfigsResponse> HandleDescribeConfigs(RequestContext& ctx,
                                                               DescribeConfigsRequest req);
asio::awaitable<AlterConfigsResponse> HandleAlterConfigs(RequestContext& ctx,
                                                         AlterConfigsRequest req);
asio::awaitable<CreatePartitionsResponse> HandleCreatePartitions(RequestContext& ctx,
                                                                 CreatePartitionsRequest req);
asio::awaitable<IncrementalAlterConfigsResponse> HandleIncrementalAlterConfigs(
    RequestContext& ctx, IncrementalAlterConfigsRequest req);
asio::awaitable<DescribeClusterResponse> HandleDescribeCluster(RequestContext& ctx,
                                                               DescribeClusterRequest req);

}  // namespace brook::broker
