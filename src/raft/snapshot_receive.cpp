// Follower side of InstallSnapshot (Raft paper §7, Figure 13; thesis §5.3),
// one chunk at a time. Chunks are accepted only in order; the caller writes
// each one to a partial file through Ready (raft_node.h, step 1a) before the
// answer that acknowledges it is sent, so an acknowledged offset is durable.
// A chunk out of order (a loss, a duplicate, a reordering, or our restart)
// is answered with the offset we expect. On the last chunk the log is reset
// to the snapshot and Ready carries it for the caller to install.
#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

void RaftNode::handle_install_snapshot(const Message& m, const InstallSnapshot& request) {
  DISPOTIFY_CHECK(role_ == Role::follower && leader_id_ == m.from && m.term == current_term_);
  const SnapshotMeta& meta = request.meta;
  DISPOTIFY_CHECK_MSG(!meta.index.is_zero() && !meta.term.is_zero(), "a snapshot covers index >= 1");
  DISPOTIFY_CHECK_MSG(request.data.size() <= kSnapshotChunkBytesMax, "oversized snapshot chunk");
  DISPOTIFY_CHECK_MSG(request.done || !request.data.empty(), "an empty snapshot chunk that is not the last");
  if (meta.index <= log_.commit_index()) {
    // Our log already holds (committed) everything the snapshot covers:
    // nothing to transfer, and replacing the log would lose entries.
    reply_snapshot(m.from, meta.index, 0, /*rejected=*/false, /*installed=*/true);
    return;
  }
  const bool same = receiving_.has_value() && receiving_->meta == meta && receiving_->from == m.from &&
                    receiving_->term == m.term;
  if (!same) {
    const bool older = receiving_.has_value() && receiving_->from == m.from && receiving_->term == m.term &&
                       meta.index < receiving_->meta.index;
    if (older) return;  // a leader never goes back to an older snapshot: a stale message
    if (request.offset != 0) {
      reply_snapshot(m.from, meta.index, 0, /*rejected=*/true, /*installed=*/false);  // start over
      return;
    }
    receiving_ = SnapshotReceive{meta, m.from, m.term, 0};
  }
  if (request.offset != receiving_->next_offset) {
    reply_snapshot(m.from, meta.index, receiving_->next_offset, /*rejected=*/true, /*installed=*/false);
    return;
  }
  // The caller is behind on ready(): the leader resends after a stall.
  if (snapshot_chunks_.size() >= kReadySnapshotChunksMax) return;
  accept_snapshot_chunk(m, request);
}

void RaftNode::accept_snapshot_chunk(const Message& m, const InstallSnapshot& request) {
  DISPOTIFY_CHECK(receiving_.has_value() && request.offset == receiving_->next_offset);
  snapshot_chunks_.push_back(SnapshotChunk{request.meta, request.offset, request.data, request.done});
  receiving_->next_offset += request.data.size();
  if (!request.done) {
    reply_snapshot(m.from, request.meta.index, receiving_->next_offset, /*rejected=*/false,
                   /*installed=*/false);
    return;
  }
  install_snapshot(request.meta);
  // Sent with the Ready that carries the snapshot: only after it is durable.
  reply_snapshot(m.from, request.meta.index, 0, /*rejected=*/false, /*installed=*/true);
}

// §7 receiver rules 6–8: keep the entries after the snapshot if our log
// agrees at its index, otherwise discard the log; the snapshot is committed
// and becomes the state machine's state.
void RaftNode::install_snapshot(const SnapshotMeta& meta) {
  DISPOTIFY_CHECK(meta.index > log_.commit_index());
  log_.restore(meta.index, meta.term);
  restore_conf(meta.conf, meta.index);
  snapshot_ = meta;
  installed_snapshot_ = meta;
  receiving_.reset();
  if (ready_outstanding_) restored_since_ready_ = true;
}

void RaftNode::reply_snapshot(NodeId to, LogIndex index, uint64_t next_offset, bool rejected,
                              bool installed) {
  DISPOTIFY_CHECK(!(rejected && installed));
  send(
      to, current_term_,
      InstallSnapshotResponse{
          .snapshot_index = index, .next_offset = next_offset, .installed = installed, .rejected = rejected});
}

}  // namespace dispotify::raft
