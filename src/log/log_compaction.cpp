// LogStore: compaction after a local snapshot, and reset for a snapshot
// from the leader. Both commit by atomically replacing DIR/meta, whose
// first_live_sequence declares older segments dead; the files are deleted
// afterwards, and open() deletes any a crash left behind.
#include <unistd.h>

#include "base/fs.h"
#include "base/log.h"
#include "log/file_io.h"
#include "log/log_recovery.h"
#include "log/log_store.h"

namespace dispotify::raftlog {

Status LogStore::compact(raft::LogIndex index, raft::Term term) {
  DISPOTIFY_TRY(check_usable());
  if (index <= compacted_index_) return {};
  DISPOTIFY_CHECK_MSG(index <= last_index(), "compacting past the end of the log");
  DISPOTIFY_CHECK_MSG(index <= hard_state_.commit_index, "compacting an uncommitted entry");
  DISPOTIFY_CHECK_MSG(term == term_at(index), "compaction term differs from the entry's");
  // Dead: a prefix of closed segments whose every entry is now compacted.
  // The active segment stays, so appends never need a new file here. The
  // hard states they held live on in the meta record.
  size_t dead = 0;
  while (dead + 1 < segments_.size() && segments_[dead].max_index <= index) ++dead;
  MetaRecord next = meta_;
  next.compacted_index = index;
  next.compacted_term = term;
  next.hard_state = hard_state_;
  next.first_live_sequence = segments_.empty() ? next_sequence_ : segments_[dead].name.sequence;
  DISPOTIFY_TRY(replace_meta(next));
  terms_.erase(terms_.begin(), terms_.begin() + static_cast<ptrdiff_t>(index - compacted_index_));
  compacted_index_ = index;
  compacted_term_ = term;
  delete_segments(dead);
  check_invariants();
  return {};
}

Status LogStore::reset(raft::LogIndex index, raft::Term term) {
  DISPOTIFY_TRY(check_usable());
  DISPOTIFY_CHECK_MSG(index >= compacted_index_, "reset below the compaction point");
  DISPOTIFY_CHECK_MSG(index >= hard_state_.commit_index, "reset below the commit index");
  DISPOTIFY_CHECK_MSG(index.is_zero() == term.is_zero(), "reset index and term must both be zero or neither");
  MetaRecord next = meta_;
  next.compacted_index = index;
  next.compacted_term = term;
  next.hard_state = hard_state_;
  next.first_live_sequence = next_sequence_;  // every existing segment is dead
  DISPOTIFY_TRY(replace_meta(next));
  terms_.clear();
  compacted_index_ = index;
  compacted_term_ = term;
  active_fd_.reset();
  delete_segments(segments_.size());
  check_invariants();
  return {};
}

Status LogStore::replace_meta(const MetaRecord& meta) {
  // A failure may leave the old or the new meta in place: unknown, so stop.
  if (auto written = write_meta_file(dir_, meta); !written.ok()) return fail(std::move(written).error());
  meta_ = meta;
  return {};
}

// The meta record already declares them dead, so a failure here only
// leaves files that the next open() deletes.
void LogStore::delete_segments(size_t count) {
  DISPOTIFY_CHECK(count <= segments_.size());
  for (size_t i = 0; i < count; ++i) {
    if (auto removed = remove_file(segments_[i].path); !removed.ok()) {
      log::warn("could not delete a dead Raft log segment", {{"error", removed.error().message}});
    }
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(count));
  if (count == 0) return;
  if (auto synced = fs::fsync_dir(dir_); !synced.ok()) {
    log::warn("could not sync the Raft log directory", {{"error", synced.error().message}});
  }
}

}  // namespace dispotify::raftlog
