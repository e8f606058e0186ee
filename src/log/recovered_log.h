// What LogStore::open() hands to the Raft shell after a restart.
#pragma once

#include <vector>

#include "raft/message.h"
#include "raft/state.h"

namespace dispotify::raftlog {

// Invariants (checked by open()):
// - entries hold compacted_index + 1 .. last, contiguous, terms >= 1 and
//   non-decreasing, the first term >= compacted_term;
// - hard_state.commit_index <= last index (compacted_index + entries.size()).
//
// Not an invariant: commit_index >= compacted_index. reset() (a snapshot
// installed from the leader) moves the compaction point past the stored
// commit index, and a crash before the next save() keeps that older commit
// index. Everything up to compacted_index is covered by a snapshot and
// hence committed, so the effective commit index after a restart is
// max(hard_state.commit_index, compacted_index).
struct RecoveredLog {
  raft::HardState hard_state;        // zero if none stored yet
  raft::LogIndex compacted_index;    // entries <= this were compacted away (0 if none)
  raft::Term compacted_term;         // term of the entry at compacted_index (0 if none)
  std::vector<raft::Entry> entries;  // compacted_index+1 .. last, contiguous

  raft::LogIndex last_index() const { return compacted_index + entries.size(); }
  friend bool operator==(const RecoveredLog&, const RecoveredLog&) = default;
};

}  // namespace dispotify::raftlog
