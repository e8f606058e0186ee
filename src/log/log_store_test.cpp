#include "log/log_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "base/test_dir.h"
#include "log/log_test_util.h"

namespace dispotify::raftlog {
namespace {

using testing::LogModel;
using testing::make_entries;
using testing::make_entry;
using testing::make_hard_state;
using testing::open_or_die;

void expect_recovers(const std::string& dir, const LogModel& model, LogStoreOptions options = {}) {
  auto store = open_or_die(dir, options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->recovered().hard_state.current_term, model.log.hard_state.current_term);
  EXPECT_EQ(store->recovered(), model.log);
  EXPECT_EQ(store->last_index(), model.log.last_index());
  EXPECT_EQ(store->first_index(), model.log.compacted_index + 1);
}

TEST(LogStore, NewDirectoryIsAnEmptyLog) {
  TestDir tmp;
  const std::string dir = tmp.file("raft/log");  // parents created too
  auto store = open_or_die(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->recovered(), RecoveredLog{});
  EXPECT_EQ(store->last_index(), raft::LogIndex(0));
  EXPECT_EQ(store->first_index(), raft::LogIndex(1));
  EXPECT_TRUE(std::filesystem::exists(dir + "/meta"));
  store.reset();
  expect_recovers(dir, LogModel{});
}

TEST(LogStore, EntriesAndHardStateRoundTrip) {
  TestDir tmp;
  LogModel model;
  {
    auto store = open_or_die(tmp.path());
    const auto entries = make_entries(1, 20, 1);
    const auto hs = make_hard_state(1, 3, 5);
    ASSERT_TRUE(store->save(hs, entries).ok());
    model.save(hs, entries);
    EXPECT_EQ(store->last_index(), raft::LogIndex(20));
    EXPECT_EQ(store->last_term(), raft::Term(1));
    EXPECT_EQ(store->hard_state(), hs);
  }
  expect_recovers(tmp.path(), model);
}

TEST(LogStore, BinaryDataAndEmptyEntriesRoundTrip) {
  TestDir tmp;
  LogModel model;
  std::vector<raft::Entry> entries = {make_entry(1, 1, std::string("\0\xff\x01zero", 7)),
                                      make_entry(2, 1, "x")};
  entries[1].data.clear();  // an empty command (a leader's no-op)
  entries[1].type = raft::EntryType::config;
  {
    auto store = open_or_die(tmp.path());
    ASSERT_TRUE(store->save(std::nullopt, entries).ok());
    model.save(std::nullopt, entries);
  }
  expect_recovers(tmp.path(), model);
}

TEST(LogStore, SaveWithNothingWritesNothing) {
  TestDir tmp;
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store->save(std::nullopt, {}).ok());
  EXPECT_EQ(store->segment_count(), 0u);
}

TEST(LogStore, OverlappingSaveReplacesTheSuffix) {
  TestDir tmp;
  LogModel model;
  {
    auto store = open_or_die(tmp.path());
    const auto first = make_entries(1, 10, 1);
    ASSERT_TRUE(store->save(make_hard_state(1, 1, 2), first).ok());
    model.save(make_hard_state(1, 1, 2), first);
    // A new leader in term 2 overwrites 6..10 with 6..8 (§5.3).
    const auto second = make_entries(6, 3, 2);
    ASSERT_TRUE(store->save(make_hard_state(2, 0, 3), second).ok());
    model.save(make_hard_state(2, 0, 3), second);
    EXPECT_EQ(store->last_index(), raft::LogIndex(8));
    EXPECT_EQ(store->term_at(raft::LogIndex(6)), raft::Term(2));
    EXPECT_EQ(store->term_at(raft::LogIndex(5)), raft::Term(1));
  }
  expect_recovers(tmp.path(), model);
}

// Every kind of save, each followed by a restart, against the model.
TEST(LogStore, RestartAfterEveryKindOfSave) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 300};  // a few records per segment
  struct Step {
    std::optional<raft::HardState> hs;
    std::vector<raft::Entry> entries;
  };
  const std::vector<Step> steps = {
      {make_hard_state(1, 0, 0), {}},                       // hard state only, on an empty log
      {std::nullopt, make_entries(1, 3, 1)},                // entries only
      {make_hard_state(1, 2, 2), make_entries(4, 2, 1)},    // both
      {make_hard_state(2, 0, 2), {}},                       // a new term, no vote yet
      {std::nullopt, make_entries(4, 1, 2)},                // truncation by one entry
      {make_hard_state(2, 3, 3), make_entries(3, 4, 2)},    // truncation past the previous one
      {std::nullopt, make_entries(7, 12, 2)},               // a batch that spans a rotation
      {make_hard_state(3, 3, 10), make_entries(11, 1, 3)},  // truncation into an older segment
      {make_hard_state(3, 3, 11), {}},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    {
      auto store = open_or_die(tmp.path(), options);
      ASSERT_NE(store, nullptr);
      ASSERT_TRUE(store->save(steps[i].hs, steps[i].entries).ok());
      model.save(steps[i].hs, steps[i].entries);
    }
    expect_recovers(tmp.path(), model, options);
  }
}

