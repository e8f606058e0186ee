// RaftNode: construction, input dispatch by term and role, proposals, and
// the Ready/advance cycle. The protocol procedures live in election.cpp,
// replication.cpp, commit.cpp, snapshot.cpp, snapshot_send.cpp and
// snapshot_receive.cpp.
#include "raft/raft_node.h"

#include <algorithm>

#include "base/check.h"

namespace dispotify::raft {

const char* role_name(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::pre_candidate: return "pre_candidate";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

RaftNode::RaftNode(Config config, HardState hard_state, std::vector<Entry> log,
                   std::optional<SnapshotMeta> snapshot)
    : config_(std::move(config)),
      log_(entries_after_snapshot(std::move(log), snapshot), hard_state.commit_index, config_.applied_index,
           snapshot.has_value() ? snapshot->index : LogIndex(),
           snapshot.has_value() ? snapshot->term : kNoTerm),
      rng_(config_.random_seed),
      current_term_(hard_state.current_term),
      voted_for_(hard_state.voted_for),
      last_ready_hard_state_(hard_state),
      snapshot_(std::move(snapshot)) {
  DISPOTIFY_CHECK_MSG(
      config_.snapshot_chunk_bytes > 0 && config_.snapshot_chunk_bytes <= kSnapshotChunkBytesMax,
      "snapshot chunks must hold 1 byte to kSnapshotChunkBytesMax");
  DISPOTIFY_CHECK_MSG(!config_.id.is_zero(), "node id 0 is reserved for 'no node'");
  DISPOTIFY_CHECK(config_.election_timeout_ticks > 0);
  DISPOTIFY_CHECK_MSG(config_.heartbeat_interval_ticks > 0 &&
                          config_.heartbeat_interval_ticks < config_.election_timeout_ticks,
                      "heartbeats must come more often than elections (§5.6)");
  const Status initial_valid = validate_conf_state(config_.initial_conf);
  DISPOTIFY_CHECK_MSG(initial_valid.ok(), "initial_conf: " + initial_valid.error().message);
  // Thesis §4.1: the latest configuration in the log is in force; before
  // the log's first config entry, the snapshot's (thesis §5.1).
  if (snapshot_.has_value()) {
    restore_conf(snapshot_->conf, snapshot_->index);
  } else {
    restore_conf(config_.initial_conf, LogIndex());
  }
  // Ready step 1 stores the hard state after the entries (and a received
  // snapshot), so a crash in between can leave entries of a term the stored
  // hard state does not have yet. We held that term (nothing of a later term
  // is accepted without adopting it first, §5.1), and never sent a vote in
  // it: a vote leaves only after the Ready that records it is stored. Adopt
  // it with no vote, or a campaign at an older term would append after
  // entries of a newer one (terms must not go back along the log, §5.3).
  if (log_.last_term() > current_term_) {
    current_term_ = log_.last_term();
    voted_for_ = kNoNode;
  }
  become_follower(current_term_, kNoNode);
}

void RaftNode::tick() {
  ++now_ticks_;
  expire_reads();
  switch (role_) {
    case Role::leader: tick_heartbeat(); break;
    case Role::follower:
    case Role::pre_candidate:
    case Role::candidate: tick_election(); break;
  }
  check_invariants();
}

void RaftNode::step(const Message& m) {
  DISPOTIFY_CHECK_MSG(m.to == config_.id,
                      "message for " + to_string(m.to) + " stepped into " + to_string(id()));
  // Senders need not be members we know of (thesis §4.1: servers process
  // requests without consulting their configuration): a joining server
  // hears from a leader before its log holds the configuration.
  DISPOTIFY_CHECK_MSG(m.from != config_.id && !m.from.is_zero(), "message from " + to_string(m.from));
  if (m.term > current_term_) {
    if (!step_higher_term(m)) return;
  } else if (m.term < current_term_) {
    step_lower_term(m);
    return;
  }
  if (const auto* request = std::get_if<RequestVote>(&m.payload)) {
    handle_request_vote(m, *request);
  } else if (const auto* read_request = std::get_if<ReadIndexRequest>(&m.payload)) {
    handle_read_index_request(m, *read_request);
  } else if (const auto* read_response = std::get_if<ReadIndexResponse>(&m.payload)) {
    // A leader failed its forwarded reads when it last changed role.
    if (role_ != Role::leader) handle_read_index_response(*read_response);
  } else {
    switch (role_) {
      case Role::leader:
        step_leader(m);
        maybe_step_down_removed();
        break;
      case Role::pre_candidate:
      case Role::candidate: step_candidate(m); break;
      case Role::follower: step_follower(m); break;
    }
  }
  check_invariants();
}

// §5.1: a larger term makes us a follower of that term, with three
// exceptions that keep a partitioned node from disrupting a healthy cluster.
// Returns whether to go on processing `m`.
bool RaftNode::step_higher_term(const Message& m) {
  const auto* vote = std::get_if<RequestVote>(&m.payload);
  if (vote != nullptr) {
    // Thesis §4.2.3: while we hear from a leader, ignore anyone who wants
    // to replace it; with CheckQuorum that leader really has a majority.
    // A transfer (thesis §3.10) was asked for by that leader itself.
    const bool in_lease = config_.check_quorum && !leader_id_.is_zero() &&
                          election_elapsed_ticks_ < config_.election_timeout_ticks;
    if (in_lease && !vote->transfer) return false;
    if (vote->pre_vote) return true;  // a PreVote never changes our term (thesis §9.6)
  }
  const auto* vote_response = std::get_if<RequestVoteResponse>(&m.payload);
  if (vote_response != nullptr && vote_response->pre_vote && vote_response->granted) {
    return true;  // it carries the term we asked about, not the voter's term
  }
  const bool from_leader =
      std::holds_alternative<AppendEntries>(m.payload) || std::holds_alternative<InstallSnapshot>(m.payload);
  become_follower(m.term, from_leader ? m.from : kNoNode);
  return true;
}

// §5.1: a request with a stale term is rejected. Answering a stale leader
// lets it learn our term and step down; answering a stale PreVote lets a
// node that was partitioned catch up on the term without disrupting anyone.
// With neither CheckQuorum nor PreVote a voter with a higher term disrupts
// the cluster by campaigning anyway (as in etcd); a learner never
// campaigns, so it must answer or it would never rejoin at the leader's term.
void RaftNode::step_lower_term(const Message& m) {
  const bool answer_stale_leader = config_.check_quorum || config_.pre_vote || !may_campaign();
  if (answer_stale_leader && std::holds_alternative<AppendEntries>(m.payload)) {
    send(m.from, current_term_, AppendEntriesResponse{.success = false});
  } else if ((config_.check_quorum || config_.pre_vote) &&
             std::holds_alternative<InstallSnapshot>(m.payload)) {
    send(m.from, current_term_,
         InstallSnapshotResponse{.rejected = true});  // snapshot_index 0: never pending
  } else if (const auto* vote = std::get_if<RequestVote>(&m.payload); vote != nullptr && vote->pre_vote) {
    send(m.from, current_term_, RequestVoteResponse{.granted = false, .pre_vote = true});
  }
}

void RaftNode::step_leader(const Message& m) {
  if (const auto* response = std::get_if<AppendEntriesResponse>(&m.payload)) {
    handle_append_response(m, *response);
    return;
  }
  if (const auto* response = std::get_if<InstallSnapshotResponse>(&m.payload)) {
    handle_snapshot_response(m, *response);
    return;
  }
  // Election Safety (§5.2): one leader per term. Another node's append at
  // our own term means two leaders: the protocol is broken.
  DISPOTIFY_CHECK_MSG(!std::holds_alternative<AppendEntries>(m.payload) &&
                          !std::holds_alternative<InstallSnapshot>(m.payload),
                      "two leaders in " + to_string(current_term_) + ": " + to_string(m.from));
  // Late vote responses: the election is over.
}

void RaftNode::step_candidate(const Message& m) {
  if (const auto* request = std::get_if<AppendEntries>(&m.payload)) {
    // §5.2: a candidate that hears from a leader of its term returns to follower.
    become_follower(current_term_, m.from);
    handle_append_entries(m, *request);
  } else if (const auto* chunk = std::get_if<InstallSnapshot>(&m.payload)) {
    become_follower(current_term_, m.from);
    handle_install_snapshot(m, *chunk);
  } else if (const auto* response = std::get_if<RequestVoteResponse>(&m.payload)) {
    handle_vote_response(m, *response);
  }
}

void RaftNode::step_follower(const Message& m) {
  if (std::holds_alternative<TimeoutNow>(m.payload)) {
    handle_timeout_now(m);
    return;
  }
  const auto* append = std::get_if<AppendEntries>(&m.payload);
  const auto* chunk = std::get_if<InstallSnapshot>(&m.payload);
  if (append == nullptr && chunk == nullptr) return;  // late answers to an earlier role
  DISPOTIFY_CHECK_MSG(leader_id_.is_zero() || leader_id_ == m.from,
                      "two leaders in " + to_string(current_term_));
  leader_id_ = m.from;
  election_elapsed_ticks_ = 0;
  if (append != nullptr) {
    handle_append_entries(m, *append);
  } else {
    handle_install_snapshot(m, *chunk);
  }
}

Result<LogIndex> RaftNode::propose(std::string data) {
  if (role_ != Role::leader) {
    return make_error(Errc::unavailable, "not leader; leader hint: " + std::to_string(leader_id_.value()));
  }
  if (!transfer_target_.is_zero()) {
    return make_error(Errc::unavailable, "leadership transfer in progress; leader hint: " +
                                             std::to_string(transfer_target_.value()));
  }
  if (log_.last_index() - log_.commit_index() >= kUncommittedEntriesMax) {
    return make_error(Errc::unavailable, "too many uncommitted entries; retry later");
  }
  const LogIndex index = log_.last_index() + 1;
  log_.append(Entry{current_term_, index, EntryType::normal, std::move(data)});
  broadcast_append();
  maybe_commit();  // a cluster of one commits at once
  check_invariants();
  return index;
}

bool RaftNode::has_ready() const {
  return hard_state() != last_ready_hard_state_ || log_.stable_index() < log_.last_index() ||
         !messages_.empty() || log_.applied_index() < log_.commit_index() || !read_states_.empty() ||
         !snapshot_chunks_.empty() || installed_snapshot_.has_value();
}

Ready RaftNode::ready() {
  DISPOTIFY_CHECK_MSG(!ready_outstanding_, "ready() called twice without advance()");
  Ready ready;
  if (hard_state() != last_ready_hard_state_) ready.hard_state = hard_state();
  ready.entries = log_.unstable_entries();
  ready.messages = std::move(messages_);
  messages_.clear();
  ready.committed_entries = log_.committed_to_apply(kReadyCommittedEntriesMax);
  ready.read_states = std::move(read_states_);
  read_states_.clear();
  ready.snapshot_chunks = std::move(snapshot_chunks_);
  snapshot_chunks_.clear();
  ready.snapshot = std::move(installed_snapshot_);
  installed_snapshot_.reset();
  DISPOTIFY_CHECK(!ready.snapshot.has_value() || ready.snapshot->index == log_.compacted_index());
  DISPOTIFY_CHECK(!ready.snapshot.has_value() ||
                  ready.entries.size() == log_.last_index() - log_.compacted_index());
  ready_outstanding_ = true;
  restored_since_ready_ = false;
  return ready;
}

void RaftNode::advance(const Ready& ready) {
  DISPOTIFY_CHECK_MSG(ready_outstanding_, "advance() without ready()");
  ready_outstanding_ = false;
  if (ready.hard_state.has_value()) last_ready_hard_state_ = *ready.hard_state;
  // A snapshot installed since ready() replaced the log and the applied
  // index; the next Ready rewrites the stored log from the snapshot on.
  if (restored_since_ready_) return;
  // The entries are stored up to the last one our log still holds with the
  // same term (a truncation since ready() may have replaced later ones; by
  // Log Matching everything before it agrees too).
  for (auto it = ready.entries.rbegin(); it != ready.entries.rend(); ++it) {
    if (log_.term_at(it->index) == it->term) {
      log_.stable_to(it->index, it->term);
      break;
    }
  }
  if (!ready.committed_entries.empty()) log_.applied_to(ready.committed_entries.back().index);
}

const Progress& RaftNode::progress(NodeId peer) const {
  DISPOTIFY_CHECK(role_ == Role::leader);
  const auto it = progress_.find(peer);
  DISPOTIFY_CHECK(it != progress_.end());
  return it->second;
}

void RaftNode::send(NodeId to, Term term, Payload payload) {
  DISPOTIFY_CHECK(to != config_.id && !to.is_zero());
  messages_.push_back(Message{config_.id, to, term, std::move(payload)});
}

void RaftNode::check_invariants() const {
  DISPOTIFY_CHECK(log_.commit_index() <= log_.last_index());
  // Whatever the log dropped, a snapshot covers (§7).
  DISPOTIFY_CHECK(log_.compacted_index().is_zero() ||
                  (snapshot_.has_value() && snapshot_->index >= log_.compacted_index()));
  DISPOTIFY_CHECK(!snapshot_.has_value() || snapshot_->index <= log_.applied_index());
  DISPOTIFY_CHECK(role_ != Role::leader || leader_id_ == config_.id);
  DISPOTIFY_CHECK(role_ != Role::candidate || voted_for_ == config_.id);
  DISPOTIFY_CHECK(role_ == Role::leader || progress_.empty());
  // A leader tracks every other member (thesis §4.2.1: learners too) and
  // servers whose removal is not committed yet (§4.2.2, membership.cpp).
  DISPOTIFY_CHECK(role_ != Role::leader || progress_.size() == replication_targets().size());
  // Only voters campaign (one that an uncommitted entry removes too, §4.2.2).
  DISPOTIFY_CHECK((role_ != Role::candidate && role_ != Role::pre_candidate) || may_campaign());
  DISPOTIFY_CHECK(conf_history_.empty() || conf_history_.back().index <= log_.last_index());
  DISPOTIFY_CHECK(conf_history_.empty() || !snapshot_.has_value() ||
                  conf_history_.front().index > snapshot_->index);
  DISPOTIFY_CHECK(role_ != Role::leader || log_.last_term() == current_term_);  // the no-op (§5.4.2)
  DISPOTIFY_CHECK(log_.last_term() <= current_term_);
  DISPOTIFY_CHECK(election_elapsed_ticks_ >= 0 && heartbeat_elapsed_ticks_ >= 0);
  DISPOTIFY_CHECK(pending_reads_.size() <= kPendingReadsMax);
  DISPOTIFY_CHECK(transfer_target_.is_zero() ||
                  (role_ == Role::leader && progress_.contains(transfer_target_)));
  DISPOTIFY_CHECK(transfer_elapsed_ticks_ >= 0 && transfer_elapsed_ticks_ < config_.election_timeout_ticks);
  DISPOTIFY_CHECK(role_ == Role::leader || role_ == Role::follower || pending_reads_.empty());
  DISPOTIFY_CHECK(pending_reads_.empty() || role_ == Role::leader || !leader_id_.is_zero());
}

}  // namespace dispotify::raft
