// LogStore: the durable Raft log of one node (Raft paper Figure 2: "updated
// on stable storage before responding to RPCs"). The Raft core hands its
// shell a Ready; the shell calls save() with the Ready's hard state and
// entries, and only after save() returns ok sends the Ready's messages or
// acknowledges anything that depends on them.
//
// On disk (docs/formats/raft_log.md): DIR/meta (compaction point) and
// segment files of checksummed records, one record per save(), so a save is
// atomic: a crash leaves either its whole record or a torn tail that the
// next open() cuts off.
//
// Thread-safety: none. One owner (the Raft shell's thread) calls
// everything. Misuse that breaks Raft's rules (a non-contiguous append, a
// truncation of a committed entry, a term that goes back) is a bug and
// aborts through DISPOTIFY_CHECK. After an I/O error while writing, the
// store refuses every later write with Errc::io_error: what is on disk is
// then uncertain and only a new open() knows it.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "log/log_records.h"
#include "log/recovered_log.h"
#include "log/segment.h"
#include "raft/message.h"
#include "raft/state.h"

namespace dispotify::raftlog {

struct LogStoreOptions {
  // A segment is closed and a new one started once a record would push it
  // past this size; a lone record larger than this still gets a segment.
  uint64_t segment_bytes_max = 64ULL << 20;
};

inline constexpr uint64_t kSegmentBytesMaxLimit = 512ULL << 20;

class LogStore {
 public:
  // Opens or creates `dir` and recovers the log. A torn tail (a bad last
  // record of the last segment with nothing intact after it) is truncated;
  // any other bad record gives Errc::corrupt naming the file and offset.
  static Result<std::unique_ptr<LogStore>> open(const std::string& dir, LogStoreOptions options = {});

  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // What open() found; valid until take_recovered().
  const RecoveredLog& recovered() const;
  // Moves the recovered log out (once), so a large log is not held twice.
  RecoveredLog take_recovered();

  // Persists one Raft Ready atomically and durably, with one fdatasync
  // (group commit: the caller batches many proposals into one Ready). If
  // entries.front().index <= last_index() the stored suffix from there is
  // replaced. After a crash at any instant open() sees all of it or none.
  // Errc::too_large (nothing written) if the record would exceed
  // kFrameLengthMax. Checks: entries contiguous with terms >= 1 and
  // non-decreasing; they start in (compacted_index, last_index() + 1] and
  // after the stored commit index; the hard state's term and commit index
  // never go back, its vote never changes within a term, and its commit
  // index is at most the new last index.
  [[nodiscard]] Status save(const std::optional<raft::HardState>& hard_state,
                            std::span<const raft::Entry> entries);

  // Forgets entries <= index, which a snapshot now covers; `term` is the
  // entry's term (checked). Deletes segments left with nothing live.
  // index <= compacted_index is a no-op; index must be <= the stored
  // commit index (only committed entries are in a snapshot).
  [[nodiscard]] Status compact(raft::LogIndex index, raft::Term term);

  // Replaces the whole log by "nothing after (index, term)", for a snapshot
  // installed from the leader (§7). index must be >= the stored commit
  // index and the compaction point.
  [[nodiscard]] Status reset(raft::LogIndex index, raft::Term term);

  raft::LogIndex last_index() const { return compacted_index_ + terms_.size(); }
  raft::LogIndex first_index() const { return compacted_index_ + 1; }
  raft::Term last_term() const { return terms_.empty() ? compacted_term_ : terms_.back(); }
  // The term at `index` in [compacted_index, last_index()].
  raft::Term term_at(raft::LogIndex index) const;
  const raft::HardState& hard_state() const { return hard_state_; }
  const std::string& dir() const { return dir_; }
  // Live segment files, oldest first (for tests and metrics).
  size_t segment_count() const { return segments_.size(); }

 private:
  LogStore(std::string dir, LogStoreOptions options);

  void check_save(const std::optional<raft::HardState>& hard_state,
                  std::span<const raft::Entry> entries) const;
  Status append_record(std::string_view record, raft::LogIndex first_index, raft::LogIndex max_index);
  Status start_segment(raft::LogIndex first_index);
  Status write_to_active(std::string_view record, bool fresh_segment);
  Status replace_meta(const MetaRecord& meta);
  void delete_segments(size_t count);
  void apply_save(const std::optional<raft::HardState>& hard_state, std::span<const raft::Entry> entries);
  Status check_usable() const;
  Status fail(Error error);
  void check_invariants() const;

  std::string dir_;
  LogStoreOptions options_;
  RecoveredLog recovered_;
  bool recovered_taken_ = false;

  raft::HardState hard_state_;  // the latest saved
  MetaRecord meta_;             // as on disk
  raft::LogIndex compacted_index_;
  raft::Term compacted_term_;
  // terms_[i] is the term of entry compacted_index_ + 1 + i: enough to check
  // callers and answer term_at() without keeping the entries twice.
  std::vector<raft::Term> terms_;
  std::vector<Segment> segments_;  // live, by sequence; appends go to the last
  UniqueFd active_fd_;             // open on segments_.back(), if any
  uint64_t next_sequence_ = 1;
  std::optional<Error> failure_;  // set by the first write error; sticky
};

}  // namespace dispotify::raftlog
