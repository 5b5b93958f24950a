// broker/handlers/handlers.h
//
// One handler per API, each in broker/handlers/<api>.cc: validate, delegate to
// the owner of the state, map errors, return the response.
#pragma once

#include <asio/awaitable.hpp>

#include "broker/request_context.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/metadata.h"

namespace brook::broker {

asio::awaitable<ApiVersionsResponse> HandleApiVersions(RequestContext& ctx, ApiVersionsRequest req);
asio::awaitable<FetchResponse> HandleFetch(RequestContext& ctx, FetchRequest req);
asio::awaitable<MetadataResponse> HandleMetadata(RequestContext& ctx, MetadataRequest req);

}  // namespace brook::broker
