// broker/handler_table.cc
#include "broker/handler_table.h"

#include <algorithm>
#include <array>
#include <type_traits>

#include "broker/handlers/handlers.h"
#include "broker/request_context.h"
#include "protocol/api_table.h"
#include "protocol/base/logging.h"

namespace brook::broker {
namespace {

const Logger kLog("broker");

template <typename T>
struct IsMaybeResponse : std::false_type {};
template <typename Resp>
struct IsMaybeResponse<MaybeResponse<Resp>> : std::true_type {};

// The frame of `response`, its large records spliced; the frame then owns
// the response.
template <typename Resp>
OutgoingFrame Encode(const RequestContext& ctx, Resp response) {
  auto owner = std::make_shared<const Resp>(std::move(response));
  OutgoingFrame out;
  out.bytes = EncodeResponseFrame(ctx.header().correlation_id, ctx.api_version(), *owner,
                                  &out.splices, kMinSpliceBytes);
  if (!out.splices.empty()) out.owner = std::move(owner);
  return out;
}

// An empty frame tells the connection to send nothing; nullopt closes it.
template <typename Req, auto Handler>
asio::awaitable<std::optional<OutgoingFrame>> Invoke(RequestContext& ctx, std::span<char> body) {
  const std::string_view in(body.data(), body.size());
  std::vector<std::string_view> borrowed;
  // Produce records are not copied out of the frame (RequestContext).
  constexpr bool kBorrow = std::is_same_v<Req, ProduceRequest>;
  Result<Req> req = wire::Decode<Req>(in, ctx.api_version(), kBorrow ? &borrowed : nullptr);
  if (!req.ok()) {
    kLog.Warn("malformed ", ApiName(Req::kApiKey), " v", ctx.api_version(), " request from ",
              ctx.peer(), ": ", req.status().ToString(), "; closing the connection");
    co_return std::nullopt;
  }
  if constexpr (kBorrow) {
    std::vector<std::span<char>> records;
    records.reserve(borrowed.size());
    for (std::string_view v : borrowed) {
      // The same bytes, through the mutable frame.
      records.emplace_back(v.data() == nullptr ? nullptr : body.data() + (v.data() - in.data()),
                           v.size());
    }
    ctx.set_borrowed_records(std::move(records));
  }
  auto response = co_await Handler(ctx, std::move(req).value());
  if constexpr (IsMaybeResponse<decltype(response)>::value) {
    if (response.close_connection) co_return std::nullopt;
    if (!response.response) co_return OutgoingFrame{};
    co_return Encode(ctx, std::move(*response.response));
  } else {
    co_return Encode(ctx, std::move(response));
  }
}

template <typename Req, auto Handler>
constexpr Route Row() {
  return Route{Req::kApiKey, Req::kVersions, Req::kFirstFlexibleVersion, &Invoke<Req, Handler>};
}

// Ordered by api key.
constexpr std::array kRoutes = {
    Row<ProduceRequest, HandleProduce>(),
    Row<FetchRequest, HandleFetch>(),
    Row<ListOffsetsRequest, HandleListOffsets>(),
    Row<MetadataRequest, HandleMetadata>(),
    Row<OffsetCommitRequest, HandleOffsetCommit>(),
    Row<OffsetFetchRequest, HandleOffsetFetch>(),
    Row<FindCoordinatorRequest, HandleFindCoordinator>(),
    Row<JoinGroupRequest, HandleJoinGroup>(),
    Row<HeartbeatRequest, HandleHeartbeat>(),
    Row<LeaveGroupRequest, HandleLeaveGroup>(),
    Row<SyncGroupRequest, HandleSyncGroup>(),
    Row<DescribeGroupsRequest, HandleDescribeGroups>(),
    Row<ListGroupsRequest, HandleListGroups>(),
    Row<ApiVersionsRequest, HandleApiVersions>(),
    Row<CreateTopicsRequest, HandleCreateTopics>(),
    Row<DeleteTopicsRequest, HandleDeleteTopics>(),
    Row<DeleteRecordsRequest, HandleDeleteRecords>(),
    Row<InitProducerIdRequest, HandleInitProducerId>(),
    Row<OffsetForLeaderEpochRequest, HandleOffsetForLeaderEpoch>(),
    Row<AddPartitionsToTxnRequest, HandleAddPartitionsToTxn>(),
    Row<AddOffsetsToTxnRequest, HandleAddOffsetsToTxn>(),
    Row<EndTxnRequest, HandleEndTxn>(),
    Row<WriteTxnMarkersRequest, HandleWriteTxnMarkers>(),
    Row<TxnOffsetCommitRequest, HandleTxnOffsetCommit>(),
    Row<DescribeConfigsRequest, HandleDescribeConfigs>(),
    Row<AlterConfigsRequest, HandleAlterConfigs>(),
    Row<CreatePartitionsRequest, HandleCreatePartitions>(),
    Row<DeleteGroupsRequest, HandleDeleteGroups>(),
    Row<IncrementalAlterConfigsRequest, HandleIncrementalAlterConfigs>(),
    Row<OffsetDeleteRequest, HandleOffsetDelete>(),
    Row<DescribeClusterRequest, HandleDescribeCluster>(),
    Row<DescribeProducersRequest, HandleDescribeProducers>(),
    Row<DescribeTransactionsRequest, HandleDescribeTransactions>(),
    Row<ListTransactionsRequest, HandleListTransactions>(),
};

constexpr bool SortedByKey() {
  for (size_t i = 1; i < kRoutes.size(); ++i) {
    if (kRoutes[i - 1].key >= kRoutes[i].key) return false;
  }
  return true;
}
static_assert(SortedByKey(), "routes must be listed once each, in api-key order");

}  // namespace

std::span<const Route> Routes() { return kRoutes; }

const Route* FindRoute(ApiKey key) {
  auto it =
      std::find_if(kRoutes.begin(), kRoutes.end(), [key](const Route& r) { return r.key == key; });
  return it == kRoutes.end() ? nullptr : &*it;
}

ApiVersionsResponse SupportedApiVersions() {
  ApiVersionsResponse response;
  for (const Route& route : kRoutes) {
    auto& row = response.api_keys.emplace_back();
    row.api_key = static_cast<int16_t>(route.key);
    row.min_version = route.versions.min;
    row.max_version = route.versions.max;
  }
  return response;
}

}  // namespace brook::broker
