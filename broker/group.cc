// broker/group.cc
#include "broker/group.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace brook::broker {

std::string_view GroupStateName(GroupState state) {
  switch (state) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kPreparingRebalance: return "PreparingRebalance";
    case GroupState::kCompletingRebalance: return "CompletingRebalance";
    case GroupState::kStable: return "Stable";
    case GroupState::kDead: return "Dead";
  }
  return "Dead";
}

std::string Member::MetadataFor(const std::string& protocol) const {
  for (const auto& p : protocols) {
    if (p.name == protocol) return p.metadata;
  }
  return std::string();
}

bool Member::Matches(const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& other) const {
  return protocols == other;
}

Member* Group::Find(const std::string& member_id) {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

Member& Group::Add(Member member) {
  if (members_.empty()) protocol_type_ = member.protocol_type;
  if (leader_.empty()) leader_ = member.id;
  if (member.instance_id) static_members_[*member.instance_id] = member.id;
  join_order_.push_back(member.id);
  std::string id = member.id;
  return members_.insert_or_assign(id, std::move(member)).first->second;
}

void Group::Remove(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  if (it->second.instance_id) {
    auto s = static_members_.find(*it->second.instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  members_.erase(it);
  join_order_.erase(std::remove(join_order_.begin(), join_order_.end(), member_id),
                    join_order_.end());
  if (leader_ == member_id) leader_ = join_order_.empty() ? std::string() : join_order_.front();
}

std::optional<std::string> Group::StaticMember(const std::string& instance_id) const {
  auto it = static_members_.find(instance_id);
  if (it == static_members_.end()) return std::nullopt;
  return it->second;
}

bool Group::IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                                 const std::string& member_id) const {
  if (!instance_id) return false;
  std::optional<std::string> current = StaticMember(*instance_id);
  return current && *current != member_id;
}

void Group::ReplaceStaticMember(const std::string& instance_id, const std::string& old_id,
                                const std::string& new_id) {
  auto it = members_.find(old_id);
  if (it == members_.end()) return;
  Member member = std::move(it->second);
  members_.erase(it);
  member.id = new_id;
  members_.emplace(new_id, std::move(member));
  std::replace(join_order_.begin(), join_order_.end(), old_id, new_id);
  static_members_[instance_id] = new_id;
  if (leader_ == old_id) leader_ = new_id;
}

bool Group::SupportsProtocols(
    const std::string& protocol_type,
    const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& p) const {
  if (members_.empty()) return !protocol_type.empty() && !p.empty();
  if (!protocol_type_ || *protocol_type_ != protocol_type) return false;
  for (const auto& candidate : p) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const auto& m) {
      return std::any_of(m.second.protocols.begin(), m.second.protocols.end(),
                         [&](const auto& q) { return q.name == candidate.name; });
    });
    if (everyone) return true;
  }
  return false;
}

std::optional<std::string> Group::SelectProtocol() const {
  if (members_.empty()) return std::nullopt;
  // Candidates: supported by every member.
  std::set<std::string> candidates;
  const Member& first = members_.at(join_order_.front());
  for (const auto& p : first.protocols) candidates.insert(p.name);
  for (const auto& [id, m] : members_) {
    std::set<std::string> mine;
    for (const auto& p : m.protocols) mine.insert(p.name);
    std::set<std::string> both;
    std::set_intersection(candidates.begin(), candidates.end(), mine.begin(), mine.end(),
                          std::inserter(both, both.end()));
    candidates = std::move(both);
  }
  if (candidates.empty()) return std::nullopt;
  // Each member votes for its first supported candidate; ties go to the
  // oldest member's preference.
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      if (candidates.count(p.name)) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::optional<std::string> best;
  int best_votes = -1;
  for (const auto& p : first.protocols) {
    if (!candidates.count(p.name)) continue;
    if (votes[p.name] > best_votes) {
      best = p.name;
      best_votes = votes[p.name];
    }
  }
  return best;
}

bool Group::HasAllMembersJoined() const {
  if (!pending_members_.empty()) return false;
  return std::all_of(members_.begin(), members_.end(),
                     [](const auto& m) { return m.second.awaiting_join != nullptr; });
}

bool Group::HasPendingTxnOffset(const TopicPartition& tp) const {
  return std::any_of(pending_txn_offsets_.begin(), pending_txn_offsets_.end(),
                     [&tp](const auto& entry) { return entry.second.count(tp) != 0; });
}

bool Group::CompleteTxn(int64_t producer_id, int64_t marker_offset, TxnResult result) {
  auto it = pending_txn_offsets_.find(producer_id);
  if (it == pending_txn_offsets_.end()) return false;
  PendingOffsets& pending = it->second;
  for (auto p = pending.begin(); p != pending.end();) {
    if (p->second.record_offset >= marker_offset) {
      ++p;  // written after this marker: the producer's next transaction
      continue;
    }
    if (result == TxnResult::kCommit) {
      auto committed = offsets_.find(p->first);
      if (committed == offsets_.end() ||
          committed->second.record_offset < p->second.record_offset) {
        offsets_[p->first] = std::move(p->second);
      }
    }
    p = pending.erase(p);
  }
  if (!pending.empty()) return true;
  pending_txn_offsets_.erase(it);
  return false;
}

void Group::RemoveOffset(const TopicPartition& tp) {
  offsets_.erase(tp);
  for (auto it = pending_txn_offsets_.begin(); it != pending_txn_offsets_.end();) {
    it->second.erase(tp);
    it = it->second.empty() ? pending_txn_offsets_.erase(it) : std::next(it);
  }
}

}  // namespace brook::broker
