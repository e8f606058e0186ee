// What a leader knows about one follower (Raft paper Figure 2: nextIndex,
// matchIndex) plus flow control, as in etcd's Progress:
//
// - probe: we do not know where the follower's log matches ours; send one
//   AppendEntries at a time and wait for its answer (or the next heartbeat).
// - replicate: the follower matched; stream entries optimistically, up to
//   kInflightAppendsMax AppendEntries in flight (pipelining, thesis §10.2.2).
// - snapshot: the follower needs entries we compacted; we send it our
//   snapshot in chunks (§7), up to kSnapshotChunksInflightMax in flight, and
//   resume at the offset it reports.
//
// Invariant: match < next <= leader's last index + 1.
#pragma once

#include <cstddef>
#include <cstdint>
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
  enum class State { probe, replicate, snapshot };

  LogIndex match;
  LogIndex next{1};
  State state = State::probe;
  bool probe_sent = false;         // probe: one append outstanding, wait
  std::deque<LogIndex> inflight;   // replicate: last index of each append in flight
  bool recent_active = false;      // heard from within this election timeout (CheckQuorum)
  bool active_last_round = false;  // recent_active when the last CheckQuorum round ended
  LogIndex match_at_last_heartbeat;
  int stalled_heartbeats = 0;
  uint64_t read_round_acked = 0;  // highest ReadIndex heartbeat round it answered (thesis §6.4)
  // snapshot: the index of the snapshot being sent, the offset the follower
  // reported it expects next, and the offset of the next chunk to send.
  LogIndex pending_snapshot;
  uint64_t snapshot_offset_acked = 0;
  uint64_t snapshot_offset_sent = 0;
  uint64_t snapshot_offset_at_last_heartbeat = 0;
  uint64_t snapshot_chunk_bytes = 0;  // every chunk but the last has this size
  static constexpr uint64_t kNoOffset = ~uint64_t{0};
  uint64_t snapshot_offset_resent_from = kNoOffset;  // the last offset we went back to

  bool is_paused() const;

  // A success response: returns whether match advanced.
  bool update_match(LogIndex index);
  void become_probe(LogIndex next_index);
  void become_replicate();
  // Starts (or restarts) sending the snapshot at `snapshot_index` from offset 0.
  void become_snapshot(LogIndex snapshot_index, uint64_t chunk_bytes);
  // The chunk at snapshot_offset_sent went out.
  void sent_snapshot_chunk();
  // The follower expects `next_offset`; `rejected` says the chunk it answers
  // was not the one it expected (a gap, or it restarted the transfer), so
  // sending resumes there (once per offset: see progress.cpp).
  void snapshot_acked(uint64_t next_offset, bool rejected);
  // No progress for a while: resend from the last confirmed offset.
  void snapshot_retry();
  // Records an append whose last entry is `last` (replicate: optimistic next).
  void sent_entries(LogIndex last);
  void check() const;

 private:
  void reset_state(State new_state);
};

}  // namespace dispotify::raft
