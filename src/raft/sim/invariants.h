// The safety properties of Raft (Raft paper Figure 3), checked across a
// whole simulated cluster after every step, in the style of LogCabin's
// RaftConsensusInvariants: compare the state with the previous check and
// with a global record of everything ever committed.
//
//   Election Safety      at most one leader per term
//   Monotonicity         a node's term and commit index never go back, even
//                        across restarts; commit <= last index
//   State Machine Safety an index, once committed anywhere, holds the same
//                        entry in every node's committed prefix and in every
//                        applied sequence; a snapshot (a state machine's
//                        applied sequence, §7) is a prefix of the committed
//                        sequence, and a log's compaction boundary agrees
//                        with it
//   Log Matching         two logs with the same term at an index agree on
//                        every entry up to it (full checks only)
//   Leader Completeness  a leader elected after an entry was committed holds
//                        it (full checks only)
//   Serial membership    each committed configuration is the one before it
//                        plus exactly its change (thesis §4.1); a leader has
//                        at most one uncommitted config entry (full checks);
//                        a leader outside its configuration is one whose
//                        removal is not committed yet (thesis §4.2.2)
//
// Violations are returned, not aborted on, so the simulator can print the
// seed that replays them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/raft_node.h"

namespace dispotify::raft::sim {

class InvariantChecker {
 public:
  // `initial_conf`: the configuration the cluster was bootstrapped with.
  explicit InvariantChecker(ConfState initial_conf = {}) : committed_conf_(std::move(initial_conf)) {}

  // Cheap checks; `nodes` are the running nodes (crashed ones are absent).
  Status check(const std::vector<const RaftNode*>& nodes);
  // Adds Log Matching and Leader Completeness over the whole logs.
  Status check_full(const std::vector<const RaftNode*>& nodes);
  // A node's state machine applied `entry` as its next entry; `applied_count`
  // is how many it had applied before (state machines restart empty).
  Status check_applied(NodeId node, uint64_t applied_count, const Entry& entry);
  // A node crashed; its durable term and commit index (hard state, or the
  // snapshot's index) are what it restarts from. A crash while persisting
  // may lose a newer hard state that nothing outside the node ever saw (no
  // message leaves before its Ready is persisted), so the record goes back
  // to the durable values; those must never go back.
  Status node_crashed(NodeId node, Term durable_term, LogIndex durable_commit);
  // A node's state machine was reset to `state`, the contents of the
  // snapshot `meta` (installed, or loaded on restart).
  Status check_snapshot(NodeId node, const SnapshotMeta& meta, const std::vector<Entry>& state) const;

  // Every entry ever committed anywhere, at position index - 1 (committed
  // entries form a prefix of the log, so the record does too).
  const std::vector<Entry>& committed() const { return committed_; }
  // The configuration of the last committed config entry (or the initial one).
  const ConfState& committed_conf() const { return committed_conf_; }

 private:
  struct NodeRecord {
    Term term;
    LogIndex commit;
    Term durable_term;
    LogIndex durable_commit;
  };
  Status check_node(const RaftNode& node);
  Status check_committed_range(const RaftNode& node, LogIndex from, LogIndex to);
  Status check_compaction_boundary(const RaftNode& node) const;
  void record_committed(const Entry& entry, Term term);
  Status check_log_matching(const std::vector<const RaftNode*>& nodes) const;
  Status check_leader_completeness(const RaftNode& leader) const;
  Status check_membership(const RaftNode& node) const;
  Status check_uncommitted_confs(const RaftNode& leader) const;
  Status record_committed_conf(const Entry& entry);

  std::map<NodeId, NodeRecord> previous_;
  std::map<Term, NodeId> leaders_;
  std::vector<Entry> committed_;         // State Machine Safety record
  std::vector<Term> committed_in_term_;  // term of the first node seen committing each
  ConfState committed_conf_;
  std::vector<size_t> committed_chain_;  // Log Matching chain hash of committed_ up to each index
};

}  // namespace dispotify::raft::sim
