// broker/handlers/partition_errors.h
//
// A response whose every partition carries the same error, for the
// commit-shaped APIs (OffsetCommit, TxnOffsetCommit: topics[name,
// partitions[partition_index]] in and out).
#pragma once

#include "protocol/error_code.h"

namespace brook::broker {

template <typename Resp, typename Req>
Resp EveryPartitionFails(const Req& req, ErrorCode error) {
  Resp resp;
  for (const auto& topic : req.topics) {
    auto& t = resp.topics.emplace_back();
    t.name = topic.name;
    for (const auto& p : topic.partitions) {
      t.partitions.push_back({.partition_index = p.partition_index, .error_code = error});
    }
  }
  return resp;
}

}  // namespace brook::broker
