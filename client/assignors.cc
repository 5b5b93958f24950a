// client/assignors.cc
#include "client/assignors.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <set>

#include "client/client_error.h"

namespace brook::client {
namespace {

class Writer {
 public:
  void Int16(int16_t v) { Raw(static_cast<uint64_t>(static_cast<uint16_t>(v)), 2); }
  void Int32(int32_t v) { Raw(static_cast<uint64_t>(static_cast<uint32_t>(v)), 4); }
  void String(std::string_view s) {
    Int16(static_cast<int16_t>(s.size()));
    out_.append(s);
  }
  void NullableString(const std::optional<std::string>& s) {
    if (!s) return Int16(-1);
    String(*s);
  }
  void Bytes(const std::optional<std::string>& b) {
    if (!b) return Int32(-1);
    Int32(static_cast<int32_t>(b->size()));
    out_.append(*b);
  }
  // [topic, [partition]] grouped by topic, in the order given.
  void TopicPartitions(const std::vector<TopicPartition>& partitions) {
    std::vector<std::pair<std::string, std::vector<int32_t>>> grouped;
    for (const TopicPartition& tp : partitions) {
      auto it = std::find_if(grouped.begin(), grouped.end(),
                             [&](const auto& g) { return g.first == tp.topic; });
      if (it == grouped.end()) {
        grouped.emplace_back(tp.topic, std::vector<int32_t>{});
        it = std::prev(grouped.end());
      }
      it->second.push_back(tp.partition);
    }
    Int32(static_cast<int32_t>(grouped.size()));
    for (const auto& [topic, ids] : grouped) {
      String(topic);
      Int32(static_cast<int32_t>(ids.size()));
      for (int32_t id : ids) Int32(id);
    }
  }
  std::string Take() && { return std::move(out_); }

