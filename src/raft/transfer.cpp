// Leadership transfer (thesis §3.10): the leader stops taking proposals,
// brings the target's log up to date, then tells it to start an election
// at once (TimeoutNow). The target campaigns without PreVote, and its
// RequestVote carries `transfer` so that voters who still hear from the
// leader do not ignore it (their lease, thesis §4.2.3, protects the leader
// that asked for this). The target's log is as up to date as the leader's,
// so it wins unless something fails; then the leader gives up after an
// election timeout and takes proposals again.
#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

Status RaftNode::transfer_leadership(NodeId target) {
  if (role_ != Role::leader) {
    return make_error(Errc::unavailable, "not leader; leader hint: " + std::to_string(leader_id_.value()));
  }
  if (target == config_.id) return make_error(Errc::invalid_argument, "already the leader");
  if (!is_voter(target)) return make_error(Errc::invalid_argument, to_string(target) + " is not a voter");
  DISPOTIFY_CHECK(progress_.contains(target));
  transfer_target_ = target;  // a new request replaces an earlier one, with a fresh timeout
  transfer_elapsed_ticks_ = 0;
  send_append(target, /*send_if_empty=*/false);  // step 2: catch it up (no-op if paused or current)
  maybe_send_timeout_now();
  check_invariants();
  return ok_status();
}

// Step 3: once the target holds our whole log. Sent again on every answer
// while it still does, in case a TimeoutNow is lost; a late duplicate finds
// the target at a higher term and is ignored.
void RaftNode::maybe_send_timeout_now() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  if (transfer_target_.is_zero()) return;
  if (progress_.at(transfer_target_).match != log_.last_index()) return;
  send(transfer_target_, current_term_, TimeoutNow{});
}

// Step 4 would be the leader stepping down on the target's higher term; if
// nothing happened within an election timeout, give up.
void RaftNode::tick_transfer() {
  if (transfer_target_.is_zero()) return;
  if (++transfer_elapsed_ticks_ < config_.election_timeout_ticks) return;
  transfer_target_ = kNoNode;
  transfer_elapsed_ticks_ = 0;
}

void RaftNode::handle_timeout_now(const Message& m) {
  DISPOTIFY_CHECK(role_ == Role::follower && m.term == current_term_);
  // At our term only its one leader can send this (Election Safety, §5.2).
  DISPOTIFY_CHECK(leader_id_.is_zero() || leader_id_ == m.from);
  if (!is_voter(config_.id)) return;  // learners never campaign (thesis §4.2.1)
  campaign(Campaign::transfer);
}

}  // namespace dispotify::raft
