// The in-memory Raft log of one node (Raft paper §5.3), with the three
// cursors the Ready/advance cycle needs:
//
//   1 ........ applied ........ commit ........ last
//   1 ................ stable ..................... last
//
// Invariants (checked after every mutation): entries are contiguous from
// index 1 with non-decreasing terms; applied <= commit <= last;
// stable <= last. Entries up to commit are never removed or changed
// (§5.4, Leader Completeness). Durable storage is a later module: the
// caller persists what unstable_entries() returns and reports it back.
//
// Not thread-safe; owned by one RaftNode.
#pragma once

#include <optional>
#include <vector>

#include "raft/message.h"

namespace dispotify::raft {

class RaftLog {
 public:
  // `persisted` is the durable log after a restart (contiguous from 1);
  // `commit` and `applied` come from the hard state and the state machine.
  RaftLog(std::vector<Entry> persisted, LogIndex commit, LogIndex applied);

  LogIndex last_index() const { return LogIndex(entries_.size()); }
  Term last_term() const;
  LogIndex commit_index() const { return commit_; }
  LogIndex applied_index() const { return applied_; }
  LogIndex stable_index() const { return stable_; }

  // The term of the entry at `index`; kNoTerm for index 0; nullopt past
  // the end of the log.
  std::optional<Term> term_at(LogIndex index) const;
  const Entry& at(LogIndex index) const;

  // §5.4.1: a candidate's log is at least as up-to-date as ours if its last
  // term is greater, or equal with a last index at least ours.
  bool is_up_to_date(LogIndex last_index, Term last_term) const;

  // Leader path: appends one entry at last_index() + 1.
  void append(Entry entry);

  // Follower path (§5.3, AppendEntries receiver rules 2–4): if our entry at
  // prev_index has prev_term, deletes the first conflicting entry and all
  // that follow, appends what is new, and returns prev_index + entries;
  // otherwise returns nullopt and changes nothing.
  std::optional<LogIndex> maybe_append(LogIndex prev_index, Term prev_term,
                                       const std::vector<Entry>& entries);

  // Entries [from, last], at most `count_max` of them.
  std::vector<Entry> slice(LogIndex from, size_t count_max) const;

  // The first index of the run of entries with the same term as `index`
  // (the conflict hint of §5.3); `index` must be in the log.
  LogIndex first_index_of_term_at(LogIndex index) const;
  // The last index holding an entry of `term`, if any.
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

 private:
  void truncate_from(LogIndex index);
  void check_invariants() const;

  std::vector<Entry> entries_;  // entries_[i] has index i + 1
  LogIndex commit_;
  LogIndex applied_;
  LogIndex stable_;
};

}  // namespace dispotify::raft
