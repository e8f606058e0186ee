// Membership changes (thesis §4.1, one server at a time), learners (thesis
// §4.2.1) and a leader removing itself (thesis §4.2.2).
//
// Every server uses the latest configuration in its log, committed or not
// (thesis §4.1). So the configuration changes when a config entry is
// appended and goes back when a truncation removes it. conf_history_ holds
// every config entry after the latest snapshot, on top of base_conf_ (the
// snapshot's configuration, thesis §5.1): the ones a truncation can still
// roll back and the ones a snapshot at an applied index may need to record.
#include <algorithm>
#include <set>

#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

Result<LogIndex> RaftNode::propose_conf_change(ConfChange change) {
  DISPOTIFY_TRY(check_conf_change_allowed(change));
  Result<ConfState> next = apply_conf_change(conf_, change);
  if (!next.ok()) return std::move(next).error();
  const LogIndex index = log_.last_index() + 1;
  std::string data = encode_conf_change_entry(ConfChangeEntry{change, *next});
  log_.append(Entry{current_term_, index, EntryType::config, std::move(data)});
  conf_history_.push_back(ConfRecord{index, current_term_, std::move(*next)});
  apply_conf();
  if (change.type == ConfChange::Type::add_learner) {
    progress_.at(change.node).become_probe(index);  // start with the entry that adds it
  }
  broadcast_append();
  maybe_commit();  // a cluster of one voter commits at once
  check_invariants();
  return index;
}

Status RaftNode::check_conf_change_allowed(const ConfChange& change) const {
  if (role_ != Role::leader) {
    return make_error(Errc::unavailable, "not leader; leader hint: " + std::to_string(leader_id_.value()));
  }
  if (!transfer_target_.is_zero()) return make_error(Errc::unavailable, "leadership transfer in progress");
  // One change at a time (thesis §4.1): the next starts from a committed
  // configuration, so any two consecutive ones share a majority.
  if (conf_index() > log_.commit_index()) {
    return make_error(Errc::unavailable, "another configuration change is not committed yet");
  }
  // A new leader first commits an entry of its term (its no-op): otherwise a
  // change it makes could overlap with an uncommitted one of an earlier
  // leader that a future leader resurrects (Ongaro, raft-dev, 2015: the
  // single-server change bug; the fix is this rule).
  if (!committed_in_current_term()) {
    return make_error(Errc::unavailable, "no entry of this term committed yet; retry shortly");
  }
  if (log_.last_index() - log_.commit_index() >= kUncommittedEntriesMax) {
    return make_error(Errc::unavailable, "too many uncommitted entries; retry later");
  }
  if (change.type == ConfChange::Type::promote && is_learner_in(conf_, change.node)) {
    // Thesis §4.2.1: a server that votes before it has caught up can stall
    // commits for as long as it takes to catch up.
    const LogIndex match = progress_.at(change.node).match;
    if (log_.last_index() - match > kLearnerCatchUpEntriesMax) {
      return make_error(Errc::unavailable, to_string(change.node) + " has not caught up yet (" +
                                               to_string(match) + " of " + to_string(log_.last_index()) +
                                               ")");
    }
  }
  return ok_status();
}

// Voters campaign; so does a voter that its latest configuration removes
// while that is not committed (thesis §4.2.2: "a server that is not part of
// its own latest configuration should still start new elections, as it
// might still be needed until the Cnew entry is committed"; Figure 4.6). It
// does not count its own vote. Learners and joining servers never do.
bool RaftNode::may_campaign() const {
  if (is_voter(config_.id)) return true;
  if (conf_index() <= log_.commit_index()) return false;
  const ConfState& previous =
      conf_history_.size() >= 2 ? conf_history_[conf_history_.size() - 2].conf : base_conf_;
  return is_voter_in(previous, config_.id);
}

// Records the config entries among `entries`, all now in the log. An entry
// already recorded (a duplicate append) is skipped.
void RaftNode::track_conf_entries(const std::vector<Entry>& entries) {
  for (const Entry& entry : entries) {
    if (entry.type != EntryType::config) continue;
    DISPOTIFY_CHECK(log_.term_at(entry.index) == entry.term);
    if (!conf_history_.empty() && conf_history_.back().index >= entry.index) continue;
    Result<ConfChangeEntry> decoded = decode_conf_change_entry(entry.data);
    // Entries reach the log only from a leader that encoded them, and the
    // storage layer checks them on reading: garbage here is a bug.
    DISPOTIFY_CHECK_MSG(decoded.ok(), "config entry at " + to_string(entry.index) + ": " +
                                          (decoded.ok() ? "" : decoded.error().message));
    conf_history_.push_back(ConfRecord{entry.index, entry.term, std::move(decoded->conf)});
  }
}

