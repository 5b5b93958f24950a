// broker/group_records.cc
#include "broker/group_records.h"

#include "broker/versioned_record.h"

namespace brook::broker {

std::string EncodeOffsetCommitKey(const OffsetCommitKey& key) { return EncodeVersioned(key, 1); }
std::string EncodeOffsetCommitValue(const OffsetCommitValue& value) {
  return EncodeVersioned(value, value.expire_timestamp >= 0 ? 1 : 3);
}
std::string EncodeGroupMetadataKey(const GroupMetadataKey& key) { return EncodeVersioned(key, 2); }
std::string EncodeGroupMetadataValue(const GroupMetadataValue& value) {
  return EncodeVersioned(value, 3);
}

Result<GroupRecordKey> ParseGroupRecordKey(std::string_view bytes) {
  std::string_view rest = bytes;
  Result<int16_t> version = ReadRecordVersion(&rest);
  if (!version.ok()) return version.status();
  GroupRecordKey key;
  if (*version <= 1) {
    Result<OffsetCommitKey> k = wire::Decode<OffsetCommitKey>(rest, *version);
    if (!k.ok()) return k.status();
    key.offset = std::move(k).value();
  } else {
    Result<GroupMetadataKey> k = wire::Decode<GroupMetadataKey>(rest, *version);
    if (!k.ok()) return k.status();
    key.group = std::move(k).value();
  }
  return key;
}

Result<OffsetCommitValue> ParseOffsetCommitValue(std::string_view bytes) {
  return DecodeVersioned<OffsetCommitValue>(bytes);
}

Result<GroupMetadataValue> ParseGroupMetadataValue(std::string_view bytes) {
  return DecodeVersioned<GroupMetadataValue>(bytes);
}

int32_t OffsetsPartitionFor(std::string_view group_id, int32_t partitions) {
  // Java hashes UTF-16 code units: decode UTF-8 and split supplementary
  // code points into surrogate pairs.
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < group_id.size();) {
    const auto c = static_cast<uint8_t>(group_id[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xc0) {
      len = 2;
      cp = c & 0x1f;
    }
    if (i + len > group_id.size()) {
      len = 1;
      cp = c;
    } else {
      for (size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<uint8_t>(group_id[i + k]) & 0x3f);
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xd800 + (cp >> 10));
      add(0xdc00 + (cp & 0x3ff));
    } else {
      add(cp);
    }
    i += len;
  }
  const auto hash = static_cast<int32_t>(h);
  const int32_t abs = hash == INT32_MIN ? 0 : (hash < 0 ? -hash : hash);
  return abs % partitions;
}

}  // namespace brook::broker
