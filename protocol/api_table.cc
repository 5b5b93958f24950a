// protocol/api_table.cc
#include "protocol/api_table.h"

#include <algorithm>
#include <array>

namespace brook {
namespace {

constexpr size_t kApiCount = std::tuple_size_v<AllApis>;

constexpr std::array<ApiInfo, kApiCount> MakeTable() {
  std::array<ApiInfo, kApiCount> table{};
  size_t i = 0;
  ForEachApi([&](auto api) {
    using A = decltype(api);
    table[i++] = ApiInfo{A::kKey, A::kVersions, A::kFirstFlexibleVersion};
  });
  return table;
}

constexpr std::array<ApiInfo, kApiCount> kTable = MakeTable();

constexpr bool SortedByKey() {
  for (size_t i = 1; i < kTable.size(); ++i) {
    if (kTable[i - 1].key >= kTable[i].key) return false;
  }
  return true;
}
static_assert(SortedByKey(), "AllApis must list each api once, in api-key order");

class ApiCategoryImpl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "brook.api"; }
  std::string message(int ev) const override {
    switch (static_cast<ApiErrc>(ev)) {
      case ApiErrc::kUnsupportedApi: return "unsupported api key";
      case ApiErrc::kUnsupportedVersion: return "unsupported api version";
    }
    return "unknown api error";
  }
};

// Decodes `body` as the Req or Resp (Pick) of the row whose key is `key`.
template <typename Any, template <typename> typename Pick>
Result<Any> DecodeBody(ApiKey key, int16_t version, std::string_view body) {
  std::optional<Result<Any>> result;
  ForEachApi([&](auto api) {
    using A = decltype(api);
    using M = typename Pick<A>::type;
    if (A::kKey != key || result) return;
    if (!A::kVersions.Contains(version)) {
      result.emplace(Status(ApiErrc::kUnsupportedVersion,
                            std::string(ApiName(key)) + " v" + std::to_string(version)));
      return;
    }
    Result<M> decoded = wire::Decode<M>(body, version);
    if (!decoded.ok()) {
      Status s = decoded.status();
      result.emplace(Status(s.code(), std::string(ApiName(key)) + " v" + std::to_string(version) +
                                          " " + s.context()));
    } else {
      result.emplace(Any(std::move(decoded).value()));
    }
  });
  if (!result) {
    return Status(ApiErrc::kUnsupportedApi, "api key " + std::to_string(static_cast<int>(key)));
  }
  return std::move(*result);
}

template <typename A>
struct PickRequest {
  using type = typename A::Request;
};
template <typename A>
struct PickResponse {
  using type = typename A::Response;
};

}  // namespace

std::span<const ApiInfo> SupportedApis() { return kTable; }

const ApiInfo* FindApi(ApiKey key) {
  auto it = std::lower_bound(kTable.begin(), kTable.end(), key,
                             [](const ApiInfo& info, ApiKey k) { return info.key < k; });
  return it != kTable.end() && it->key == key ? &*it : nullptr;
}

const std::error_category& ApiCategory() {
  static const ApiCategoryImpl category;
  return category;
}

Result<AnyRequest> DecodeRequestBody(ApiKey key, int16_t version, std::string_view body) {
  return DecodeBody<AnyRequest, PickRequest>(key, version, body);
}

Result<AnyResponse> DecodeResponseBody(ApiKey key, int16_t version, std::string_view body) {
  return DecodeBody<AnyResponse, PickResponse>(key, version, body);
}

std::string EncodeBody(const AnyRequest& request, int16_t version) {
  return std::visit([&](const auto& m) { return wire::Encode(m, version); }, request);
}

std::string EncodeBody(const AnyResponse& response, int16_t version) {
  return std::visit([&](const auto& m) { return wire::Encode(m, version); }, response);
}

ApiKey KeyOf(const AnyRequest& request) {
  return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::kApiKey; }, request);
}

ApiKey KeyOf(const AnyResponse& response) {
  return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::kApiKey; }, response);
}

}  // namespace brook
