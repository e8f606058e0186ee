// Log compaction by snapshotting (Raft paper §7, thesis §5.1) and restarts
// from a snapshot. The caller owns the snapshot's bytes; the core keeps its
// meta, drops the log prefix it covers, and sends it to followers that need
// that prefix (snapshot_send.cpp).
#include <algorithm>

#include "base/check.h"
#include "raft/raft_node.h"

namespace dispotify::raft {

// Figure 13 rule 6, applied to a stored log (see snapshot.h).
std::vector<Entry> entries_after_snapshot(std::vector<Entry> log,
                                          const std::optional<SnapshotMeta>& snapshot) {
  if (!snapshot.has_value() || log.empty()) return log;
  DISPOTIFY_CHECK_MSG(!snapshot->index.is_zero() && !snapshot->term.is_zero(),
                      "a snapshot covers index >= 1");
  const LogIndex first = log.front().index;
  DISPOTIFY_CHECK_MSG(first <= snapshot->index + 1, "stored log starts at " + to_string(first) +
                                                        ", after the snapshot at " +
                                                        to_string(snapshot->index) + ": entries are missing");
  if (log.back().index <= snapshot->index) return {};
  if (first > snapshot->index) return log;               // starts right after it
  const size_t covered = (snapshot->index - first) + 1;  // entries at or below the snapshot index
  DISPOTIFY_CHECK_MSG(log[covered - 1].index == snapshot->index, "stored log is not contiguous");
  if (log[covered - 1].term != snapshot->term) return {};
  log.erase(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(covered));
  return log;
}

// Thesis §5.1: a snapshot carries the configuration as of its last index;
// a server that installs one adopts it, then the config entries its log
// kept after the snapshot (§7 rule 6) apply on top, as at a restart.
void RaftNode::restore_conf(const ConfState& conf, LogIndex conf_index) {
  const Status valid = validate_conf_state(conf);
  DISPOTIFY_CHECK_MSG(valid.ok(), "snapshot configuration: " + (valid.ok() ? "" : valid.error().message));
  base_conf_ = conf;
  conf_history_.clear();
  for (LogIndex i = std::max(log_.compacted_index(), conf_index) + 1; i <= log_.last_index(); i = i + 1) {
    if (log_.at(i).type == EntryType::config) track_conf_entries({log_.at(i)});
  }
  apply_conf();
}

SnapshotMeta RaftNode::snapshot_meta_at(LogIndex index) const {
  DISPOTIFY_CHECK_MSG(!index.is_zero() && index <= log_.applied_index(),
                      "a snapshot covers applied entries only: " + to_string(index));
  const std::optional<Term> term = log_.term_at(index);
  DISPOTIFY_CHECK_MSG(term.has_value(), "no term for " + to_string(index) + ": compacted already");
  return SnapshotMeta{index, *term, conf_at(index)};
}

void RaftNode::compact(const SnapshotMeta& meta, uint64_t trailing_entries_kept) {
  if (snapshot_.has_value() && meta.index <= snapshot_->index) return;  // an older snapshot: keep ours
  DISPOTIFY_CHECK_MSG(meta.index <= log_.applied_index(),
                      "snapshot of unapplied state: " + to_string(meta.index) + " > applied " +
                          to_string(log_.applied_index()));
  DISPOTIFY_CHECK_MSG(log_.term_at(meta.index) == meta.term, "snapshot meta disagrees with the log's term");
  DISPOTIFY_CHECK_MSG(meta.conf == conf_at(meta.index), "snapshot meta disagrees with the configuration");
  fold_confs_into_base(meta.index);
  snapshot_ = meta;
  log_.compact(meta.index, trailing_entries_kept);
  // A transfer of an older snapshot would install a state that lacks
  // entries we no longer hold; send the new one instead.
  for (auto& [peer, progress] : progress_) {
    if (progress.state == Progress::State::snapshot && progress.pending_snapshot < meta.index) {
      start_snapshot(peer);
    }
  }
  check_invariants();
}

}  // namespace dispotify::raft