TEST(LogStore, RotatesSegmentsAtTheSizeLimit) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 1024};
  {
    auto store = open_or_die(tmp.path(), options);
    for (uint64_t i = 1; i <= 100; ++i) {
      const auto entries = make_entries(i, 1, 1);
      ASSERT_TRUE(store->save(std::nullopt, entries).ok());
      model.save(std::nullopt, entries);
    }
    EXPECT_GT(store->segment_count(), 3u);
    EXPECT_EQ(store->segment_count(), testing::segment_paths(tmp.path()).size());
    for (const std::string& path : testing::segment_paths(tmp.path())) {
      EXPECT_LE(std::filesystem::file_size(path), options.segment_bytes_max);
    }
  }
  const auto paths = testing::segment_paths(tmp.path());
  EXPECT_TRUE(paths.front().ends_with("segment-00000000000000000001-00000000000000000001.log"))
      << paths.front();
  expect_recovers(tmp.path(), model, options);
}

TEST(LogStore, ARecordLargerThanASegmentGetsItsOwn) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 100};
  {
    auto store = open_or_die(tmp.path(), options);
    const auto entries = make_entries(1, 50, 1);
    ASSERT_TRUE(store->save(std::nullopt, entries).ok());
    model.save(std::nullopt, entries);
    const auto more = make_entries(51, 50, 1);
    ASSERT_TRUE(store->save(std::nullopt, more).ok());
    model.save(std::nullopt, more);
    EXPECT_EQ(store->segment_count(), 2u);
  }
  expect_recovers(tmp.path(), model, options);
}

TEST(LogStore, CompactionDeletesWholeSegmentsBelowThePoint) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 512};
  auto store = open_or_die(tmp.path(), options);
  for (uint64_t i = 1; i <= 60; ++i) {
    const auto entries = make_entries(i, 1, 1);
    ASSERT_TRUE(store->save(make_hard_state(1, 1, i), entries).ok());
    model.save(make_hard_state(1, 1, i), entries);
  }
  const size_t before = store->segment_count();
  ASSERT_TRUE(store->compact(raft::LogIndex(45), raft::Term(1)).ok());
  model.compact(raft::LogIndex(45), raft::Term(1));
  EXPECT_LT(store->segment_count(), before);
  EXPECT_EQ(store->segment_count(), testing::segment_paths(tmp.path()).size());
  EXPECT_EQ(store->first_index(), raft::LogIndex(46));
  EXPECT_EQ(store->term_at(raft::LogIndex(45)), raft::Term(1));
  // Compacting to an older point is a no-op.
  ASSERT_TRUE(store->compact(raft::LogIndex(10), raft::Term(1)).ok());
  EXPECT_EQ(store->first_index(), raft::LogIndex(46));
  store.reset();
  expect_recovers(tmp.path(), model, options);

  // Appends, truncation and compaction to the very end keep working after it.
  store = open_or_die(tmp.path(), options);
  const auto more = make_entries(61, 10, 2);
  ASSERT_TRUE(store->save(make_hard_state(2, 2, 60), more).ok());
  model.save(make_hard_state(2, 2, 60), more);
  const auto overwrite = make_entries(66, 2, 3);
  ASSERT_TRUE(store->save(make_hard_state(3, 2, 67), overwrite).ok());
  model.save(make_hard_state(3, 2, 67), overwrite);
  ASSERT_TRUE(store->compact(raft::LogIndex(67), raft::Term(3)).ok());
  model.compact(raft::LogIndex(67), raft::Term(3));
  store.reset();
  expect_recovers(tmp.path(), model, options);
}

