// broker/handlers/handlers.h
//
// One handler per API, each in broker/handlers/<api>.cc: validate, delegate to
// the owner of the state, map errors, return the response.
#pragma once

#include <asio/awaitable.hpp>

#include "broker/handler_table.h"
#include "broker/request_context.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_cluster.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_for_leader_epoch.h"
#include "protocol/messages/produce.h"

namespace brook::broker {

asio::awaitable<ApiVersionsResponse> HandleApiVersions(RequestContext& ctx, ApiVersionsRequest req);
asio::awaitable<FetchResponse> HandleFetch(RequestContext& ctx, FetchRequest req);
asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req);
                                                                 CreatePartitionsRequest req);
                                                               DescribeClusterRequest req);
                                                               DescribeConfigsRequest req);
                                                              ProduceRequest req);
                                                             InitProducerIdRequest req);
                                                           DeleteRecordsRequest req);
                                                         AlterConfigsRequest req);
                                                         CreateTopicsRequest req);
                                                         DeleteTopicsRequest req);
    RequestContext& ctx, IncrementalAlterConfigsRequest req);
    RequestContext& ctx, OffsetForLeaderEpochRequest req);
// acks=0: no response, or a closed connection when a partition failed.
asio::awaitable<AlterConfigsResponse> HandleAlterConfigs(RequestContext& ctx,
asio::awaitable<CreatePartitionsResponse> HandleCreatePartitions(RequestContext& ctx,
asio::awaitable<CreateTopicsResponse> HandleCreateTopics(RequestContext& ctx,
asio::awaitable<DeleteRecordsResponse> HandleDeleteRecords(RequestContext& ctx,
asio::awaitable<DeleteTopicsResponse> HandleDeleteTopics(RequestContext& ctx,
asio::awaitable<DescribeClusterResponse> HandleDescribeCluster(RequestContext& ctx,
asio::awaitable<DescribeConfigsResponse> HandleDescribeConfigs(RequestContext& ctx,
asio::awaitable<IncrementalAlterConfigsResponse> HandleIncrementalAlterConfigs(
asio::awaitable<InitProducerIdResponse> HandleInitProducerId(RequestContext& ctx,
asio::awaitable<ListOffsetsResponse> HandleListOffsets(RequestContext& ctx, ListOffsetsRequest req);
asio::awaitable<MaybeResponse<ProduceResponse>> HandleProduce(RequestContext& ctx,
asio::awaitable<OffsetForLeaderEpochResponse> HandleOffsetForLeaderEpoch(

}  // namespace brook::broker
