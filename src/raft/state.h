// State that outlives a process: the hard state every server persists
// (Raft paper Figure 2), the cluster configuration (thesis §4) and what a
// snapshot covers (§7, thesis §5).
#pragma once

#include <vector>

#include "raft/types.h"

namespace dispotify::raft {

// Persistent state on all servers (Figure 2) plus the commit index, so a
// restart need not re-learn what is committed.
struct HardState {
  Term current_term;
  NodeId voted_for;
  LogIndex commit_index;
  friend bool operator==(const HardState&, const HardState&) = default;
};

// The membership: voters decide elections and commits; learners receive the
// log but do not vote (thesis §4.2.1: new servers join as non-voting members
// until they have caught up). Both sorted, disjoint.
struct ConfState {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  friend bool operator==(const ConfState&, const ConfState&) = default;
};

// A snapshot replaces the log prefix up to and including `index`; `conf` is
// the configuration in force at that index (thesis §5.1).
struct SnapshotMeta {
  LogIndex index;
  Term term;
  ConfState conf;
  friend bool operator==(const SnapshotMeta&, const SnapshotMeta&) = default;
};

}  // namespace dispotify::raft
