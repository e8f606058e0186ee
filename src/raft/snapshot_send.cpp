// Leader side of InstallSnapshot (Raft paper §7, thesis §5.3): "the leader
// must occasionally send snapshots to followers that lag behind", when "the
// leader has already discarded the next log entry that it needs to send".
//
// The core decides which chunk goes out (offset) and how many are in
// flight; the caller fills in the bytes when it sends (raft_node.h, step 2).
// The follower's answer says where it expects the next chunk, so a lost
// chunk is resent from there and a follower that lost its partial file (a
// restart) starts again from 0. A transfer that makes no progress for
// kStalledHeartbeatsMax heartbeats is resumed from the last offset the
// follower confirmed.
#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

void RaftNode::start_snapshot(NodeId to) {
  DISPOTIFY_CHECK(role_ == Role::leader);
  DISPOTIFY_CHECK_MSG(snapshot_.has_value(), "the log was compacted without a snapshot");
  DISPOTIFY_CHECK(snapshot_->index >= log_.compacted_index());
  progress_.at(to).become_snapshot(snapshot_->index, config_.snapshot_chunk_bytes);
  send_snapshot_chunks(to);
}

// Fills the window: at most kSnapshotChunksInflightMax chunks in flight.
void RaftNode::send_snapshot_chunks(NodeId to) {
  Progress& progress = progress_.at(to);
  DISPOTIFY_CHECK(progress.state == Progress::State::snapshot);
  DISPOTIFY_CHECK_MSG(progress.pending_snapshot == snapshot_->index, "sending a snapshot we no longer have");
  uint64_t sent = 0;
  while (!progress.is_paused()) {
    // Data and done are the caller's to fill: it owns the file (raft_node.h).
    send(to, current_term_, InstallSnapshot{*snapshot_, progress.snapshot_offset_sent, {}, false});
    progress.sent_snapshot_chunk();
    DISPOTIFY_CHECK(++sent <= kSnapshotChunksInflightMax);
  }
}

// Called on every heartbeat of a follower in snapshot state.
void RaftNode::tick_snapshot_transfer(NodeId to, Progress& progress) {
  DISPOTIFY_CHECK(progress.state == Progress::State::snapshot);
  if (progress.snapshot_offset_acked != progress.snapshot_offset_at_last_heartbeat) {
    progress.snapshot_offset_at_last_heartbeat = progress.snapshot_offset_acked;
    progress.stalled_heartbeats = 0;
    return;
  }
  if (++progress.stalled_heartbeats < kStalledHeartbeatsMax) return;
  // Chunks or their answers were lost (or the last answer, "installed", is
  // still to come after the follower's fsync): resend from what it confirmed.
  progress.snapshot_retry();
  send_snapshot_chunks(to);
}

void RaftNode::handle_snapshot_response(const Message& m, const InstallSnapshotResponse& response) {
  DISPOTIFY_CHECK(role_ == Role::leader);
  const auto it = progress_.find(m.from);
  if (it == progress_.end()) return;  // from a server we removed
  Progress& progress = it->second;
  progress.recent_active = true;
  if (response.installed) {
    snapshot_installed(m.from, progress, response.snapshot_index);
    return;
  }
  const bool current =
      progress.state == Progress::State::snapshot && response.snapshot_index == progress.pending_snapshot;
  if (!current) return;  // about a transfer we have abandoned, or a stale-term reply
  progress.snapshot_acked(response.next_offset, response.rejected);
  send_snapshot_chunks(m.from);
}

// The follower's state now includes everything up to `index` (it installed
// the snapshot, or already had it committed): replicate entries after it.
void RaftNode::snapshot_installed(NodeId from, Progress& progress, LogIndex index) {
  DISPOTIFY_CHECK_MSG(!index.is_zero() && index <= log_.commit_index(),
                      "a follower installed a snapshot we never committed: " + to_string(index));
  (void)progress.update_match(index);                       // at most our commit index: commits nothing new
  if (progress.state != Progress::State::snapshot) return;  // a late duplicate
  progress.become_probe(progress.match + 1);
  // An older snapshot than ours may still leave it short of our log: then
  // send_append starts over with the current snapshot.
  send_append(from, /*send_if_empty=*/true);
}

}  // namespace dispotify::raft
