// Log replication (Raft paper §5.3), heartbeats (§5.2), CheckQuorum
// (thesis §6.2), flow control and pipelining (thesis §10.2.2), fast
// backtracking with the conflict term (end of §5.3, thesis §5.3.2 fn), and
// the switch to a snapshot when the entries a follower needs were
// compacted (§7; snapshot_send.cpp).
#include <algorithm>

#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

void RaftNode::tick_heartbeat() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  ++heartbeat_elapsed_ticks_;
  ++election_elapsed_ticks_;
  tick_transfer();
  if (election_elapsed_ticks_ >= config_.election_timeout_ticks) {
    election_elapsed_ticks_ = 0;
    // Thesis §6.2: a leader that has not heard from a majority for an
    // election timeout steps down, so clients on its side of a partition
    // stop waiting on it and it stops holding a lease it may have lost.
    if (config_.check_quorum && !quorum_active()) {
      become_follower(current_term_, kNoNode);
      return;
    }
  }
  if (heartbeat_elapsed_ticks_ >= config_.heartbeat_interval_ticks) {
    heartbeat_elapsed_ticks_ = 0;
    broadcast_heartbeat();
  }
}

// Counts who answered since the last check (ourselves included), then
// starts a new round.
bool RaftNode::quorum_active() {
  size_t active = is_voter(config_.id) ? 1 : 0;
  for (auto& [peer, progress] : progress_) {
    if (progress.recent_active && is_voter(peer)) ++active;  // learners do not count (thesis §4.2.1)
    progress.active_last_round = progress.recent_active;
    progress.recent_active = false;
  }
  return active >= quorum_size();
}

// A heartbeat is an empty AppendEntries anchored at the follower's match
// index, which it is known to hold: it always succeeds, so it carries the
// commit index safely (min(leader_commit, match)) and its answer unpauses a
// probe. A replicating follower that made no progress for a while has lost
// appends in flight: probe it again from its match index.
void RaftNode::broadcast_heartbeat() {
  for (auto& [peer, progress] : progress_) {
    if (progress.state == Progress::State::snapshot) {
      tick_snapshot_transfer(peer, progress);
    } else if (progress.state == Progress::State::replicate && !progress.inflight.empty() &&
               progress.match == progress.match_at_last_heartbeat) {
      if (++progress.stalled_heartbeats >= kStalledHeartbeatsMax) progress.become_probe(progress.match + 1);
    } else {
      progress.stalled_heartbeats = 0;
    }
    progress.match_at_last_heartbeat = progress.match;
    send_heartbeat(peer, progress);
  }
}

// Anchored at the match index; if that entry was compacted, at the
// compaction boundary instead: it is committed, so a follower that holds it
// matches there, and one that does not rejects, which starts a snapshot
// (handle_append_rejection) unless one is on its way already. While reads
// are pending every heartbeat carries the latest read round, so a lost one
// is made up for by the next (thesis §6.4).
void RaftNode::send_heartbeat(NodeId to, Progress& progress) {
  LogIndex anchor = progress.match;
  if (log_.is_compacted(anchor)) anchor = log_.compacted_index();
  const Term anchor_term = log_.term_at(anchor).value();
  const uint64_t read_context = pending_reads_.empty() ? 0 : read_round_;
  send(to, current_term_, AppendEntries{anchor, anchor_term, {}, log_.commit_index(), read_context});
}

void RaftNode::broadcast_append() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  for (const auto& entry : progress_) send_append(entry.first, /*send_if_empty=*/false);
}

// The new commit index reaches every follower now, not at the next
// heartbeat (as etcd's bcastAppend after maybeCommit): with new entries if
// it has room for them, else in a heartbeat anchored at its match index,
// which it always accepts. A follower applies, and answers the writes it
// forwarded, one round trip sooner.
void RaftNode::broadcast_commit() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  for (auto& [peer, progress] : progress_) {
    if (send_append(peer, /*send_if_empty=*/false)) continue;
    if (progress.state != Progress::State::snapshot) send_heartbeat(peer, progress);
  }
}

// Sends the follower its next batch, unless flow control pauses it.
bool RaftNode::send_append(NodeId to, bool send_if_empty) {
  Progress& progress = progress_.at(to);
  // A snapshot transfer sends chunks, not entries (snapshot_send.cpp).
  if (progress.state == Progress::State::snapshot || progress.is_paused()) return false;
  DISPOTIFY_CHECK(progress.next <= log_.last_index() + 1);
  const LogIndex prev_index = progress.next - 1;
  const std::optional<Term> prev_term = log_.term_at(prev_index);
  if (!prev_term.has_value()) {
    // §7: "the leader has already discarded the next log entry that it
    // needs to send to a follower": send it the snapshot instead.
    DISPOTIFY_CHECK(log_.is_compacted(prev_index));
    start_snapshot(to);
    return true;
  }
  std::vector<Entry> entries = log_.slice(progress.next, kAppendEntriesBatchMax);
  if (entries.empty() && !send_if_empty) return false;
  if (entries.empty()) {
    progress.probe_sent = progress.state == Progress::State::probe;
  } else {
    progress.sent_entries(entries.back().index);
  }
  send(to, current_term_, AppendEntries{prev_index, *prev_term, std::move(entries), log_.commit_index()});
  return true;
}