// A record whose entry is gone or was replaced (another term at its index,
// Log Matching §5.3) was truncated: roll it back.
void RaftNode::forget_truncated_confs() {
  while (!conf_history_.empty() && log_.term_at(conf_history_.back().index) != conf_history_.back().term) {
    DISPOTIFY_CHECK_MSG(conf_history_.back().index > log_.commit_index(),
                        "a committed config entry was truncated");
    conf_history_.pop_back();
  }
}

ConfState RaftNode::conf_at(LogIndex index) const {
  DISPOTIFY_CHECK_MSG(!snapshot_.has_value() || index >= snapshot_->index,
                      "configuration at " + to_string(index) + " is below the snapshot");
  const ConfState* conf = &base_conf_;
  for (const ConfRecord& record : conf_history_) {
    if (record.index <= index) conf = &record.conf;
  }
  return *conf;
}

void RaftNode::fold_confs_into_base(LogIndex index) {
  base_conf_ = conf_at(index);
  std::erase_if(conf_history_, [&](const ConfRecord& record) { return record.index <= index; });
}

void RaftNode::apply_conf() {
  conf_ = conf_history_.empty() ? base_conf_ : conf_history_.back().conf;
  DISPOTIFY_CHECK(validate_conf_state(conf_).ok());
  if (role_ == Role::leader) sync_progress_with_conf();
}

// Leader: the servers to replicate to. Every member of the configuration
// in force, and also every member of the committed configuration and of
// the uncommitted ones after it: a voter that an uncommitted entry removes
// "might still be needed until the Cnew entry is committed" (thesis §4.2.2,
// Figure 4.6), and until then it keeps hearing from the leader. Otherwise
// it stops receiving heartbeats the moment Cnew is appended, times out and
// campaigns at ever higher terms (thesis §4.2.3); without PreVote and
// CheckQuorum that deposes the leader again and again, and if committing
// Cnew needs a follower that catches up slowly (a snapshot transfer longer
// than an election timeout) Cnew never commits: a livelock (fuzz seed 1211).
// Sending to a non-member is safe: commits, elections, CheckQuorum and reads
// count only the voters of the configuration in force.
std::set<NodeId> RaftNode::replication_targets() const {
  std::set<NodeId> targets;
  const auto add = [&](const ConfState& conf) {
    targets.insert(conf.voters.begin(), conf.voters.end());
    targets.insert(conf.learners.begin(), conf.learners.end());
  };
  add(conf_);
  add(conf_at(log_.commit_index()));  // at or after the snapshot: commit >= applied >= snapshot
  for (const ConfRecord& record : conf_history_) {
    if (record.index > log_.commit_index()) add(record.conf);
  }
  targets.erase(config_.id);
  return targets;
}

// Leader: a Progress for every replication target, none for anyone else.
// Runs when the configuration changes and when a config entry commits (a
// removed server then stops being a target).
void RaftNode::sync_progress_with_conf() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  const std::set<NodeId> targets = replication_targets();
  for (auto it = progress_.begin(); it != progress_.end();) {
    if (targets.contains(it->first)) {
      ++it;
      continue;
    }
    // Its removal just committed. A last heartbeat tells it so if it holds
    // the removing entry (commit = min(leader commit, match)): it then knows
    // it is out and never campaigns (may_campaign). If that heartbeat is
    // lost it may campaign and, without CheckQuorum, disrupt; the shell shuts
    // removed servers down (thesis §4.2.3).
    send_heartbeat(it->first, it->second);
    it = progress_.erase(it);
  }
  for (const NodeId target : targets) {
    if (progress_.contains(target)) continue;
    Progress& progress = progress_[target];
    progress.next = log_.last_index() + 1;  // Figure 2; a probe backtracks from there
    progress.recent_active = true;          // a full election timeout before CheckQuorum counts it
  }
  if (!transfer_target_.is_zero() && !is_voter(transfer_target_)) transfer_target_ = kNoNode;
}

// Thesis §4.2.2: a leader that is not in the new configuration steps down
// once that configuration is committed; until then it manages the cluster
// without counting itself.
void RaftNode::maybe_step_down_removed() {
  if (role_ != Role::leader || is_voter(config_.id)) return;
  if (conf_index() > log_.commit_index()) return;
  become_follower(current_term_, kNoNode);
}

std::vector<PeerProgress> RaftNode::peer_progress() const {
  std::vector<PeerProgress> out;
  for (const auto& [peer, progress] : progress_) {
    out.push_back(PeerProgress{peer, is_learner_in(conf_, peer), progress.match, progress.next,
                               progress.state, progress.recent_active || progress.active_last_round});
  }
  return out;
}

}  // namespace dispotify::raft
