// broker/handlers/api_versions.cc
//
// ApiVersions: the handler table's rows. No features are advertised
// (transaction.version, group.version): clients switch code paths when they
// see them, and KIP-890 part 2 / KIP-848 are not implemented. An unknown
// ApiVersions version never reaches this handler: the connection answers it
// with a v0 body (broker/connection.cc).
#include <string_view>

#include "broker/handler_table.h"
#include "broker/handlers/handlers.h"

namespace brook::broker {
namespace {

// Kafka's rule for client_software_name/version (KIP-511): letters, digits,
// '-' and '.', starting and ending with a letter or digit.
bool IsValidSoftwareField(std::string_view s) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

asio::awaitable<ApiVersionsResponse> HandleApiVersions(RequestContext& ctx,
                                                       ApiVersionsRequest req) {
  ApiVersionsResponse resp = SupportedApiVersions();
  if (ctx.api_version() >= 3 && (!IsValidSoftwareField(req.client_software_name) ||
                                 !IsValidSoftwareField(req.client_software_version))) {
    resp.error_code = ErrorCode::kInvalidRequest;
  }
  co_return resp;
}

}  // namespace brook::broker
