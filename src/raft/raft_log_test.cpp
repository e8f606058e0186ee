#include "raft/raft_log.h"

#include <gtest/gtest.h>

namespace dispotify::raft {
namespace {

std::vector<Entry> entries_with_terms(std::initializer_list<uint64_t> terms, uint64_t first_index = 1) {
  std::vector<Entry> entries;
  for (const uint64_t term : terms) {
    entries.push_back(Entry{Term(term), LogIndex(first_index + entries.size()), EntryType::normal,
                            "e" + std::to_string(first_index + entries.size())});
  }
  return entries;
}

TEST(RaftLog, EmptyLogHasIndexZeroAndTermZero) {
  RaftLog log({}, LogIndex(0), LogIndex(0));
  EXPECT_EQ(log.last_index(), LogIndex(0));
  EXPECT_EQ(log.last_term(), kNoTerm);
  EXPECT_EQ(log.term_at(LogIndex(0)), kNoTerm);
  EXPECT_FALSE(log.term_at(LogIndex(1)).has_value());
}

// §5.3: "If an existing entry conflicts with a new one (same index but
// different terms), delete the existing entry and all that follow it."
TEST(RaftLog, ConflictingEntryAndAllThatFollowItAreDeleted) {
  RaftLog log(entries_with_terms({1, 1, 2, 2}), LogIndex(1), LogIndex(0));
  const auto matched = log.maybe_append(LogIndex(2), Term(1), entries_with_terms({3}, 3));
  ASSERT_TRUE(matched.has_value());
  EXPECT_EQ(*matched, LogIndex(3));
  EXPECT_EQ(log.last_index(), LogIndex(3));
  EXPECT_EQ(log.term_at(LogIndex(3)), Term(3));
  EXPECT_EQ(log.stable_index(), LogIndex(2));  // the stored suffix must be rewritten
}

// §5.3: a duplicate or reordered append that matches must not truncate.
TEST(RaftLog, MatchingShorterAppendDoesNotTruncate) {
  RaftLog log(entries_with_terms({1, 1, 2, 2}), LogIndex(0), LogIndex(0));
  const auto matched = log.maybe_append(LogIndex(1), Term(1), entries_with_terms({1}, 2));
  ASSERT_TRUE(matched.has_value());
  EXPECT_EQ(*matched, LogIndex(2));
  EXPECT_EQ(log.last_index(), LogIndex(4));
}

// Figure 2, AppendEntries rule 2: reply false if the log does not contain
// an entry at prevLogIndex whose term matches prevLogTerm.
TEST(RaftLog, AppendIsRefusedWithoutMatchingPreviousEntry) {
  RaftLog log(entries_with_terms({1, 2}), LogIndex(0), LogIndex(0));
  EXPECT_FALSE(log.maybe_append(LogIndex(2), Term(1), entries_with_terms({3}, 3)).has_value());
  EXPECT_FALSE(log.maybe_append(LogIndex(5), Term(2), {}).has_value());
  EXPECT_EQ(log.last_index(), LogIndex(2));
}

// §5.4.1: the log with the later last term is more up-to-date; with equal
// last terms, the longer log is.
TEST(RaftLog, UpToDateComparesLastTermThenLength) {
  RaftLog log(entries_with_terms({1, 2, 2}), LogIndex(0), LogIndex(0));
  EXPECT_TRUE(log.is_up_to_date(LogIndex(1), Term(3)));
  EXPECT_TRUE(log.is_up_to_date(LogIndex(3), Term(2)));
  EXPECT_FALSE(log.is_up_to_date(LogIndex(2), Term(2)));
  EXPECT_FALSE(log.is_up_to_date(LogIndex(9), Term(1)));
}

TEST(RaftLog, ConflictHintsFindTermBoundaries) {
  RaftLog log(entries_with_terms({1, 2, 2, 2, 4}), LogIndex(0), LogIndex(0));
  EXPECT_EQ(log.first_index_of_term_at(LogIndex(4)), LogIndex(2));
  EXPECT_EQ(log.last_index_of_term(Term(2)), LogIndex(4));
  EXPECT_FALSE(log.last_index_of_term(Term(3)).has_value());
}

TEST(RaftLog, CommitNeverGoesBackAndAppliedFollowsIt) {
  RaftLog log(entries_with_terms({1, 1, 1}), LogIndex(0), LogIndex(0));
  log.commit_to(LogIndex(2));
  log.commit_to(LogIndex(1));
  EXPECT_EQ(log.commit_index(), LogIndex(2));
  EXPECT_EQ(log.committed_to_apply(10).size(), 2u);
  log.applied_to(LogIndex(2));
  EXPECT_TRUE(log.committed_to_apply(10).empty());
}

TEST(RaftLogDeathTest, TruncatingACommittedEntryAborts) {
  RaftLog log(entries_with_terms({1, 1, 1}), LogIndex(2), LogIndex(0));
  EXPECT_DEATH((void)log.maybe_append(LogIndex(1), Term(1), entries_with_terms({5}, 2)), "committed");
}

TEST(RaftLogDeathTest, CommitPastTheEndAborts) {
  RaftLog log(entries_with_terms({1}), LogIndex(0), LogIndex(0));
  EXPECT_DEATH(log.commit_to(LogIndex(2)), "past the end");
}

// §7: "the entire log up to that point is discarded"; only the last
// included index and term remain, for the consistency check.
TEST(RaftLog, CompactedEntriesAreGoneButTheLastIncludedTermRemains) {
  RaftLog log(entries_with_terms({2, 2, 3}, 6), LogIndex(7), LogIndex(6), LogIndex(5), Term(2));
  EXPECT_EQ(log.first_index(), LogIndex(6));
  EXPECT_EQ(log.last_index(), LogIndex(8));
  EXPECT_FALSE(log.term_at(LogIndex(4)).has_value());
  EXPECT_TRUE(log.is_compacted(LogIndex(4)));
  EXPECT_EQ(log.term_at(LogIndex(5)), Term(2));
  EXPECT_EQ(log.term_at(LogIndex(8)), Term(3));
  EXPECT_EQ(log.first_index_of_term_at(LogIndex(7)), LogIndex(6));  // not below the first entry
  EXPECT_EQ(log.last_index_of_term(Term(2)), LogIndex(7));
  // The AppendEntries consistency check works at the boundary.
  EXPECT_TRUE(log.maybe_append(LogIndex(5), Term(2), entries_with_terms({2}, 6)).has_value());
}

TEST(RaftLog, CommitAndAppliedAreAtLeastTheSnapshotAfterARestart) {
  RaftLog log({}, LogIndex(0), LogIndex(0), LogIndex(9), Term(4));
  EXPECT_EQ(log.commit_index(), LogIndex(9));
  EXPECT_EQ(log.applied_index(), LogIndex(9));
  EXPECT_EQ(log.last_index(), LogIndex(9));
  EXPECT_EQ(log.last_term(), Term(4));
  EXPECT_TRUE(log.committed_to_apply(10).empty());
}

TEST(RaftLog, CompactionKeepsTrailingEntriesForSlightlyLaggingFollowers) {
  RaftLog log(entries_with_terms({1, 1, 1, 1, 1, 1, 1, 1}), LogIndex(8), LogIndex(0));
  log.applied_to(LogIndex(7));
  log.compact(LogIndex(7), 3);
  EXPECT_EQ(log.compacted_index(), LogIndex(4));
  EXPECT_EQ(log.compacted_term(), Term(1));
  EXPECT_EQ(log.at(LogIndex(5)).data, "e5");
  log.compact(LogIndex(7), 10);  // never un-compacts
  EXPECT_EQ(log.compacted_index(), LogIndex(4));
  log.compact(LogIndex(7), 0);
  EXPECT_EQ(log.first_index(), LogIndex(8));
}

// Figure 13, InstallSnapshot receiver rule 6: "If existing log entry has
// same index and term as snapshot's last included entry, retain log entries
// following it".
TEST(RaftLog, RestoreRetainsEntriesFollowingAMatchingLastIncludedEntry) {
  RaftLog log(entries_with_terms({1, 1, 2, 2, 2}), LogIndex(1), LogIndex(1));
  log.restore(LogIndex(3), Term(2));
  EXPECT_EQ(log.compacted_index(), LogIndex(3));
  EXPECT_EQ(log.last_index(), LogIndex(5));
  EXPECT_EQ(log.commit_index(), LogIndex(3));
  EXPECT_EQ(log.applied_index(), LogIndex(3));
  EXPECT_EQ(log.unstable_entries().size(), 2u);  // the caller rewrites its stored log from the snapshot on
}

// Rule 7: "Discard the entire log".
TEST(RaftLog, RestoreDiscardsTheEntireLogOtherwise) {
  RaftLog log(entries_with_terms({1, 1, 2, 2, 2}), LogIndex(1), LogIndex(1));
  log.restore(LogIndex(4), Term(3));
  EXPECT_EQ(log.last_index(), LogIndex(4));
  EXPECT_EQ(log.last_term(), Term(3));
  EXPECT_TRUE(log.unstable_entries().empty());
}

TEST(RaftLogDeathTest, CompactingUnappliedEntriesAborts) {
  RaftLog log(entries_with_terms({1, 1, 1}), LogIndex(2), LogIndex(1));
  EXPECT_DEATH(log.compact(LogIndex(2), 0), "unapplied");
}

TEST(RaftLogDeathTest, ReadingACompactedEntryAborts) {
  RaftLog log(entries_with_terms({1}, 3), LogIndex(2), LogIndex(2), LogIndex(2), Term(1));
  EXPECT_DEATH((void)log.at(LogIndex(2)), "out of range");
}

}  // namespace
}  // namespace dispotify::raft