 private:
  void Raw(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  int16_t Int16() { return static_cast<int16_t>(Raw(2)); }
  int32_t Int32() { return static_cast<int32_t>(Raw(4)); }
  std::optional<std::string> NullableString() {
    int16_t n = Int16();
    if (n < 0) return std::nullopt;
    return Take(static_cast<size_t>(n));
  }
  std::string String() {
    int16_t n = Int16();
    if (n < 0) ok_ = false;
    return ok_ ? Take(static_cast<size_t>(n)) : std::string();
  }
  std::optional<std::string> Bytes() {
    int32_t n = Int32();
    if (n < 0) return std::nullopt;
    return Take(static_cast<size_t>(n));
  }
  // An array's count; -1 (null) reads as empty. Counts beyond the bytes left fail.
  int32_t Count(size_t min_element_size) {
    int32_t n = Int32();
    if (n < -1 || (n > 0 && static_cast<size_t>(n) * min_element_size > in_.size())) ok_ = false;
    return ok_ ? std::max(n, 0) : 0;
  }
  std::vector<TopicPartition> TopicPartitions() {
    std::vector<TopicPartition> out;
    int32_t topics = Count(6);
    for (int32_t i = 0; i < topics && ok_; ++i) {
      std::string topic = String();
      int32_t partitions = Count(4);
      for (int32_t j = 0; j < partitions && ok_; ++j) out.push_back({topic, Int32()});
    }
    return out;
  }

 private:
  uint64_t Raw(size_t n) {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(n);
    return v;
  }
  std::string Take(size_t n) {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  std::string_view in_;
  bool ok_ = true;
};

Status Malformed(const char* what) {
  return Status(ClientErrc::kBadResponse, std::string("malformed consumer protocol ") + what);
}

// Java's MemberInfo order: static members (by instance id) before dynamic
// ones (by member id).
bool MemberBefore(const MemberSubscription* a, const MemberSubscription* b) {
  if (a->group_instance_id && b->group_instance_id) {
    return *a->group_instance_id < *b->group_instance_id;
  }
  if (a->group_instance_id || b->group_instance_id) return a->group_instance_id.has_value();
  return a->member_id < b->member_id;
}

bool Subscribes(const MemberSubscription& m, const std::string& topic) {
  return std::find(m.subscription.topics.begin(), m.subscription.topics.end(), topic) !=
         m.subscription.topics.end();
}

// For each claimed partition, the members whose claim is the latest (more
// than one: claims that conflict), as indexes into `members`.
std::map<TopicPartition, std::vector<size_t>> LatestClaims(
    const std::vector<const MemberSubscription*>& members) {
  std::map<TopicPartition, std::pair<int32_t, std::vector<size_t>>> latest;
  for (size_t i = 0; i < members.size(); ++i) {
    StickyMemberData data = StickyMemberDataOf(members[i]->subscription);
    std::sort(data.partitions.begin(), data.partitions.end());
    data.partitions.erase(std::unique(data.partitions.begin(), data.partitions.end()),
                          data.partitions.end());
    for (const TopicPartition& tp : data.partitions) {
      auto [it, inserted] = latest.try_emplace(tp, data.generation_id, std::vector<size_t>{i});
      if (inserted) continue;
      auto& [generation, holders] = it->second;
      if (data.generation_id > generation) {
        generation = data.generation_id;
        holders = {i};
      } else if (data.generation_id == generation) {
        holders.push_back(i);
      }
    }
  }
  std::map<TopicPartition, std::vector<size_t>> out;
  for (auto& [tp, claim] : latest) out.emplace(tp, std::move(claim.second));
  return out;
}

std::vector<const MemberSubscription*> InMemberOrder(
    const std::vector<MemberSubscription>& members) {
  std::vector<const MemberSubscription*> order;
  for (const MemberSubscription& m : members) order.push_back(&m);
  std::sort(order.begin(), order.end(), MemberBefore);
  return order;
}

// The sticky assignment's working state: partitions by index (topic, then
// partition order), members by index (MemberBefore order).
class StickyPlan {
 public:
  StickyPlan(const std::vector<const MemberSubscription*>& members,
             const PartitionCounts& partitions)
      : members_(members), held_(members.size()) {
    for (const auto& [topic, count] : partitions) {
      std::vector<size_t> subscribers;
      for (size_t i = 0; i < members.size(); ++i) {
        if (Subscribes(*members[i], topic)) subscribers.push_back(i);
      }
      if (subscribers.empty()) continue;  // nobody to take it
      for (int32_t p = 0; p < count; ++p) {
        index_.emplace(TopicPartition{topic, p}, partitions_.size());
        partitions_.push_back({topic, p});
        topic_of_.push_back(subscribers_.size());
      }
      subscribers_.push_back(std::move(subscribers));
    }
    holder_.assign(partitions_.size(), kNone);
    kept_.assign(partitions_.size(), false);
  }

  void KeepOwned() {
    for (const auto& [tp, holders] : LatestClaims(members_)) {
      auto it = index_.find(tp);
      if (it == index_.end() || holders.size() != 1) continue;  // gone, or in dispute
      size_t p = it->second;
      size_t owner = holders.front();
      const std::vector<size_t>& may = Eligible(p);
      if (!std::binary_search(may.begin(), may.end(), owner)) continue;  // unsubscribed since
      Place(p, owner);
      kept_[p] = true;
    }
  }

  // Partitions nobody kept, those with the fewest possible takers first,
  // each to its least loaded taker.
  void PlaceTheRest() {
    std::vector<size_t> rest;
    for (size_t p = 0; p < partitions_.size(); ++p) {
      if (holder_[p] == kNone) rest.push_back(p);
    }
    std::stable_sort(rest.begin(), rest.end(),
                     [&](size_t a, size_t b) { return Eligible(a).size() < Eligible(b).size(); });
    for (size_t p : rest) {
      size_t best = Eligible(p).front();
      for (size_t i : Eligible(p)) {
        if (held_[i].size() < held_[best].size()) best = i;
      }
      Place(p, best);
    }
  }

  // Moves partitions along chains of members (each passing one on to a
  // member subscribed to it) from a member to one holding at least two
  // fewer, until no such chain exists. Each move lowers the sum of squared
  // counts, so this ends; when it ends no member can shed load to a less
  // loaded one, which is balance.
  void Balance() {
    while (Augment()) {
    }
  }

  GroupAssignment Result() const {
    GroupAssignment out;
    for (size_t i = 0; i < members_.size(); ++i) {
      std::vector<TopicPartition>& mine = out[members_[i]->member_id];
      std::vector<size_t> held = held_[i];
      std::sort(held.begin(), held.end());
      for (size_t p : held) mine.push_back(partitions_[p]);
    }
    return out;
  }

 private:
  static constexpr size_t kNone = std::numeric_limits<size_t>::max();

  void Place(size_t p, size_t member) {
    holder_[p] = member;
    held_[member].push_back(p);
  }

  void Move(size_t p, size_t from, size_t to) {
    std::vector<size_t>& held = held_[from];
    held.erase(std::find(held.begin(), held.end(), p));
    kept_[p] = false;
    Place(p, to);
  }

  // One chain of moves from the most loaded member that can shed load;
  // false when none can.
  bool Augment() {
    std::vector<size_t> sources(members_.size());
    for (size_t i = 0; i < sources.size(); ++i) sources[i] = i;
    std::stable_sort(sources.begin(), sources.end(),
                     [&](size_t a, size_t b) { return held_[a].size() > held_[b].size(); });
    // Members a failed search reached: a source among them reaches no more
    // than that search did and, holding no more, needs a lighter target.
    std::vector<bool> exhausted(members_.size(), false);
    size_t lightest = members_.empty() ? 0 : held_[sources.back()].size();
    for (size_t source : sources) {
      size_t load = held_[source].size();
      if (load < lightest + 2) return false;
      if (exhausted[source]) continue;
      // Breadth first over "x can pass a partition to y", so chains stay short.
      std::vector<std::pair<size_t, size_t>> via(members_.size(), {kNone, kNone});
      std::vector<bool> seen(members_.size(), false);
      seen[source] = true;
      std::deque<size_t> queue = {source};
      size_t target = kNone;
      while (!queue.empty() && target == kNone) {
        size_t x = queue.front();
        queue.pop_front();
        std::vector<bool> topic_done(subscribers_.size(), false);
        for (size_t p : Givable(x)) {
          // Partitions of one topic lead to the same members: the first
          // (most givable) one stands for them all.
          if (topic_done[topic_of_[p]]) continue;
          topic_done[topic_of_[p]] = true;
          for (size_t y : Eligible(p)) {
            if (seen[y]) continue;
            seen[y] = true;
            via[y] = {x, p};
            if (held_[y].size() + 2 <= load) {
              target = y;
              break;
            }
            queue.push_back(y);
          }
          if (target != kNone) break;
        }
      }
      if (target == kNone) {
        for (size_t i = 0; i < seen.size(); ++i) {
          if (seen[i]) exhausted[i] = true;
        }
        continue;
      }
      for (size_t y = target; y != source;) {
        auto [x, p] = via[y];
        Move(p, x, y);
        y = x;
      }
      return true;
    }
    return false;
  }

  const std::vector<size_t>& Eligible(size_t p) const { return subscribers_[topic_of_[p]]; }

  // A member's partitions in the order it should give them up: those it
  // did not keep from before first.
  std::vector<size_t> Givable(size_t member) const {
    std::vector<size_t> out = held_[member];
    std::sort(out.begin(), out.end());
    std::stable_partition(out.begin(), out.end(), [&](size_t p) { return !kept_[p]; });
    return out;
  }

  const std::vector<const MemberSubscription*>& members_;
  std::vector<TopicPartition> partitions_;
  std::map<TopicPartition, size_t> index_;
  std::vector<size_t> topic_of_;                  // by partition: index into subscribers_
  std::vector<std::vector<size_t>> subscribers_;  // by topic: members subscribed, ascending
  std::vector<size_t> holder_;                    // by partition: member, or kNone
  std::vector<bool> kept_;                        // by partition: stayed with its owner
  std::vector<std::vector<size_t>> held_;         // by member: partitions
};

}  // namespace

StickyMemberData StickyMemberDataOf(const ConsumerSubscription& subscription) {
  StickyMemberData out{.partitions = subscription.owned_partitions,
                       .generation_id = subscription.generation_id};
  if (out.generation_id >= 0 || !subscription.user_data) return out;
  std::string_view bytes = *subscription.user_data;
  if (bytes.size() == 4) {  // CooperativeStickyAssignor: the generation alone
    Reader r(bytes);
    out.generation_id = r.Int32();
    return out;
  }
  Reader r(bytes);
  std::vector<TopicPartition> previous = r.TopicPartitions();
  int32_t generation = r.ok() && !r.done() ? r.Int32() : -1;
  if (!r.ok()) return out;  // not StickyAssignorUserData: no claims from it
  out.generation_id = generation;
  if (out.partitions.empty()) out.partitions = std::move(previous);
  return out;
}

std::string EncodeStickyUserData(const std::vector<TopicPartition>& partitions,
                                 int32_t generation_id) {
  Writer w;
  w.TopicPartitions(partitions);
  w.Int32(generation_id);
  return std::move(w).Take();
}

std::string EncodeSubscription(const ConsumerSubscription& subscription, int16_t version) {
  Writer w;
  w.Int16(version);
  w.Int32(static_cast<int32_t>(subscription.topics.size()));
  for (const std::string& t : subscription.topics) w.String(t);
  w.Bytes(subscription.user_data);
  if (version >= 1) w.TopicPartitions(subscription.owned_partitions);
  if (version >= 2) w.Int32(subscription.generation_id);
  if (version >= 3) w.NullableString(subscription.rack_id);
  return std::move(w).Take();
}

Result<ConsumerSubscription> DecodeSubscription(std::string_view bytes) {
  Reader r(bytes);
  ConsumerSubscription out;
  int16_t version = r.Int16();
  if (version < 0) return Malformed("subscription version");
  int32_t topics = r.Count(2);
  for (int32_t i = 0; i < topics && r.ok(); ++i) out.topics.push_back(r.String());
  out.user_data = r.Bytes();
  if (version >= 1 && r.ok() && !r.done()) out.owned_partitions = r.TopicPartitions();
  if (version >= 2 && r.ok() && !r.done()) out.generation_id = r.Int32();
  if (version >= 3 && r.ok() && !r.done()) out.rack_id = r.NullableString();
  if (!r.ok()) return Malformed("subscription");
  return out;
}

std::string EncodeAssignment(const ConsumerAssignment& assignment, int16_t version) {
  Writer w;
  w.Int16(version);
  w.TopicPartitions(assignment.partitions);
  w.Bytes(assignment.user_data);
  return std::move(w).Take();
}

Result<ConsumerAssignment> DecodeAssignment(std::string_view bytes) {
  ConsumerAssignment out;
  if (bytes.empty()) return out;
  Reader r(bytes);
  if (r.Int16() < 0) return Malformed("assignment version");
  out.partitions = r.TopicPartitions();
  if (r.ok() && !r.done()) out.user_data = r.Bytes();
  if (!r.ok()) return Malformed("assignment");
  return out;
}

std::string_view AssignorName(AssignorKind kind) {
  switch (kind) {
    case AssignorKind::kRange: return "range";
    case AssignorKind::kRoundRobin: return "roundrobin";
    case AssignorKind::kCooperativeSticky: return "cooperative-sticky";
  }
  return "range";
}

std::optional<AssignorKind> AssignorByName(std::string_view name) {
  for (AssignorKind kind :
       {AssignorKind::kRange, AssignorKind::kRoundRobin, AssignorKind::kCooperativeSticky}) {
    if (name == AssignorName(kind)) return kind;
  }
  return std::nullopt;
}

GroupAssignment AssignRange(const std::vector<MemberSubscription>& members,
                            const PartitionCounts& partitions) {
  GroupAssignment out;
  for (const MemberSubscription& m : members) out[m.member_id];
  for (const auto& [topic, count] : partitions) {
    std::vector<const MemberSubscription*> subscribers;
    for (const MemberSubscription& m : members) {
      if (Subscribes(m, topic)) subscribers.push_back(&m);
    }
    if (subscribers.empty()) continue;
    std::sort(subscribers.begin(), subscribers.end(), MemberBefore);
    int32_t n = static_cast<int32_t>(subscribers.size());
    int32_t per_member = count / n;
    int32_t with_extra = count % n;
    for (int32_t i = 0; i < n; ++i) {
      int32_t start = per_member * i + std::min(i, with_extra);
      int32_t length = per_member + (i + 1 > with_extra ? 0 : 1);
      std::vector<TopicPartition>& mine = out[subscribers[static_cast<size_t>(i)]->member_id];
      for (int32_t p = start; p < start + length; ++p) mine.push_back({topic, p});
    }
  }
  return out;
}

GroupAssignment AssignRoundRobin(const std::vector<MemberSubscription>& members,
                                 const PartitionCounts& partitions) {
  GroupAssignment out;
  for (const MemberSubscription& m : members) out[m.member_id];
  if (members.empty()) return out;
  std::vector<const MemberSubscription*> order;
  for (const MemberSubscription& m : members) order.push_back(&m);
  std::sort(order.begin(), order.end(), MemberBefore);
  std::set<std::string> topics;
  for (const MemberSubscription& m : members) {
    for (const std::string& t : m.subscription.topics) {
      if (partitions.count(t)) topics.insert(t);
    }
  }
  size_t next = 0;
  for (const std::string& topic : topics) {
    for (int32_t p = 0; p < partitions.at(topic); ++p) {
      while (!Subscribes(*order[next % order.size()], topic)) ++next;
      out[order[next % order.size()]->member_id].push_back({topic, p});
      ++next;
    }
  }
  return out;
}

GroupAssignment AssignSticky(const std::vector<MemberSubscription>& members,
                             const PartitionCounts& partitions) {
  std::vector<const MemberSubscription*> order = InMemberOrder(members);
  StickyPlan plan(order, partitions);
  plan.KeepOwned();
  plan.PlaceTheRest();
  plan.Balance();
  return plan.Result();
}

GroupAssignment AssignCooperativeSticky(const std::vector<MemberSubscription>& members,
                                        const PartitionCounts& partitions) {
  std::vector<const MemberSubscription*> order = InMemberOrder(members);
  GroupAssignment out = AssignSticky(members, partitions);
  std::map<TopicPartition, std::vector<size_t>> claims = LatestClaims(order);
  for (size_t i = 0; i < order.size(); ++i) {
    std::vector<TopicPartition>& mine = out[order[i]->member_id];
    std::erase_if(mine, [&](const TopicPartition& tp) {
      auto it = claims.find(tp);
      if (it == claims.end()) return false;
      return std::any_of(it->second.begin(), it->second.end(),
                         [&](size_t holder) { return holder != i; });
    });
  }
  return out;
}

}  // namespace brook::client
