// protocol/request_header.cc
#include "protocol/request_header.h"

#include "protocol/wire/serde.h"

namespace brook {

Result<RequestHeader> ParseRequestHeaderPrefix(std::string_view frame, size_t* consumed) {
  RequestHeader header;
  int16_t key = 0;
  wire::Decoder dec(frame, /*version=*/1, /*flexible=*/false);
  dec.Int16(key);
  dec.Int16(header.api_version);
  dec.Int32(header.correlation_id);
  dec.NullableString(header.client_id);
  if (!dec.ok()) {
    return Status(dec.error(), "request header at byte " + std::to_string(dec.error_offset()));
  }
  header.api_key = static_cast<ApiKey>(key);
  *consumed = frame.size() - dec.remaining();
  return header;
}

Status ParseRequestHeaderTags(std::string_view rest, size_t* consumed) {
  wire::Decoder dec(rest, /*version=*/2, /*flexible=*/true);
  dec.TaggedFields();
  if (!dec.ok()) return Status(dec.error(), "request header tagged fields");
  *consumed = rest.size() - dec.remaining();
  return Status::Ok();
}

void EncodeRequestHeader(std::string& out, const RequestHeader& header, int16_t header_version) {
  wire::Encoder enc(out, header_version, /*flexible=*/false);
  enc.Int16(static_cast<int16_t>(header.api_key));
  enc.Int16(header.api_version);
  enc.Int32(header.correlation_id);
  if (header_version >= 1) enc.NullableString(header.client_id);
  if (header_version >= 2) out.push_back(0);  // empty tagged fields
}

void EncodeResponseHeader(std::string& out, int32_t correlation_id, int16_t header_version) {
  wire::Encoder enc(out, header_version, /*flexible=*/false);
  enc.Int32(correlation_id);
  if (header_version >= 1) out.push_back(0);  // empty tagged fields
}

}  // namespace brook
