// The in-memory Raft log of one node (Raft paper §5.3), which starts after
// a snapshot (§7), with the three cursors the Ready/advance cycle needs:
//
//   compacted | first ... applied ... commit ... last
//   compacted | first ......... stable ......... last
//
// Entries up to `compacted` were dropped: a snapshot covers them (§7: "the
// entire current system state is written to a snapshot ... and the entire
// log up to that point is discarded"). Only their last index and term are
// kept, for the AppendEntries consistency check at the boundary.
//
// Invariants (checked after every mutation): entries are contiguous from
// compacted + 1 with non-decreasing terms, none older than compacted_term;
// compacted <= applied <= commit <= last; compacted <= stable <= last.
// Entries up to commit are never removed or changed (§5.4, Leader
// Completeness). Durable storage is a later module: the caller persists what
// unstable_entries() returns and reports it back.
//
// Not thread-safe; owned by one RaftNode.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "raft/message.h"

namespace dispotify::raft {

class RaftLog {
 public:
  // `persisted` is the durable log after a restart, contiguous from
  // compacted_index + 1 (the snapshot it follows; 0 without one); `commit`
  // and `applied` come from the hard state and the state machine and are
  // raised to compacted_index (a snapshot holds only committed, applied state).
  RaftLog(std::vector<Entry> persisted, LogIndex commit, LogIndex applied, LogIndex compacted_index = {},
          Term compacted_term = kNoTerm);

  LogIndex first_index() const { return compacted_ + 1; }
  LogIndex last_index() const { return compacted_ + entries_.size(); }
  Term last_term() const;
  LogIndex compacted_index() const { return compacted_; }
  Term compacted_term() const { return compacted_term_; }
  LogIndex commit_index() const { return commit_; }
  LogIndex applied_index() const { return applied_; }
  LogIndex stable_index() const { return stable_; }

  // The term of the entry at `index`, for index in [compacted_index, last];
  // nullopt past the end, and nullopt below compacted_index: that entry was
  // dropped, and a leader that needs it must send a snapshot instead (§7).
  std::optional<Term> term_at(LogIndex index) const;
  bool is_compacted(LogIndex index) const { return index < compacted_; }
  // `index` must be in [first_index, last_index].
  const Entry& at(LogIndex index) const;

  // §5.4.1: a candidate's log is at least as up-to-date as ours if its last
  // term is greater, or equal with a last index at least ours.
  bool is_up_to_date(LogIndex last_index, Term last_term) const;

  // Leader path: appends one entry at last_index() + 1.
  void append(Entry entry);

  // Follower path (§5.3, AppendEntries receiver rules 2–4): if our entry at
  // prev_index has prev_term, deletes the first conflicting entry and all
  // that follow, appends what is new, and returns prev_index + entries;
  // otherwise returns nullopt and changes nothing. prev_index must not be
  // compacted (everything compacted is committed: the caller answers those).
  std::optional<LogIndex> maybe_append(LogIndex prev_index, Term prev_term,
                                       const std::vector<Entry>& entries);

  // Entries [from, last], at most `count_max` of them; from >= first_index.
  std::vector<Entry> slice(LogIndex from, size_t count_max) const;

  // The first index of the run of entries with the same term as `index`
  // (the conflict hint of §5.3), not below first_index; `index` must be in
  // the log.
  LogIndex first_index_of_term_at(LogIndex index) const;
  // The last index holding an entry of `term` (the compacted boundary
  // counts), if any.
  std::optional<LogIndex> last_index_of_term(Term term) const;

  // Commit never goes back and never passes the end of the log.
  void commit_to(LogIndex index);

  std::vector<Entry> unstable_entries() const { return slice(stable_ + 1, entries_.size()); }
  // The caller persisted entries up to `index`, the last one with `term`; if
  // the log has changed since (a truncation), the report is stale and ignored.
  void stable_to(LogIndex index, Term term);

  // Committed entries not yet applied, at most `count_max`.
  std::vector<Entry> committed_to_apply(size_t count_max) const;
  void applied_to(LogIndex index);

  // Log compaction (§7): the state machine has a snapshot up to
  // `snapshot_index` (<= applied). Drops the entries up to
  // snapshot_index - trailing_entries_kept (never fewer than already
  // dropped), so a follower lagging by less than that still gets entries
  // rather than a whole snapshot. Applied entries were persisted before they
  // were applied, so everything up to snapshot_index counts as stable.
  void compact(LogIndex snapshot_index, uint64_t trailing_entries_kept);

  // Follower installs a snapshot newer than its commit index (§7,
  // InstallSnapshot receiver rules 6–8): "If existing log entry has same
  // index and term as snapshot's last included entry, retain log entries
  // following it"; otherwise discard the entire log. commit and applied
  // become `index`. Every retained entry is marked unstable, because the
  // caller replaces its stored log with the next unstable_entries().
  void restore(LogIndex index, Term term);

 private:
  void truncate_from(LogIndex index);
  void drop_through(LogIndex index);
  void check_invariants() const;

  LogIndex compacted_;
  Term compacted_term_;
  std::vector<Entry> entries_;  // entries_[i] has index compacted_ + 1 + i
  LogIndex commit_;
  LogIndex applied_;
  LogIndex stable_;
};

}  // namespace dispotify::raft
