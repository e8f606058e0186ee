// Linearizable reads without writing to the log: ReadIndex (thesis §6.4).
//
// The leader (1) waits until it has committed an entry of its own term, (2)
// records its commit index as the read index, (3) confirms it is still the
// leader by a round of heartbeats acknowledged by a majority, after which
// (4) the caller may serve the read once it has applied up to the read
// index. A follower asks the leader for a read index (ReadIndexRequest) and
// serves the read itself (thesis §6.4, "followers could also help").
//
// Each read_index() call on the leader starts a new heartbeat round,
// numbered read_round_; heartbeats carry the latest round as read_context
// and followers echo it. A voter's acknowledgement of round r also confirms
// every earlier round: it answered a heartbeat sent after all of them were
// registered. The caller batches reads under one context, so rounds are few.
#include <algorithm>

#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

void RaftNode::read_index(uint64_t context) {
  if (role_ == Role::leader) {
    leader_read(context, config_.id);
  } else if (leader_id_.is_zero() || pending_reads_.size() >= kPendingReadsMax) {
    read_states_.push_back(ReadState{context, LogIndex(), false});  // nobody to ask, or too many
  } else {
    pending_reads_.push_back(PendingRead{
        .context = context,
        .requester = config_.id,
        .deadline_ticks = now_ticks_ + kReadTimeoutElectionsMax * config_.election_timeout_ticks});
    send(leader_id_, current_term_, ReadIndexRequest{context});
  }
  check_invariants();
}

void RaftNode::leader_read(uint64_t context, NodeId requester) {
  DISPOTIFY_CHECK(role_ == Role::leader);
  PendingRead read{.context = context,
                   .requester = requester,
                   .round = ++read_round_,
                   .deadline_ticks = now_ticks_ + kReadTimeoutElectionsMax * config_.election_timeout_ticks};
  if (pending_reads_.size() >= kPendingReadsMax) {
    finish_read(read, LogIndex(), false);
    return;
  }
  if (committed_in_current_term()) read.index = log_.commit_index();  // steps 1 and 2
  pending_reads_.push_back(read);
  for (auto& [peer, progress] : progress_) send_heartbeat(peer, progress);  // step 3
  advance_reads();                                                          // a single voter confirms itself
}

void RaftNode::handle_read_index_request(const Message& m, const ReadIndexRequest& request) {
  if (role_ == Role::leader) {
    leader_read(request.context, m.from);
  } else {
    // No longer (or not yet) the leader: say so rather than let it wait.
    send(m.from, current_term_, ReadIndexResponse{request.context, LogIndex(), false});
  }
}

// Follower: the leader answered one of our forwarded reads.
void RaftNode::handle_read_index_response(const ReadIndexResponse& response) {
  DISPOTIFY_CHECK(role_ != Role::leader);
  const auto it = std::find_if(pending_reads_.begin(), pending_reads_.end(),
                               [&](const PendingRead& read) { return read.context == response.context; });
  if (it == pending_reads_.end()) return;  // a duplicate, or it already expired
  read_states_.push_back(ReadState{response.context, response.index, response.ok});
  pending_reads_.erase(it);
}

void RaftNode::record_read_ack(Progress& progress, uint64_t round) {
  DISPOTIFY_CHECK_MSG(round <= read_round_, "read round acknowledged before it was started");
  if (round <= progress.read_round_acked) return;
  progress.read_round_acked = round;
  advance_reads();
}

// Answers, in order, every read that has its index and a confirmed round.
void RaftNode::advance_reads() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  if (committed_in_current_term()) {
    for (PendingRead& read : pending_reads_) {
      if (!read.index.has_value()) read.index = log_.commit_index();
    }
  }
  while (!pending_reads_.empty() && pending_reads_.front().index.has_value() &&
         read_confirmed(pending_reads_.front().round)) {
    const PendingRead read = pending_reads_.front();
    pending_reads_.pop_front();
    DISPOTIFY_CHECK(*read.index <= log_.commit_index());
    finish_read(read, *read.index, true);
  }
}

// Step 3: a majority of voters (us included, if we vote) acknowledged a
// heartbeat of this round or a later one.
bool RaftNode::read_confirmed(uint64_t round) const {
  size_t acks = is_voter(config_.id) ? 1 : 0;
  for (const auto& [peer, progress] : progress_) {
    if (is_voter(peer) && progress.read_round_acked >= round) ++acks;
  }
  return acks >= quorum_size();
}

void RaftNode::finish_read(const PendingRead& read, LogIndex index, bool ok) {
  if (read.requester == config_.id) {
    read_states_.push_back(ReadState{read.context, index, ok});
  } else {
    send(read.requester, current_term_, ReadIndexResponse{read.context, index, ok});
  }
}

// On any change of role or leader: a leader's unconfirmed reads can no
// longer be confirmed, and a follower's leader may never answer.
void RaftNode::fail_pending_reads() {
  for (const PendingRead& read : pending_reads_) finish_read(read, LogIndex(), false);
  pending_reads_.clear();
}

// Deadlines grow with the queue, so expired reads are at its front.
void RaftNode::expire_reads() {
  while (!pending_reads_.empty() && pending_reads_.front().deadline_ticks <= now_ticks_) {
    finish_read(pending_reads_.front(), LogIndex(), false);
    pending_reads_.pop_front();
  }
}

}  // namespace dispotify::raft
