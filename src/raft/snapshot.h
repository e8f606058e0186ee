// Snapshots (Raft paper §7, thesis §5): what the core and its shell exchange
// about them, and their limits. The shell owns the snapshot bytes (its state
// machine's data); the core only knows SnapshotMeta and moves chunks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/message.h"
#include "raft/state.h"

namespace dispotify::raft {

// Largest InstallSnapshot chunk: big enough that a transfer is not
// dominated by round trips, small enough to bound a message and the memory
// a Ready can hold. Config::snapshot_chunk_bytes may choose less.
inline constexpr uint64_t kSnapshotChunkBytesMax = uint64_t{1} << 20;  // 1 MiB
// Chunks a leader keeps in flight to one follower (pipelining, thesis
// §10.2.2, applied to snapshots): bounds bandwidth and memory per follower.
inline constexpr uint64_t kSnapshotChunksInflightMax = 4;
// Received chunks a follower holds for one Ready; beyond that it ignores
// chunks (the leader resends them after a stall), so a shell that is slow
// to call ready() cannot make the core buffer without bound.
inline constexpr size_t kReadySnapshotChunksMax = 2 * kSnapshotChunksInflightMax;
// compact() keeps this many entries below the snapshot index by default, so
// a follower lagging by a few entries still gets entries, not a snapshot.
inline constexpr uint64_t kCompactionTrailingEntriesKept = 64;

// A received chunk that the follower's shell must write (see Ready in
// raft_node.h): `data` belongs at `offset` of the partial file for `meta`;
// `done` marks the last chunk.
struct SnapshotChunk {
  SnapshotMeta meta;
  uint64_t offset = 0;
  std::string data;
  bool done = false;
  friend bool operator==(const SnapshotChunk&, const SnapshotChunk&) = default;
};

// The part of a stored log that follows `snapshot`, as a restart sees it.
// The stored log may still hold entries the snapshot covers (deleted
// lazily), and a crash while installing a received snapshot can leave an
// older log behind it. §7 receiver rule 6 decides what survives: entries
// after the snapshot's index are kept only if the log holds that index with
// the snapshot's term (or starts right after it); otherwise they belong to
// another history and the whole log goes. Aborts if entries are missing
// between the snapshot and the log.
std::vector<Entry> entries_after_snapshot(std::vector<Entry> log,
                                          const std::optional<SnapshotMeta>& snapshot);

}  // namespace dispotify::raft
