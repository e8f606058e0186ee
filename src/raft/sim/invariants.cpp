#include "raft/sim/invariants.h"

#include <algorithm>
#include <functional>

#include "raft/conf_change.h"

namespace dispotify::raft::sim {
namespace {

Status violation(const std::string& what) {
  return make_error(Errc::internal, "invariant violated: " + what);
}

// FNV-style chaining of (term, type, data hash): cheap and order-sensitive.
size_t chain_step(size_t chain, const Entry& e) {
  const size_t fields[] = {e.term.value(), static_cast<size_t>(e.type), std::hash<std::string>{}(e.data)};
  for (const size_t field : fields) chain = (chain ^ field) * 1099511628211ULL;
  return chain;
}

std::string describe(const Entry& e) {
  return "{" + to_string(e.term) + ", " + to_string(e.index) + ", " + std::to_string(e.data.size()) +
         " bytes}";
}

}  // namespace

Status InvariantChecker::check(const std::vector<const RaftNode*>& nodes) {
  for (const RaftNode* node : nodes) DISPOTIFY_TRY(check_node(*node));
  return ok_status();
}

Status InvariantChecker::check_node(const RaftNode& node) {
  const NodeId id = node.id();
  const Term term = node.current_term();
  const LogIndex commit = node.log().commit_index();
  auto [it, inserted] = previous_.try_emplace(id, NodeRecord{term, commit, Term(), LogIndex()});
  NodeRecord& before = it->second;
  if (term < before.term) return violation(to_string(id) + " term went back to " + to_string(term));
  if (commit < before.commit) return violation(to_string(id) + " commit went back to " + to_string(commit));
  if (commit > node.log().last_index()) return violation(to_string(id) + " commit past its last index");
  if (node.role() == Role::leader) {
    const auto [leader, fresh] = leaders_.try_emplace(term, id);
    if (leader->second != id) {
      return violation("two leaders in " + to_string(term) + ": " + to_string(leader->second) + " and " +
                       to_string(id));
    }
  }
  DISPOTIFY_TRY(check_membership(node));
  const LogIndex from = inserted ? LogIndex(1) : before.commit + 1;
  DISPOTIFY_TRY(check_compaction_boundary(node));
  DISPOTIFY_TRY(check_committed_range(node, from, commit));
  before.term = term;
  before.commit = commit;
  return ok_status();
}

Status InvariantChecker::node_crashed(NodeId node, Term durable_term, LogIndex durable_commit) {
  const auto it = previous_.find(node);
  if (it == previous_.end()) return ok_status();
  NodeRecord& record = it->second;
  if (durable_term < record.durable_term || durable_commit < record.durable_commit) {
    return violation(to_string(node) + " durable term or commit went back");
  }
  if (durable_term > record.term || durable_commit > record.commit) {
    return violation(to_string(node) + " persisted a term or commit it never had");
  }
  record = NodeRecord{durable_term, durable_commit, durable_term, durable_commit};
  return ok_status();
}

// Entries a node compacted (or received in a snapshot) are no longer in its
// log; they must have been recorded as committed before, from some log.
Status InvariantChecker::check_compaction_boundary(const RaftNode& node) const {
  const LogIndex compacted = node.log().compacted_index();
  if (compacted.is_zero()) return ok_status();
  if (compacted.value() > committed_.size()) {
    return violation(to_string(node.id()) + " holds a snapshot up to " + to_string(compacted) +
                     ", beyond anything committed");
  }
  if (committed_[compacted.value() - 1].term != node.log().compacted_term()) {
    return violation(to_string(node.id()) + " compacted " + to_string(compacted) + " with the wrong term");
  }
  return ok_status();
}

void InvariantChecker::record_committed(const Entry& entry, Term term) {
  DISPOTIFY_CHECK(entry.index.value() == committed_.size() + 1);  // committed prefixes grow by appending
  committed_chain_.push_back(chain_step(committed_chain_.empty() ? 0 : committed_chain_.back(), entry));
  committed_.push_back(entry);
  committed_in_term_.push_back(term);
}

Status InvariantChecker::check_committed_range(const RaftNode& node, LogIndex from, LogIndex to) {
  for (LogIndex i = std::max(from, node.log().first_index()); i <= to; i = i + 1) {
    const Entry& entry = node.log().at(i);
    if (i.value() > committed_.size()) {
      record_committed(entry, node.current_term());
      if (entry.type == EntryType::config) DISPOTIFY_TRY(record_committed_conf(entry));
    } else if (const Entry& known = committed_[i.value() - 1]; !(known == entry)) {
      return violation(to_string(node.id()) + " committed " + describe(entry) + " where " + describe(known) +
                       " was committed");
    }
  }
  return ok_status();
}

Status InvariantChecker::check_full(const std::vector<const RaftNode*>& nodes) {
  DISPOTIFY_TRY(check(nodes));
  for (const RaftNode* node : nodes) {
    // Committed prefixes never change: compare them whole, not just the new part.
    DISPOTIFY_TRY(check_committed_range(*node, LogIndex(1), node->log().commit_index()));
    if (node->role() == Role::leader) DISPOTIFY_TRY(check_leader_completeness(*node));
    if (node->role() == Role::leader) DISPOTIFY_TRY(check_uncommitted_confs(*node));
  }
  return check_log_matching(nodes);
}

// Hashes each log as a chain; equal (index, term) must mean equal chains.
// A compacted prefix is committed (checked above), so its chain is the
// committed record's.
Status InvariantChecker::check_log_matching(const std::vector<const RaftNode*>& nodes) const {
  std::map<std::pair<LogIndex, Term>, std::pair<size_t, NodeId>> seen;
  for (const RaftNode* node : nodes) {
    const LogIndex compacted = node->log().compacted_index();
    DISPOTIFY_CHECK(compacted.value() <= committed_chain_.size());
    size_t chain = compacted.is_zero() ? 0 : committed_chain_[compacted.value() - 1];
    for (LogIndex i = node->log().first_index(); i <= node->log().last_index(); i = i + 1) {
      const Entry& e = node->log().at(i);
      chain = chain_step(chain, e);
      const auto [other, fresh] = seen.try_emplace({i, e.term}, chain, node->id());
      if (!fresh && other->second.first != chain) {
        return violation("Log Matching: " + to_string(node->id()) + " and " +
                         to_string(other->second.second) + " agree on the term at " + to_string(i) +
                         " but not on the entries before");
      }
    }
  }
  return ok_status();
}

Status InvariantChecker::check_leader_completeness(const RaftNode& leader) const {
  for (size_t i = 0; i < committed_.size(); ++i) {
    const Entry& entry = committed_[i];
    if (committed_in_term_[i] >= leader.current_term()) continue;  // committed after its election
    if (entry.index <= leader.log().compacted_index()) continue;   // in its snapshot (boundary checked)
    if (entry.index > leader.log().last_index() || !(leader.log().at(entry.index) == entry)) {
      return violation("Leader Completeness: leader " + to_string(leader.id()) + " of " +
                       to_string(leader.current_term()) + " lacks committed " + describe(entry));
    }
  }
  return ok_status();
}

Status InvariantChecker::check_applied(NodeId node, uint64_t applied_count, const Entry& entry) {
  if (entry.index != LogIndex(applied_count + 1)) {
    return violation(to_string(node) + " applied " + to_string(entry.index) + " out of order");
  }
  if (entry.index.value() > committed_.size()) {
    return violation(to_string(node) + " applied uncommitted " + describe(entry));
  }
  if (const Entry& known = committed_[entry.index.value() - 1]; !(known == entry)) {
    return violation(to_string(node) + " applied " + describe(entry) + " instead of " + describe(known));
  }
  return ok_status();
}

Status InvariantChecker::check_membership(const RaftNode& node) const {
  const ConfState conf = node.conf_state();
  if (const Status valid = validate_conf_state(conf); !valid.ok()) {
    return violation(to_string(node.id()) + " has an invalid configuration: " + valid.error().message);
  }
  if (node.role() == Role::leader && !is_voter_in(conf, node.id()) &&
      node.conf_index() <= node.log().commit_index()) {
    return violation("leader " + to_string(node.id()) + " is not a voter of its committed configuration");
  }
  if (node.role() == Role::candidate && !is_voter_in(conf, node.id()) &&
      node.conf_index() <= node.log().commit_index()) {
    return violation("candidate " + to_string(node.id()) + " is not a voter of its committed configuration");
  }
  return ok_status();
}

Status InvariantChecker::check_snapshot(NodeId node, const SnapshotMeta& meta,
                                        const std::vector<Entry>& state) const {
  if (state.size() != meta.index.value()) {
    return violation(to_string(node) + " snapshot at " + to_string(meta.index) + " holds " +
                     std::to_string(state.size()) + " entries");
  }
  if (state.size() > committed_.size()) {
    return violation(to_string(node) + " snapshot at " + to_string(meta.index) + " goes past the commits");
  }
  for (size_t i = 0; i < state.size(); ++i) {
    if (!(state[i] == committed_[i])) {
      return violation(to_string(node) + " snapshot holds " + describe(state[i]) + " where " +
                       describe(committed_[i]) + " was committed");
    }
  }
  if (!state.empty() && state.back().term != meta.term) {
    return violation(to_string(node) + " snapshot's last term disagrees with its meta");
  }
  return ok_status();
}

// Thesis §4.1: a leader starts a change only once the previous one committed.
Status InvariantChecker::check_uncommitted_confs(const RaftNode& leader) const {
  // A new leader may not know yet what was committed before it: count from
  // what anyone committed.
  const LogIndex committed = std::max(leader.log().commit_index(), LogIndex(committed_.size()));
  size_t uncommitted = 0;
  for (LogIndex i = committed + 1; i <= leader.log().last_index(); i = i + 1) {
    if (leader.log().at(i).type == EntryType::config) ++uncommitted;
  }
  if (uncommitted > 1) {
    return violation("leader " + to_string(leader.id()) + " has " + std::to_string(uncommitted) +
                     " uncommitted config entries");
  }
  return ok_status();
}

Status InvariantChecker::record_committed_conf(const Entry& entry) {
  const Result<ConfChangeEntry> decoded = decode_conf_change_entry(entry.data);
  if (!decoded.ok())
    return violation("committed config entry " + describe(entry) + ": " + decoded.error().message);
  const Result<ConfState> expected = apply_conf_change(committed_conf_, decoded->change);
  if (!expected.ok() || !(*expected == decoded->conf)) {
    return violation("committed config entry at " + to_string(entry.index) +
                     " is not one change away from the previous committed configuration");
  }
  committed_conf_ = decoded->conf;
  return ok_status();
}

}  // namespace dispotify::raft::sim
