// broker/handlers/handlers.h
//
// One handler per API, each in broker/handlers/<api>.cc: validate, delegate to
// the owner of the state, map errors, return the response.
#pragma once

#include <asio/awaitable.hpp>

#include "broker/handler_table.h"
#include "broker/request_context.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_cluster.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/describe_producers.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_delete.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/offset_for_leader_epoch.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/sync_group.h"
#include "protocol/messages/write_txn_markers.h"

namespace brook::broker {

// In api-key order.
// acks=0: no response, or a closed connection when a partition failed.
asio::awaitable<MaybeResponse<ProduceResponse>> HandleProduce(RequestContext& ctx,
                                                              ProduceRequest req);
asio::awaitable<FetchResponse> HandleFetch(RequestContext& ctx, FetchRequest req);
asio::awaitable<ListOffsetsResponse> HandleListOffsets(RequestContext& ctx, ListOffsetsRequest req);
asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req);
asio::awaitable<OffsetCommitResponse> HandleOffsetCommit(RequestContext& ctx,
                                                         OffsetCommitRequest req);
asio::awaitable<OffsetFetchResponse> HandleOffsetFetch(RequestContext& ctx, OffsetFetchRequest req);
asio::awaitable<FindCoordinatorResponse> HandleFindCoordinator(RequestContext& ctx,
                                                               FindCoordinatorRequest req);
asio::awaitable<JoinGroupResponse> HandleJoinGroup(RequestContext& ctx, JoinGroupRequest req);
asio::awaitable<HeartbeatResponse> HandleHeartbeat(RequestContext& ctx, HeartbeatRequest req);
asio::awaitable<LeaveGroupResponse> HandleLeaveGroup(RequestContext& ctx, LeaveGroupRequest req);
asio::awaitable<SyncGroupResponse> HandleSyncGroup(RequestContext& ctx, SyncGroupRequest req);
asio::awaitable<DescribeGroupsResponse> HandleDescribeGroups(RequestContext& ctx,
                                                             DescribeGroupsRequest req);
asio::awaitable<ListGroupsResponse> HandleListGroups(RequestContext& ctx, ListGroupsRequest req);
asio::awaitable<ApiVersionsResponse> HandleApiVersions(RequestContext& ctx, ApiVersionsRequest req);
asio::awaitable<CreateTopicsResponse> HandleCreateTopics(RequestContext& ctx,
                                                         CreateTopicsRequest req);
asio::awaitable<DeleteTopicsResponse> HandleDeleteTopics(RequestContext& ctx,
                                                         DeleteTopicsRequest req);
asio::awaitable<DeleteRecordsResponse> HandleDeleteRecords(RequestContext& ctx,
                                                           DeleteRecordsRequest req);
asio::awaitable<InitProducerIdResponse> HandleInitProducerId(RequestContext& ctx,
                                                             InitProducerIdRequest req);
asio::awaitable<OffsetForLeaderEpochResponse> HandleOffsetForLeaderEpoch(
    RequestContext& ctx, OffsetForLeaderEpochRequest req);
asio::awaitable<AddPartitionsToTxnResponse> HandleAddPartitionsToTxn(RequestContext& ctx,
                                                                     AddPartitionsToTxnRequest req);
asio::awaitable<AddOffsetsToTxnResponse> HandleAddOffsetsToTxn(RequestContext& ctx,
                                                               AddOffsetsToTxnRequest req);
asio::awaitable<EndTxnResponse> HandleEndTxn(RequestContext& ctx, EndTxnRequest req);
asio::awaitable<WriteTxnMarkersResponse> HandleWriteTxnMarkers(RequestContext& ctx,
                                                               WriteTxnMarkersRequest req);
asio::awaitable<DescribeConfigsResponse> HandleDescribeConfigs(RequestContext& ctx,
                                                               DescribeConfigsRequest req);
asio::awaitable<AlterConfigsResponse> HandleAlterConfigs(RequestContext& ctx,
                                                         AlterConfigsRequest req);
asio::awaitable<CreatePartitionsResponse> HandleCreatePartitions(RequestContext& ctx,
                                                                 CreatePartitionsRequest req);
asio::awaitable<DeleteGroupsResponse> HandleDeleteGroups(RequestContext& ctx,
                                                         DeleteGroupsRequest req);
asio::awaitable<IncrementalAlterConfigsResponse> HandleIncrementalAlterConfigs(
    RequestContext& ctx, IncrementalAlterConfigsRequest req);
asio::awaitable<OffsetDeleteResponse> HandleOffsetDelete(RequestContext& ctx,
                                                         OffsetDeleteRequest req);
asio::awaitable<DescribeClusterResponse> HandleDescribeCluster(RequestContext& ctx,
                                                               DescribeClusterRequest req);
asio::awaitable<DescribeProducersResponse> HandleDescribeProducers(RequestContext& ctx,
                                                                   DescribeProducersRequest req);
asio::awaitable<DescribeTransactionsResponse> HandleDescribeTransactions(
    RequestContext& ctx, DescribeTransactionsRequest req);
asio::awaitable<ListTransactionsResponse> HandleListTransactions(RequestContext& ctx,
                                                                 ListTransactionsRequest req);

}  // namespace brook::broker
