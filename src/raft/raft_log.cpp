#include "raft/raft_log.h"

#include <algorithm>
#include <string>

#include "base/check.h"

namespace dispotify::raft {

RaftLog::RaftLog(std::vector<Entry> persisted, LogIndex commit, LogIndex applied, LogIndex compacted_index,
                 Term compacted_term)
    : compacted_(compacted_index),
      compacted_term_(compacted_term),
      entries_(std::move(persisted)),
      commit_(std::max(commit, compacted_index)),
      applied_(std::max(applied, compacted_index)),
      stable_(last_index()) {
  DISPOTIFY_CHECK_MSG(compacted_.is_zero() == compacted_term_.is_zero(),
                      "a snapshot has both an index and a term, or neither");
  for (size_t i = 0; i < entries_.size(); ++i) {
    DISPOTIFY_CHECK_MSG(entries_[i].index == compacted_ + (i + 1),
                        "persisted log is not contiguous from the snapshot");
    const Term previous = i == 0 ? compacted_term_ : entries_[i - 1].term;
    DISPOTIFY_CHECK_MSG(previous <= entries_[i].term, "persisted log terms go back");
  }
  check_invariants();
}

Term RaftLog::last_term() const { return entries_.empty() ? compacted_term_ : entries_.back().term; }

std::optional<Term> RaftLog::term_at(LogIndex index) const {
  if (index == compacted_) return compacted_term_;  // kNoTerm for index 0 without a snapshot
  if (index < compacted_ || index > last_index()) return std::nullopt;
  return at(index).term;
}

const Entry& RaftLog::at(LogIndex index) const {
  DISPOTIFY_CHECK_MSG(index > compacted_ && index <= last_index(),
                      "log access out of range: " + to_string(index) + ", log holds (" +
                          to_string(compacted_) + ", " + to_string(last_index()) + "]");
  const Entry& entry = entries_[(index - compacted_) - 1];
  DISPOTIFY_CHECK(entry.index == index);
  return entry;
}

bool RaftLog::is_up_to_date(LogIndex last_index, Term last_term) const {
  const Term our_last_term = this->last_term();
  return last_term > our_last_term || (last_term == our_last_term && last_index >= this->last_index());
}

void RaftLog::append(Entry entry) {
  DISPOTIFY_CHECK_MSG(entry.index == last_index() + 1, "append leaves a gap: " + to_string(entry.index));
  DISPOTIFY_CHECK_MSG(entry.term >= last_term(), "append with a term older than the log's last");
  entries_.push_back(std::move(entry));
}

std::optional<LogIndex> RaftLog::maybe_append(LogIndex prev_index, Term prev_term,
                                              const std::vector<Entry>& entries) {
  DISPOTIFY_CHECK_MSG(!is_compacted(prev_index), "append anchored in the compacted prefix");
  if (term_at(prev_index) != prev_term) return std::nullopt;  // rule 2: reply false
  LogIndex expected = prev_index + 1;
  for (const Entry& entry : entries) {
    DISPOTIFY_CHECK_MSG(entry.index == expected, "AppendEntries batch is not contiguous");
    expected = expected + 1;
    const std::optional<Term> ours = term_at(entry.index);
    if (ours == entry.term) continue;                  // already have it (a duplicate or reordered message)
    if (ours.has_value()) truncate_from(entry.index);  // rule 3: conflict
    append(entry);                                     // rule 4
  }
  check_invariants();
  return prev_index + entries.size();
}

std::vector<Entry> RaftLog::slice(LogIndex from, size_t count_max) const {
  DISPOTIFY_CHECK_MSG(from > compacted_ && from <= last_index() + 1,
                      "slice out of range: " + to_string(from));
  const size_t begin = (from - compacted_) - 1;
  const size_t end = std::min(entries_.size(), begin + count_max);
  return std::vector<Entry>(entries_.begin() + static_cast<std::ptrdiff_t>(begin),
                            entries_.begin() + static_cast<std::ptrdiff_t>(end));
}

LogIndex RaftLog::first_index_of_term_at(LogIndex index) const {
  const Term term = at(index).term;
  LogIndex first = index;
  while (first > first_index() && at(first - 1).term == term) first = first - 1;
  return first;
}

std::optional<LogIndex> RaftLog::last_index_of_term(Term term) const {
  // Terms are non-decreasing along the log, so scan back from the end.
  for (size_t i = entries_.size(); i > 0; --i) {
    if (entries_[i - 1].term == term) return compacted_ + i;
    if (entries_[i - 1].term < term) return std::nullopt;
  }
  if (!compacted_.is_zero() && compacted_term_ == term) return compacted_;
  return std::nullopt;
}

void RaftLog::commit_to(LogIndex index) {
  if (index <= commit_) return;  // commit never goes back (stale leader_commit)
  DISPOTIFY_CHECK_MSG(index <= last_index(), "commit past the end of the log: " + to_string(index));
  commit_ = index;
}

void RaftLog::stable_to(LogIndex index, Term term) {
  if (index <= stable_ || term_at(index) != term) return;
  stable_ = index;
  check_invariants();
}

std::vector<Entry> RaftLog::committed_to_apply(size_t count_max) const {
  if (applied_ >= commit_) return {};
  return slice(applied_ + 1, std::min<uint64_t>(count_max, commit_ - applied_));
}

void RaftLog::applied_to(LogIndex index) {
  DISPOTIFY_CHECK_MSG(index >= applied_ && index <= commit_, "applied out of order: " + to_string(index));
  applied_ = index;
}

void RaftLog::compact(LogIndex snapshot_index, uint64_t trailing_entries_kept) {
  DISPOTIFY_CHECK_MSG(
      snapshot_index <= applied_,
      "snapshot of unapplied state: " + to_string(snapshot_index) + " > applied " + to_string(applied_));
  stable_ = std::max(stable_, snapshot_index);
  const uint64_t kept = std::min(trailing_entries_kept, snapshot_index.value());
  const LogIndex through = snapshot_index - kept;
  if (through > compacted_) drop_through(through);
  check_invariants();
}

void RaftLog::restore(LogIndex index, Term term) {
  // Rule 5 of the receiver: a snapshot we already cover is never restored.
  DISPOTIFY_CHECK_MSG(index > commit_, "restoring a snapshot the log already commits: " + to_string(index));
  DISPOTIFY_CHECK(!term.is_zero());
  if (term_at(index) == term) {
    drop_through(index);  // rule 6: the entries that follow agree with the leader's
  } else {
    entries_.clear();  // rule 7: discard the entire log
    compacted_ = index;
    compacted_term_ = term;
  }
  commit_ = index;   // rule 8: the snapshot is committed state
  applied_ = index;  // ... and the state machine is reset to it
  stable_ = index;
  check_invariants();
}

void RaftLog::drop_through(LogIndex index) {
  DISPOTIFY_CHECK(index > compacted_ && index <= last_index());
  const Term term = at(index).term;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - compacted_));
  compacted_ = index;
  compacted_term_ = term;
}

void RaftLog::truncate_from(LogIndex index) {
  // §5.4: a committed entry is in every future leader's log, so a leader
  // can never ask us to overwrite one. If it does, safety is already lost.
  DISPOTIFY_CHECK_MSG(index > commit_, "truncating a committed entry: " + to_string(index));
  DISPOTIFY_CHECK(index > compacted_ && index <= last_index());
  entries_.resize((index - compacted_) - 1);
  stable_ = std::min(stable_, last_index());
}

void RaftLog::check_invariants() const {
  DISPOTIFY_CHECK(compacted_ <= applied_);
  DISPOTIFY_CHECK(applied_ <= commit_);
  DISPOTIFY_CHECK_MSG(commit_ <= last_index(),
                      "commit " + to_string(commit_) + " past last " + to_string(last_index()));
  DISPOTIFY_CHECK(compacted_ <= stable_ && stable_ <= last_index());
  DISPOTIFY_CHECK(entries_.empty() || entries_.front().index == compacted_ + 1);
  DISPOTIFY_CHECK(entries_.empty() || entries_.front().term >= compacted_term_);
  DISPOTIFY_CHECK(entries_.empty() || entries_.back().index == last_index());
}

}  // namespace dispotify::raft
