// Leader election (Raft paper §5.2, §5.4.1), PreVote (thesis §9.6) and the
// role transitions. Each become_*() checks that the transition is legal:
//
//   follower -> pre_candidate -> candidate -> leader
//       ^            |              |           |
//       +------------+--------------+-----------+   (higher term, or lost)
#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

void RaftNode::tick_election() {
  DISPOTIFY_CHECK(role_ != Role::leader);
  ++election_elapsed_ticks_;
  if (election_elapsed_ticks_ < randomized_election_timeout_ticks_) return;
  if (!may_campaign()) {
    // Learners and servers outside the configuration do not campaign. The
    // timer stays expired, so that this server is out of its leader lease
    // (thesis §4.2.3) and answers the votes of a configuration in which it
    // may already be a voter without knowing it.
    election_elapsed_ticks_ = randomized_election_timeout_ticks_;
    return;
  }
  election_elapsed_ticks_ = 0;
  // §5.2: no leader heard from, start an election.
  campaign(config_.pre_vote ? Campaign::pre_vote : Campaign::election);
}

void RaftNode::campaign(Campaign kind) {
  const bool pre_vote = kind == Campaign::pre_vote;
  if (pre_vote) {
    become_pre_candidate();
  } else {
    become_candidate(kind == Campaign::transfer);
  }
  // A PreVote asks about the term a real election would use, without
  // adopting it: a node that cannot win never inflates the term.
  const Term election_term = pre_vote ? next_term(current_term_) : current_term_;
  votes_[config_.id] = true;  // §5.2: a candidate votes for itself
  if (count_votes(true) >= quorum_size()) {
    // A cluster of one: we are the majority.
    if (pre_vote) {
      campaign(Campaign::election);
    } else {
      become_leader();
    }
    return;
  }
  for (const NodeId peer : conf_.voters) {
    if (peer == config_.id) continue;
    send(peer, election_term,
         RequestVote{log_.last_index(), log_.last_term(), pre_vote, kind == Campaign::transfer});
  }
}

// RequestVote receiver (Figure 2): grant if we have not voted for anyone
// else this term and the candidate's log is at least as up-to-date as ours
// (§5.4.1). A PreVote for a later term is granted on the log alone.
void RaftNode::handle_request_vote(const Message& m, const RequestVote& request) {
  DISPOTIFY_CHECK(m.term >= current_term_);
  const bool can_vote = voted_for_ == m.from || (voted_for_.is_zero() && leader_id_.is_zero()) ||
                        (request.pre_vote && m.term > current_term_);
  const bool granted = can_vote && log_.is_up_to_date(request.last_log_index, request.last_log_term);
  if (granted && !request.pre_vote) {
    DISPOTIFY_CHECK(m.term == current_term_);
    DISPOTIFY_CHECK(role_ == Role::follower || role_ == Role::pre_candidate);
    voted_for_ = m.from;          // persisted through Ready before the reply is sent
    election_elapsed_ticks_ = 0;  // §5.2: granting a vote resets the election timer
  }
  // A granted PreVote answers at the term asked about, so the pre-candidate
  // can tell it from a stale one; a refusal carries our term.
  const Term reply_term = request.pre_vote && granted ? m.term : current_term_;
  send(m.from, reply_term, RequestVoteResponse{granted, request.pre_vote});
}

void RaftNode::handle_vote_response(const Message& m, const RequestVoteResponse& response) {
  DISPOTIFY_CHECK(role_ == Role::candidate || role_ == Role::pre_candidate);
  const bool pre_campaign = role_ == Role::pre_candidate;
  if (response.pre_vote != pre_campaign) return;  // from the other kind of election
  if (pre_campaign && response.granted && m.term != next_term(current_term_)) return;  // stale
  votes_.emplace(m.from, response.granted);  // the first answer counts; duplicates do not
  if (count_votes(true) >= quorum_size()) {
    if (pre_campaign) {
      campaign(Campaign::election);  // thesis §9.6: a majority would vote for us; run for real
    } else {
      become_leader();
    }
  } else if (count_votes(false) >= quorum_size()) {
    become_follower(current_term_, kNoNode);  // lost; wait for the next timeout
  }
}

size_t RaftNode::count_votes(bool granted) const {
  size_t count = 0;
  for (const auto& [voter, vote] : votes_) {
    if (is_voter(voter) && vote == granted) ++count;  // only our configuration's voters count
  }
  return count;
}

// Clears the per-role state; a new term forgets the vote (Figure 2).
void RaftNode::reset(Term term) {
  DISPOTIFY_CHECK_MSG(term >= current_term_, "term goes back: " + to_string(term));
  fail_pending_reads();  // answered at the old term, to whoever still follows it
  if (term != current_term_) {
    current_term_ = term;
    voted_for_ = kNoNode;
  }
  leader_id_ = kNoNode;
  election_elapsed_ticks_ = 0;
  heartbeat_elapsed_ticks_ = 0;
  // §5.2: randomized timeouts make split votes rare.
  randomized_election_timeout_ticks_ =
      config_.election_timeout_ticks +
      static_cast<int64_t>(rng_.uniform(static_cast<uint64_t>(config_.election_timeout_ticks)));
  votes_.clear();
  progress_.clear();
  transfer_target_ = kNoNode;
  transfer_elapsed_ticks_ = 0;
}

void RaftNode::become_follower(Term term, NodeId leader) {
  DISPOTIFY_CHECK_MSG(!(role_ == Role::leader && term == current_term_ && leader != kNoNode),
                      "a leader cannot follow another leader of its own term");
  reset(term);
  role_ = Role::follower;
  leader_id_ = leader;
}

void RaftNode::become_pre_candidate() {
  DISPOTIFY_CHECK_MSG(role_ != Role::leader, "leader -> pre_candidate is not a legal transition");
  DISPOTIFY_CHECK(config_.pre_vote);
  // Keeps term and vote: nothing persistent changes until a real election.
  fail_pending_reads();
  votes_.clear();
  progress_.clear();
  leader_id_ = kNoNode;
  role_ = Role::pre_candidate;
}

// A transfer skips PreVote (thesis §3.10): the leader vouched for us.
void RaftNode::become_candidate(bool transfer) {
  DISPOTIFY_CHECK_MSG(role_ != Role::leader, "leader -> candidate is not a legal transition");
  DISPOTIFY_CHECK(role_ == Role::pre_candidate || !config_.pre_vote || transfer);
  DISPOTIFY_CHECK(!transfer || role_ == Role::follower);
  reset(next_term(current_term_));  // §5.2: increment currentTerm
  voted_for_ = config_.id;
  role_ = Role::candidate;
}

void RaftNode::become_leader() {
  DISPOTIFY_CHECK_MSG(role_ == Role::candidate, "only a candidate can become leader");
  DISPOTIFY_CHECK(may_campaign());
  DISPOTIFY_CHECK(count_votes(true) >= quorum_size());
  const Term term = current_term_;
  reset(term);
  role_ = Role::leader;
  leader_id_ = config_.id;
  sync_progress_with_conf();  // Figure 2: next = leader's last index + 1
  // §5.4.2 / thesis §6.4: a leader commits entries of earlier terms only by
  // committing one of its own, so it appends a no-op right away.
  log_.append(Entry{term, log_.last_index() + 1, EntryType::noop, {}});
  broadcast_append();
  maybe_commit();
}

}  // namespace dispotify::raft