// The segment holding the only copy of the latest hard state is deleted by
// compaction; the meta file carries it on.
TEST(LogStore, HardStateSurvivesCompactionOfItsSegment) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 256};
  {
    auto store = open_or_die(tmp.path(), options);
    const auto hs = make_hard_state(7, 2, 30);
    const auto entries = make_entries(1, 30, 7);
    ASSERT_TRUE(store->save(hs, entries).ok());
    model.save(hs, entries);
    for (uint64_t i = 31; i <= 40; ++i) {  // entries only, into later segments
      const auto more = make_entries(i, 1, 7);
      ASSERT_TRUE(store->save(std::nullopt, more).ok());
      model.save(std::nullopt, more);
    }
    const auto first_segment = testing::segment_paths(tmp.path()).front();
    ASSERT_TRUE(store->compact(raft::LogIndex(30), raft::Term(7)).ok());
    model.compact(raft::LogIndex(30), raft::Term(7));
    EXPECT_FALSE(std::filesystem::exists(first_segment));
  }
  expect_recovers(tmp.path(), model, options);
  EXPECT_EQ(open_or_die(tmp.path(), options)->recovered().hard_state, make_hard_state(7, 2, 30));
}

TEST(LogStore, ResetReplacesTheWholeLog) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 256};
  {
    auto store = open_or_die(tmp.path(), options);
    const auto entries = make_entries(1, 30, 1);
    ASSERT_TRUE(store->save(make_hard_state(1, 1, 10), entries).ok());
    model.save(make_hard_state(1, 1, 10), entries);
    // A snapshot at 100 from the leader of term 3.
    ASSERT_TRUE(store->reset(raft::LogIndex(100), raft::Term(3)).ok());
    model.reset(raft::LogIndex(100), raft::Term(3));
    EXPECT_EQ(store->segment_count(), 0u);
    EXPECT_TRUE(testing::segment_paths(tmp.path()).empty());
    EXPECT_EQ(store->last_index(), raft::LogIndex(100));
    EXPECT_EQ(store->last_term(), raft::Term(3));
  }
  // The stored commit index (10) is below the compaction point (100): see
  // recovered_log.h.
  expect_recovers(tmp.path(), model, options);
  {
    auto store = open_or_die(tmp.path(), options);
    const auto entries = make_entries(101, 5, 3);
    ASSERT_TRUE(store->save(make_hard_state(3, 0, 100), entries).ok());
    model.save(make_hard_state(3, 0, 100), entries);
  }
  expect_recovers(tmp.path(), model, options);
}

TEST(LogStore, TakeRecoveredMovesTheEntriesOut) {
  TestDir tmp;
  {
    auto store = open_or_die(tmp.path());
    ASSERT_TRUE(store->save(std::nullopt, make_entries(1, 5, 1)).ok());
  }
  auto store = open_or_die(tmp.path());
  RecoveredLog log = store->take_recovered();
  EXPECT_EQ(log.entries.size(), 5u);
  EXPECT_EQ(store->last_index(), raft::LogIndex(5));  // the store keeps working
  ASSERT_TRUE(store->save(std::nullopt, make_entries(6, 1, 1)).ok());
}

// Leftovers of a crash in the middle of a compaction: the meta file was
// replaced but the dead segments were not yet deleted, and a meta.tmp.
TEST(LogStore, OpenDeletesLeftoversOfAnInterruptedCompaction) {
  TestDir tmp;
  const std::string saved = tmp.file("saved");
  const std::string dir = tmp.file("log");
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 256};
  {
    auto store = open_or_die(dir, options);
    for (uint64_t i = 1; i <= 30; ++i) {
      ASSERT_TRUE(store->save(make_hard_state(1, 1, i), make_entries(i, 1, 1)).ok());
      model.save(make_hard_state(1, 1, i), make_entries(i, 1, 1));
    }
  }
  testing::copy_dir(dir, saved);
  {
    auto store = open_or_die(dir, options);
    ASSERT_TRUE(store->compact(raft::LogIndex(25), raft::Term(1)).ok());
    model.compact(raft::LogIndex(25), raft::Term(1));
  }
  // Put the dead segments back, as if their deletion never happened.
  for (const std::string& path : testing::segment_paths(saved)) {
    const auto name = std::filesystem::path(path).filename();
    if (!std::filesystem::exists(dir + "/" + name.string()))
      std::filesystem::copy(path, dir + "/" + name.string());
  }
  testing::write_bytes(dir + "/meta.tmp", "half-written");
  const size_t with_dead = testing::segment_paths(dir).size();
  expect_recovers(dir, model, options);
  EXPECT_LT(testing::segment_paths(dir).size(), with_dead);
  EXPECT_FALSE(std::filesystem::exists(dir + "/meta.tmp"));
}

