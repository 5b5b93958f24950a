// broker/handler_table.h
//
// The APIs the broker serves: one row per api key, in key order, in
// handler_table.cc. Versions come from the message structs' kVersions, and the
// ApiVersions answer is built from these rows, so Brook never advertises an API
// it does not handle.
#pragma once

#include <asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api_key.h"
#include "protocol/messages/api_versions.h"
#include "protocol/wire/serde.h"

namespace brook::broker {

class RequestContext;

// A response ready to send: `bytes`, with each splice's bytes sent at its
// position (records too large to be worth copying into the frame; a Fetch
// response's records go from where the log read them to the socket).
struct OutgoingFrame {
  std::string bytes;  // empty: send nothing
  std::vector<wire::Splice> splices;
  std::shared_ptr<const void> owner;  // holds the spliced bytes until sent
};

// RECORDS fields from this size on are spliced rather than copied.
inline constexpr size_t kMinSpliceBytes = 16 << 10;

// Decodes the body, runs the handler and returns the whole response frame;
// nullopt closes the connection (malformed request). The body is mutable and
// outlives the call: a Produce handler appends its records in place.
using RawHandler = asio::awaitable<std::optional<OutgoingFrame>> (*)(RequestContext& ctx,
                                                                     std::span<char> body);

struct Route {
  ApiKey key;
  VersionRange versions;
  int16_t first_flexible_version;
  RawHandler handle;

  bool IsFlexible(int16_t version) const { return version >= first_flexible_version; }
};

// What a handler returns when it may send no response: Produce with acks=0.
template <typename Resp>
struct MaybeResponse {
  std::optional<Resp> response;  // nullopt: nothing is sent back
  // Close the connection instead (Kafka's way to tell an acks=0 producer that
  // its produce failed: the client reconnects and refreshes its metadata).
  bool close_connection = false;
};

std::span<const Route> Routes();
// nullptr for an api the broker does not serve.
const Route* FindRoute(ApiKey key);
// Every row of Routes() with its version range.
ApiVersionsResponse SupportedApiVersions();

}  // namespace brook::broker
