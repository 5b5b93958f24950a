// client/consumer_group_metadata.h
//
// What a consumer hands to a transactional producer's
// send_offsets_to_transaction (KIP-447): the group and the member's current
// generation, so the coordinator can fence a zombie member's offsets
// (TxnOffsetCommit v3+ carries them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace brook::client {

struct ConsumerGroupMetadata {
  std::string group_id;
  int32_t generation_id = -1;  // -1: not a member of a generation (plain group id)
  std::string member_id;       // empty with generation -1
  std::optional<std::string> group_instance_id;

  bool operator==(const ConsumerGroupMetadata&) const = default;
};

}  // namespace brook::client
