// What a leader knows about one follower (Raft paper Figure 2: nextIndex,
// matchIndex) plus flow control, as in etcd's Progress:
//
// - probe: we do not know where the follower's log matches ours; send one
//   AppendEntries at a time and wait for its answer (or the next heartbeat).
// - replicate: the follower matched; stream entries optimistically, up to
//   kInflightAppendsMax AppendEntries in flight (pipelining, thesis §10.2.2).
//
// Invariant: match < next <= leader's last index + 1.
#pragma once

#include <cstddef>
#include <deque>

#include "raft/types.h"

namespace dispotify::raft {

// Bounds the memory and bandwidth a slow follower can make the leader spend.
inline constexpr size_t kInflightAppendsMax = 8;
// A replicating follower whose match index has not moved for this many
// heartbeats while appends are in flight is assumed to have lost them
// (the network drops messages) and is probed again from its match index.
inline constexpr int kStalledHeartbeatsMax = 3;

struct Progress {
  enum class State { probe, replicate };

  LogIndex match;
  LogIndex next{1};
  State state = State::probe;
  bool probe_sent = false;        // probe: one append outstanding, wait
  std::deque<LogIndex> inflight;  // replicate: last index of each append in flight
  bool recent_active = false;     // heard from within this election timeout (CheckQuorum)
  LogIndex match_at_last_heartbeat;
  int stalled_heartbeats = 0;
  uint64_t read_round_acked = 0;  // highest ReadIndex heartbeat round it answered (thesis §6.4)

  bool is_paused() const {
    return state == State::probe ? probe_sent : inflight.size() >= kInflightAppendsMax;
  }

  // A success response: returns whether match advanced.
  bool update_match(LogIndex index);
  void become_probe(LogIndex next_index);
  void become_replicate();
  // Records an append whose last entry is `last` (replicate: optimistic next).
  void sent_entries(LogIndex last);
  void check() const;
};

}  // namespace dispotify::raft
