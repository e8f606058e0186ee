// Crash simulation: a child process saves in a loop and reports each
// acknowledged save through a pipe; the parent kills it with SIGKILL at a
// random moment, reopens the log and checks that it holds exactly the
// acknowledged state, or that plus the one save in flight, never a mix.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "base/test_dir.h"
#include "log/log_store.h"
#include "log/log_test_util.h"

namespace dispotify::raftlog {
namespace {

using testing::LogModel;

constexpr int kKills = 30;
constexpr uint64_t kSeed = 20240611;
const LogStoreOptions kOptions{.segment_bytes_max = 256 << 10};

struct Op {
  enum class Kind { save, compact, reset } kind = Kind::save;
  std::optional<raft::HardState> hs;
  std::vector<raft::Entry> entries;
  raft::LogIndex index;
  raft::Term term;
};

// The next operation, from the state and the generator only, so the child
// and the parent derive the same sequence.
Op next_op(const LogModel& model, std::mt19937_64& rng) {
  const RecoveredLog& log = model.log;
  const raft::LogIndex last = log.last_index();
  const raft::LogIndex commit = log.hard_state.commit_index;
  uint64_t term = std::max(log.hard_state.current_term,
                           log.entries.empty() ? log.compacted_term : log.entries.back().term)
                      .value();
  Op op;
  const uint64_t roll = rng() % 100;
  if (roll < 8 && commit > log.compacted_index) {
    op.kind = Op::Kind::compact;
    op.index = log.compacted_index + 1 + rng() % (commit - log.compacted_index);
    op.term = model.term_at(op.index);
    return op;
  }
  if (roll < 10) {
    op.kind = Op::Kind::reset;
    op.index = std::max(last, commit) + 1 + rng() % 3;
    op.term = raft::Term(term + 1);
    return op;
  }
  if (rng() % 6 == 0) ++term;
  const uint64_t low = std::max(commit, log.compacted_index).value() + 1;
  const uint64_t back = std::min<uint64_t>(rng() % 4, last.value() + 1 - low);
  const uint64_t first = last.value() + 1 - back;
  const size_t count = 1 + rng() % 30;
  // Some large entries, so that a kill can land inside a long write().
  const size_t data_bytes = rng() % 10 == 0 ? 40000 : rng() % 200;
  for (size_t i = 0; i < count; ++i) {
    op.entries.push_back(
        testing::make_entry(first + i, term, std::string(data_bytes, static_cast<char>('a' + i % 26))));
  }
  if (rng() % 2 == 0) {
    const uint64_t new_last = first + count - 1;
    op.hs = testing::make_hard_state(term, 1, std::min(new_last, commit.value() + rng() % 20));
    if (log.hard_state.current_term == raft::Term(term) && !log.hard_state.voted_for.is_zero()) {
      op.hs->voted_for = log.hard_state.voted_for;
    }
  }
  return op;
}

Status apply(LogStore& store, const Op& op) {
  switch (op.kind) {
    case Op::Kind::save: return store.save(op.hs, op.entries);
    case Op::Kind::compact: return store.compact(op.index, op.term);
    case Op::Kind::reset: return store.reset(op.index, op.term);
  }
  return {};
}

void apply(LogModel& model, const Op& op) {
  switch (op.kind) {
    case Op::Kind::save: model.save(op.hs, op.entries); break;
    case Op::Kind::compact: model.compact(op.index, op.term); break;
    case Op::Kind::reset: model.reset(op.index, op.term); break;
  }
}

[[noreturn]] void run_child(const std::string& dir, uint64_t seed, int ack_fd) {
  auto store = LogStore::open(dir, kOptions);
  if (!store.ok()) _exit(2);
  LogModel model{(*store)->recovered()};
  std::mt19937_64 rng(seed);
  for (uint64_t done = 1;; ++done) {
    const Op op = next_op(model, rng);
    if (!apply(**store, op).ok()) _exit(3);
    apply(model, op);
    if (::write(ack_fd, &done, sizeof done) != sizeof done) _exit(4);
  }
}

// Runs the child until killed; returns how many operations it acknowledged.
uint64_t run_and_kill(const std::string& dir, uint64_t seed, std::chrono::microseconds delay) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    run_child(dir, seed, fds[1]);
  }
  ::close(fds[1]);
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  uint64_t acked = 0;
  uint64_t value = 0;
  while (::read(fds[0], &value, sizeof value) == sizeof value) acked = value;
  ::close(fds[0]);
  return acked;
}

TEST(LogCrash, KilledWriterLeavesAcknowledgedStateOrOneMoreSave) {
  TestDir tmp;
  const std::string dir = tmp.file("log");
  std::mt19937_64 rng(kSeed);
  LogModel recovered;  // what the child starts from
  uint64_t total_acked = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    const uint64_t seed = kSeed + static_cast<uint64_t>(kill);
    SCOPED_TRACE("kill " + std::to_string(kill) + " seed " + std::to_string(seed));
    const uint64_t acked = run_and_kill(dir, seed, std::chrono::microseconds(1000 + rng() % 150000));
    total_acked += acked;
    // States the log may be in: after `acked` operations, or one more.
    LogModel expected = recovered;
    std::mt19937_64 replay(seed);
    for (uint64_t i = 0; i < acked; ++i) apply(expected, next_op(expected, replay));
    LogModel one_more = expected;
    apply(one_more, next_op(one_more, replay));

    auto store = LogStore::open(dir, kOptions);
    ASSERT_TRUE(store.ok()) << store.error().message;
    const RecoveredLog& found = (*store)->recovered();
    const bool matches = found == expected.log || found == one_more.log;
    ASSERT_TRUE(matches) << "acked " << acked << ": recovered last " << found.last_index() << " compacted "
                         << found.compacted_index << ", expected last " << expected.log.last_index() << " or "
                         << one_more.log.last_index();
    recovered.log = found;
  }
  EXPECT_GT(total_acked, 0u);
  std::printf("acknowledged operations: %llu over %d kills\n", static_cast<unsigned long long>(total_acked),
              kKills);
}

}  // namespace
}  // namespace dispotify::raftlog