TEST(LogStoreDeathTest, RejectsCallsThatBreakRaftRules) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestDir tmp;
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store->save(make_hard_state(2, 1, 3), make_entries(1, 5, 2)).ok());
  EXPECT_DEATH((void)store->save(std::nullopt, make_entries(7, 1, 2)), "do not follow");
  EXPECT_DEATH((void)store->save(std::nullopt, make_entries(3, 1, 2)), "committed");
  EXPECT_DEATH((void)store->save(std::nullopt, make_entries(6, 1, 1)), "term lower");
  EXPECT_DEATH((void)store->save(make_hard_state(1, 1, 3), {}), "term goes back");
  EXPECT_DEATH((void)store->save(make_hard_state(2, 2, 3), {}), "vote changed");
  EXPECT_DEATH((void)store->save(make_hard_state(2, 1, 9), {}), "past the end");
  std::vector<raft::Entry> gap = {make_entry(6, 2), make_entry(8, 2)};
  EXPECT_DEATH((void)store->save(std::nullopt, gap), "not contiguous");
  EXPECT_DEATH((void)store->compact(raft::LogIndex(4), raft::Term(2)), "uncommitted");
  EXPECT_DEATH((void)store->compact(raft::LogIndex(2), raft::Term(1)), "term differs");
  EXPECT_DEATH((void)store->reset(raft::LogIndex(2), raft::Term(2)), "below the commit");
}

// Random operations with restarts in between, against the model.
TEST(LogStore, RandomOperationsMatchTheModel) {
  TestDir tmp;
  LogModel model;
  const LogStoreOptions options{.segment_bytes_max = 700};
  std::mt19937_64 rng(42);
  auto store = open_or_die(tmp.path(), options);
  uint64_t term = 1;
  for (int step = 0; step < 400; ++step) {
    SCOPED_TRACE(step);
    const uint64_t roll = rng() % 100;
    const raft::LogIndex last = model.log.last_index();
    const raft::LogIndex commit = model.log.hard_state.commit_index;
    if (roll < 60) {
      // Append or overwrite an uncommitted suffix, sometimes in a new term.
      if (rng() % 8 == 0) ++term;
      const uint64_t low = std::max(commit, model.log.compacted_index).value() + 1;
      const uint64_t first = last.value() + 1 - std::min<uint64_t>(rng() % 3, last.value() + 1 - low);
      const auto entries = make_entries(first, 1 + rng() % 6, term);
      const uint64_t new_last = first + entries.size() - 1;
      std::optional<raft::HardState> hs;
      if (rng() % 2 == 0) {
        hs = make_hard_state(term, 1, std::min(new_last, commit.value() + rng() % 4));
        if (model.log.hard_state.current_term == raft::Term(term))
          hs->voted_for = model.log.hard_state.voted_for;
      }
      ASSERT_TRUE(store->save(hs, entries).ok());
      model.save(hs, entries);
    } else if (roll < 75 && commit > model.log.compacted_index) {
      const raft::LogIndex index =
          model.log.compacted_index + 1 + rng() % (commit - model.log.compacted_index);
      ASSERT_TRUE(store->compact(index, model.term_at(index)).ok());
      model.compact(index, model.term_at(index));
    } else if (roll < 78) {
      const raft::LogIndex index = std::max(last, commit) + rng() % 5;
      ++term;
      ASSERT_TRUE(store->reset(index, raft::Term(term)).ok());
      model.reset(index, raft::Term(term));
    } else {
      store.reset();
      store = open_or_die(tmp.path(), options);
      ASSERT_NE(store, nullptr);
      ASSERT_EQ(store->recovered(), model.log);
    }
  }
  store.reset();
  expect_recovers(tmp.path(), model, options);
}

}  // namespace
}  // namespace dispotify::raftlog