// AppendEntries receiver (Figure 2, rules 1–5); the term was checked by step().
void RaftNode::handle_append_entries(const Message& m, const AppendEntries& request) {
  DISPOTIFY_CHECK(role_ == Role::follower && leader_id_ == m.from);
  DISPOTIFY_CHECK(m.term == current_term_);
  if (request.prev_log_index < log_.commit_index()) {
    // Everything up to our commit index already matches the leader (Log
    // Matching, §5.3); an old, reordered append has nothing new for us.
    send(m.from, current_term_,
         AppendEntriesResponse{
             .success = true, .match_index = log_.commit_index(), .read_context = request.read_context});
    return;
  }
  const std::optional<LogIndex> matched =
      log_.maybe_append(request.prev_log_index, request.prev_log_term, request.entries);
  if (!matched.has_value()) {
    reject_append(m, request);
    return;
  }
  // Thesis §4.1: a configuration is in force once in the log, and a
  // truncated one is rolled back.
  forget_truncated_confs();
  track_conf_entries(request.entries);
  apply_conf();
  // Rule 5: commitIndex = min(leaderCommit, index of last new entry); only
  // what this message proved to match may be committed.
  log_.commit_to(std::min(request.leader_commit, *matched));
  send(m.from, current_term_,
       AppendEntriesResponse{.success = true, .match_index = *matched, .read_context = request.read_context});
}

void RaftNode::reject_append(const Message& m, const AppendEntries& request) {
  // Even a rejection acknowledges us as leader of this term (thesis §6.4).
  AppendEntriesResponse response{
      .success = false, .rejected_index = request.prev_log_index, .read_context = request.read_context};
  if (request.prev_log_index > log_.last_index()) {
    response.conflict_term = kNoTerm;  // our log is too short
    response.conflict_index = log_.last_index() + 1;
  } else {
    // Everything up to the commit index matches the leader (§5.4), and the
    // compaction boundary is at or below it.
    DISPOTIFY_CHECK_MSG(request.prev_log_index > log_.compacted_index(),
                        "the leader disagrees with a compacted, committed entry");
    response.conflict_term = log_.at(request.prev_log_index).term;
    // Entries up to our commit index match the leader's, so skip no further back.
    response.conflict_index =
        std::max(log_.first_index_of_term_at(request.prev_log_index), log_.commit_index() + 1);
  }
  DISPOTIFY_CHECK(response.conflict_index > log_.commit_index());
  send(m.from, current_term_, response);
}

void RaftNode::handle_append_response(const Message& m, const AppendEntriesResponse& response) {
  DISPOTIFY_CHECK(role_ == Role::leader);
  const auto it = progress_.find(m.from);
  if (it == progress_.end()) return;  // from a server we removed
  Progress& progress = it->second;
  progress.recent_active = true;
  record_read_ack(progress, response.read_context);
  if (!response.success) {
    // During a snapshot transfer, rejections answer heartbeats anchored
    // below what the follower lacks; the snapshot will settle it.
    if (progress.state != Progress::State::snapshot) handle_append_rejection(m.from, progress, response);
    return;
  }
  DISPOTIFY_CHECK_MSG(response.match_index <= log_.last_index(), "follower matched past our log");
  const bool advanced = progress.update_match(response.match_index);
  if (progress.state == Progress::State::snapshot && !log_.is_compacted(progress.match)) {
    progress.become_probe(progress.match + 1);  // it caught up otherwise: entries suffice again
  }
  if (progress.state == Progress::State::probe) {
    progress.probe_sent = false;  // the probe (or a heartbeat) was answered
    if (advanced || progress.match + 1 == progress.next) progress.become_replicate();
  }
  if (advanced && maybe_commit()) broadcast_commit();
  // A commit ends replication to a server whose removal it commits
  // (membership.cpp); `progress` may be gone.
  if (!progress_.contains(m.from)) return;
  // Pipelining: keep the follower's window full.
  while (send_append(m.from, /*send_if_empty=*/false)) {
  }
  if (m.from == transfer_target_) maybe_send_timeout_now();
}

// The follower's log did not match at rejected_index. Jump next back using
// the conflict hint, then probe one append at a time (§5.3).
void RaftNode::handle_append_rejection(NodeId from, Progress& progress,
                                       const AppendEntriesResponse& response) {
  if (response.rejected_index.is_zero() && response.conflict_index.is_zero()) return;  // stale-term reply
  if (response.rejected_index > progress.match && response.rejected_index <= log_.compacted_index()) {
    // It lacks an entry at or below our compaction boundary (typically a
    // heartbeat anchored there): whatever it agrees with lies in the
    // compacted prefix, so only a snapshot can bring it forward (§7).
    start_snapshot(from);
    return;
  }
  const bool stale = progress.state == Progress::State::replicate
                         ? response.rejected_index <= progress.match
                         : response.rejected_index + 1 != progress.next;
  if (stale) return;  // a duplicate or reordered answer to an append we already moved past
  LogIndex next = response.conflict_index;
  if (!response.conflict_term.is_zero()) {
    // If we have entries of the follower's conflicting term, its log may
    // match ours up to our last one of that term.
    if (const std::optional<LogIndex> last = log_.last_index_of_term(response.conflict_term))
      next = *last + 1;
  }
  next = std::max(progress.match + 1, std::min(next, response.rejected_index));
  progress.become_probe(next);
  send_append(from, /*send_if_empty=*/true);
}

}  // namespace dispotify::raft
