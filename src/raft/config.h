// Static configuration of one Raft node.
#pragma once

#include <cstdint>
#include <vector>

#include "raft/snapshot.h"
#include "raft/state.h"
#include "raft/types.h"

namespace dispotify::raft {

struct Config {
  NodeId id;
  // The configuration before any config entry in the log (thesis §4.1: a
  // server uses the latest configuration in its log, whether committed or
  // not; this one only until its log has one). A brand-new cluster of one
  // is {voters = {id}}; a server that joins an existing cluster starts with
  // none and learns the membership from its leader's log. Servers that
  // bootstrap a cluster together must be given the same one.
  ConfState initial_conf;
  // A follower that hears no leader for a randomized timeout in
  // [election_timeout_ticks, 2 * election_timeout_ticks) starts an election
  // (§5.2); a CheckQuorum leader steps down after this long without a
  // majority (thesis §6.2).
  int64_t election_timeout_ticks = 10;
  int64_t heartbeat_interval_ticks = 1;  // must be well below the election timeout (§5.6)
  bool pre_vote = true;                  // thesis §9.6
  bool check_quorum = true;              // thesis §6.2 and §4.2.3
  // Seeds the election-timeout jitter; the core has no other randomness.
  uint64_t random_seed = 0;
  // The last index the state machine had applied before a restart; committed
  // entries after it are handed out again.
  LogIndex applied_index;
  // Size of the InstallSnapshot chunks this node's shell sends when it leads
  // (at most kSnapshotChunkBytesMax); tests use small chunks.
  uint64_t snapshot_chunk_bytes = kSnapshotChunkBytesMax;
};

}  // namespace dispotify::raft
