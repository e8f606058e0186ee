// Advancing the leader's commit index (Raft paper §5.3, §5.4.2).
#include <algorithm>
#include <functional>

#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

// An entry is committed once a majority stores it, but a leader only counts
// replicas of entries from its own term (§5.4.2, Figure 8): an older entry
// stored on a majority can still be overwritten by a future leader. Earlier
// entries become committed indirectly, by Log Matching. Returns whether the
// commit index advanced.
bool RaftNode::maybe_commit() {
  DISPOTIFY_CHECK(role_ == Role::leader);
  // Only voters count (learners do not, thesis §4.2.1), and the leader only
  // while it is one (a leader removing itself, thesis §4.2.2).
  std::vector<LogIndex> matches;
  matches.reserve(conf_.voters.size());
  for (const NodeId voter : conf_.voters) {
    matches.push_back(voter == config_.id ? log_.last_index() : progress_.at(voter).match);
  }
  DISPOTIFY_CHECK_MSG(!matches.empty(), "a configuration without voters cannot commit");
  std::sort(matches.begin(), matches.end(), std::greater<>());
  const LogIndex quorum_match = matches[quorum_size() - 1];  // held by a majority
  if (quorum_match <= log_.commit_index()) return false;
  if (log_.term_at(quorum_match) != current_term_) return false;  // §5.4.2
  const LogIndex previous_commit = log_.commit_index();
  log_.commit_to(quorum_match);
  // A committed removal ends replication to the removed server (membership.cpp).
  if (conf_index() > previous_commit) sync_progress_with_conf();
  advance_reads();  // reads waiting for a commit in our term (thesis §6.4)
  return true;
}

// Thesis §6.4 step 1: until a leader has committed an entry of its own term
// it may not know the latest commit index (its no-op settles that).
bool RaftNode::committed_in_current_term() const {
  return log_.term_at(log_.commit_index()) == current_term_;
}

}  // namespace dispotify::raft
