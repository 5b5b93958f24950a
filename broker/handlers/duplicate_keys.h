// broker/handlers/duplicate_keys.h
//
// Kafka's handling of a topic named twice in one CreateTopics,
// CreatePartitions or DeleteTopics request: the name is answered once, with
// INVALID_REQUEST, and none of its entries is served. The other entries are
// served as usual, in request order.
#pragma once

#include <map>
#include <set>

namespace brook::broker {

// What a handler does with one entry of the request.
enum class KeyOccurrence {
  kOnly,    // the key's only entry: serve it
  kFirst,   // the first entry of a repeated key: answer the duplicate error
  kRepeat,  // a later entry of a repeated key: answer nothing
};

// Not thread-safe: one per request, on the handler's thread.
template <typename Key>
class DuplicateKeys {
 public:
  // Counts one entry's key. REQUIRES: called for every entry before Next().
  void Count(const Key& key) { ++counts_[key]; }

  // The occurrence of the entry with `key`, asked once per entry in request
  // order.
  KeyOccurrence Next(const Key& key) {
    auto it = counts_.find(key);
    if (it == counts_.end() || it->second <= 1) return KeyOccurrence::kOnly;
    return answered_.insert(key).second ? KeyOccurrence::kFirst : KeyOccurrence::kRepeat;
  }

 private:
  std::map<Key, int> counts_;
  std::set<Key> answered_;
};

}  // namespace brook::broker
