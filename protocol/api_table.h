// protocol/api_table.h
//
// The one table of the APIs and versions Brook speaks. Each row pairs a
// request struct with its response struct; version ranges and flexible
// versions come from the structs' kVersions / kFirstFlexibleVersion, and the
// ApiVersions response is built from this table (BuildApiVersionsResponse).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/base/status.h"
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
#include "protocol/messages/sasl_authenticate.h"
#include "protocol/messages/sasl_handshake.h"
#include "protocol/messages/sync_group.h"
#include "protocol/messages/txn_offset_commit.h"
#include "protocol/messages/write_txn_markers.h"

namespace brook {

template <typename Req, typename Resp>
struct Api {
  using Request = Req;
  using Response = Resp;
  static_assert(Req::kApiKey == Resp::kApiKey);
  static_assert(Req::kVersions.min == Resp::kVersions.min &&
                Req::kVersions.max == Resp::kVersions.max);
  static_assert(Req::kFirstFlexibleVersion == Resp::kFirstFlexibleVersion);
  static constexpr ApiKey kKey = Req::kApiKey;
  static constexpr VersionRange kVersions = Req::kVersions;
  static constexpr int16_t kFirstFlexibleVersion = Req::kFirstFlexibleVersion;
};

// Ordered by api key.
using AllApis = std::tuple<
    Api<ProduceRequest, ProduceResponse>, Api<FetchRequest, FetchResponse>,
    Api<ListOffsetsRequest, ListOffsetsResponse>, Api<MetadataRequest, MetadataResponse>,
    Api<OffsetCommitRequest, OffsetCommitResponse>, Api<OffsetFetchRequest, OffsetFetchResponse>,
    Api<FindCoordinatorRequest, FindCoordinatorResponse>, Api<JoinGroupRequest, JoinGroupResponse>,
    Api<HeartbeatRequest, HeartbeatResponse>, Api<LeaveGroupRequest, LeaveGroupResponse>,
    Api<SyncGroupRequest, SyncGroupResponse>, Api<DescribeGroupsRequest, DescribeGroupsResponse>,
    Api<ListGroupsRequest, ListGroupsResponse>, Api<SaslHandshakeRequest, SaslHandshakeResponse>,
    Api<ApiVersionsRequest, ApiVersionsResponse>, Api<CreateTopicsRequest, CreateTopicsResponse>,
    Api<DeleteTopicsRequest, DeleteTopicsResponse>,
    Api<DeleteRecordsRequest, DeleteRecordsResponse>,
    Api<InitProducerIdRequest, InitProducerIdResponse>,
    Api<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>,
    Api<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>,
    Api<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>, Api<EndTxnRequest, EndTxnResponse>,
    Api<WriteTxnMarkersRequest, WriteTxnMarkersResponse>,
    Api<TxnOffsetCommitRequest, TxnOffsetCommitResponse>,
    Api<DescribeConfigsRequest, DescribeConfigsResponse>,
    Api<AlterConfigsRequest, AlterConfigsResponse>,
    Api<SaslAuthenticateRequest, SaslAuthenticateResponse>,
    Api<CreatePartitionsRequest, CreatePartitionsResponse>,
    Api<DeleteGroupsRequest, DeleteGroupsResponse>,
    Api<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>,
    Api<OffsetDeleteRequest, OffsetDeleteResponse>,
    Api<DescribeClusterRequest, DescribeClusterResponse>,
    Api<DescribeProducersRequest, DescribeProducersResponse>,
    Api<DescribeTransactionsRequest, DescribeTransactionsResponse>,
    Api<ListTransactionsRequest, ListTransactionsResponse>>;

// Calls fn(Api<Req, Resp>{}) for every row, in api-key order.
template <typename Fn>
constexpr void ForEachApi(Fn&& fn) {
  std::apply([&](auto... api) { (fn(api), ...); }, AllApis{});
}

// One request or response of any API, as decoded from the wire.
namespace detail {
template <typename Tuple>
struct Variants;
template <typename... A>
struct Variants<std::tuple<A...>> {
  using Requests = std::variant<typename A::Request...>;
  using Responses = std::variant<typename A::Response...>;
};
template <typename Req, typename... A>
struct FindResponse;
template <typename Req>
struct FindResponse<Req> {
  using type = void;
};
template <typename Req, typename A, typename... Rest>
struct FindResponse<Req, A, Rest...> {
  using type = std::conditional_t<std::is_same_v<typename A::Request, Req>, typename A::Response,
                                  typename FindResponse<Req, Rest...>::type>;
};
template <typename Req, typename Tuple>
struct ResponseIn;
template <typename Req, typename... A>
struct ResponseIn<Req, std::tuple<A...>> : FindResponse<Req, A...> {};
}  // namespace detail
using AnyRequest = detail::Variants<AllApis>::Requests;
using AnyResponse = detail::Variants<AllApis>::Responses;

// The response struct paired with request struct Req in the table.
template <typename Req>
using ResponseFor = typename detail::ResponseIn<Req, AllApis>::type;

struct ApiInfo {
  ApiKey key;
  VersionRange versions;
  int16_t first_flexible_version;  // kNoFlexibleVersions when none

  bool IsFlexible(int16_t version) const { return version >= first_flexible_version; }
};

// The table's rows, in api-key order.
std::span<const ApiInfo> SupportedApis();
// nullptr for an api key Brook does not speak.
const ApiInfo* FindApi(ApiKey key);

enum class ApiErrc {
  kUnsupportedApi = 1,  // an api key Brook does not speak
  kUnsupportedVersion,  // a version outside the api's range
};
const std::error_category& ApiCategory();
inline std::error_code make_error_code(ApiErrc e) { return {static_cast<int>(e), ApiCategory()}; }

// Request / response bodies (after the header) of any supported api and version.
Result<AnyRequest> DecodeRequestBody(ApiKey key, int16_t version, std::string_view body);
Result<AnyResponse> DecodeResponseBody(ApiKey key, int16_t version, std::string_view body);
// REQUIRES: the held type's api supports `version`.
std::string EncodeBody(const AnyRequest& request, int16_t version);
std::string EncodeBody(const AnyResponse& response, int16_t version);
ApiKey KeyOf(const AnyRequest& request);
ApiKey KeyOf(const AnyResponse& response);

// A whole response frame: size prefix, response header (the version the api
// and version call for), body.
template <typename Resp>
std::string EncodeResponseFrame(int32_t correlation_id, int16_t version, const Resp& response);
// The same frame with its RECORDS fields of at least `min_splice_bytes` left
// out and listed in `*splices` (wire::Splice); the size prefix counts them.
// The spliced bytes are views into `response`.
template <typename Resp>
std::string EncodeResponseFrame(int32_t correlation_id, int16_t version, const Resp& response,
                                std::vector<wire::Splice>* splices, size_t min_splice_bytes);

}  // namespace brook

template <>
struct std::is_error_code_enum<brook::ApiErrc> : std::true_type {};

#include "protocol/frame.h"
#include "protocol/request_header.h"

namespace brook {

template <typename Resp>
std::string EncodeResponseFrame(int32_t correlation_id, int16_t version, const Resp& response) {
  std::string frame(kFrameSizeBytes, '\0');
  // Sized first: a Fetch response carries megabytes of records, and growing
  // the string by doubling would copy them again and fault in fresh pages.
  constexpr size_t kMaxResponseHeaderBytes = 8;  // correlation id + empty tagged fields
  frame.reserve(kFrameSizeBytes + kMaxResponseHeaderBytes + wire::EncodedSize(response, version));
  EncodeResponseHeader(frame, correlation_id,
                       ResponseHeaderVersion(Resp::kApiKey, wire::IsFlexible<Resp>(version)));
  wire::EncodeTo(frame, response, version);
  PatchFrameSize(frame);
  return frame;
}

template <typename Resp>
std::string EncodeResponseFrame(int32_t correlation_id, int16_t version, const Resp& response,
                                std::vector<wire::Splice>* splices, size_t min_splice_bytes) {
  std::string frame(kFrameSizeBytes, '\0');
  EncodeResponseHeader(frame, correlation_id,
                       ResponseHeaderVersion(Resp::kApiKey, wire::IsFlexible<Resp>(version)));
  const size_t first = splices->size();
  wire::EncodeTo(frame, response, version, splices, min_splice_bytes);
  size_t spliced = 0;
  for (size_t i = first; i < splices->size(); ++i) spliced += (*splices)[i].size();
  PatchFrameSize(frame, spliced);
  return frame;
}

}  // namespace brook
