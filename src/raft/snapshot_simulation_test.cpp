// Snapshots in whole-cluster simulations (Raft paper §7): the shells
// snapshot their state machines, compact, and move snapshots in chunks
// through a lossy network; followers install them; nodes restart from
// snapshot + log. Every failure message starts with the seed that replays it.
#include <gtest/gtest.h>

#include "raft/sim/simulator.h"

namespace dispotify::raft::sim {
namespace {

constexpr int64_t kTicksMax = 400;

SimOptions snapshot_options(uint64_t seed) {
  SimOptions options;
  options.node_count = 3;
  options.seed = seed;
  options.faults.delay_ticks_max = 2;
  options.snapshot_chunk_bytes = 16;  // a few hundred chunks per snapshot
  return options;
}

bool has_leader(const Simulator& sim) { return sim.leader().has_value(); }

// Proposes `count` entries at the leader and waits until `nodes` commit them.
void commit_entries(Simulator& sim, int count, const std::vector<NodeId>& nodes) {
  LogIndex last;
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kTicksMax)) << sim.failure();
    Result<LogIndex> index = sim.propose(*sim.leader(), "cmd" + std::to_string(i));
    if (index.ok()) last = *index;
    sim.tick();
  }
  ASSERT_TRUE(sim.run_until(
      [&] {
        for (const NodeId n : nodes) {
          if (sim.node(n).log().applied_index() < last) return false;
        }
        return true;
      },
      kTicksMax))
      << sim.failure();
}

bool same_state_everywhere(Simulator& sim) {
  const std::optional<NodeId> leader = sim.leader();
  if (!leader.has_value()) return false;
  const LogIndex last = sim.node(*leader).log().last_index();
  for (const NodeId n : sim.ids()) {
    if (sim.node(n).log().applied_index() < last) return false;
  }
  return true;
}

// §7: the leader "must occasionally send snapshots to followers that lag
// behind"; the follower installs it and then receives the entries after it.
TEST(SnapshotSimulation, FollowerThatMissedCompactedEntriesCatchesUpThroughAChunkedSnapshot) {
  Simulator sim(snapshot_options(21));
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kTicksMax));
  const NodeId leader = *sim.leader();
  const NodeId lagging = leader == NodeId(3) ? NodeId(2) : NodeId(3);
  sim.crash(lagging);
  std::vector<NodeId> up;
  for (const NodeId n : sim.ids()) {
    if (n != lagging) up.push_back(n);
  }
  commit_entries(sim, 100, up);
  for (const NodeId n : up) sim.compact(n, /*entries_kept=*/0);
  sim.restart(lagging);
  ASSERT_TRUE(sim.run_until([&] { return same_state_everywhere(sim); }, kTicksMax)) << sim.failure();
  EXPECT_GE(sim.snapshots_installed(), 1u);
  EXPECT_GT(sim.snapshot_chunks_sent(), 10u);
  EXPECT_EQ(sim.applied(lagging), sim.applied(leader));
  ASSERT_TRUE(sim.check_full().ok());
}

// Thesis §5.3: a transfer resumes after lost chunks, restarts when the
// follower crashes (its partial file is discarded), and restarts with the
// newer snapshot when the leader compacts again mid-transfer.
TEST(SnapshotSimulation, TransferSurvivesLossFollowerRestartsAndANewerSnapshot) {
  SimOptions options = snapshot_options(23);
  options.faults.drop_per_million = 200'000;
  options.faults.duplicate_per_million = 100'000;
  options.faults.delay_ticks_max = 4;
  Simulator sim(options);
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kTicksMax));
  const NodeId leader = *sim.leader();
  const NodeId lagging = leader == NodeId(3) ? NodeId(2) : NodeId(3);
  sim.crash(lagging);
  std::vector<NodeId> up;
  for (const NodeId n : sim.ids()) {
    if (n != lagging) up.push_back(n);
  }
  commit_entries(sim, 60, up);
  for (const NodeId n : up) sim.compact(n, 0);
  sim.restart(lagging);
  sim.run(15);  // part of the transfer
  sim.crash(lagging);
  sim.restart(lagging);
  sim.run(10);
  if (sim.leader().has_value()) {
    commit_entries(sim, 10, {*sim.leader()});
    sim.compact(*sim.leader(), 0);  // a newer snapshot mid-transfer
  }
  sim.set_faults({});
  ASSERT_TRUE(sim.run_until([&] { return same_state_everywhere(sim); }, 4 * kTicksMax)) << sim.failure();
  EXPECT_GE(sim.snapshots_installed(), 1u);
  EXPECT_EQ(sim.applied(lagging), sim.applied(*sim.leader()));
  ASSERT_TRUE(sim.check_full().ok());
}

// Thesis §4.2.2 with §7 (fuzz seed 1211 after the merge): the leader
// removes a voter; committing that needs the other follower, which is
// catching up through a snapshot that takes longer than an election timeout.
// The removed voter "might still be needed until the Cnew entry is
// committed", so the leader keeps it as a follower until then: it never
// times out and campaigns. Before, it did (thesis §4.2.3), and without PreVote
// and CheckQuorum each of its elections deposed the leader and restarted the
// transfer, so the removal never committed.
TEST(SnapshotSimulation, VoterWhoseRemovalIsUncommittedKeepsFollowingWhileASnapshotCatchesUpAnother) {
  SimOptions options = snapshot_options(31);
  options.pre_vote = false;
  options.check_quorum = false;
  Simulator sim(options);
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kTicksMax));
  const NodeId leader = *sim.leader();
  const NodeId lagging = leader == NodeId(1) ? NodeId(2) : NodeId(1);
  const NodeId removed = NodeId(6 - leader.value() - lagging.value());
  sim.crash(lagging);
  commit_entries(sim, 150, {leader, removed});
  ASSERT_EQ(*sim.leader(), leader);
  for (const NodeId n : {leader, removed}) sim.compact(n, 0);
  const Term term = sim.node(leader).current_term();
  const Result<LogIndex> removal = sim.propose_conf_change(leader, {ConfChange::Type::remove, removed});
  ASSERT_TRUE(removal.ok()) << removal.error().message;
  sim.restart(lagging);
  ASSERT_TRUE(sim.run_until(
      [&] {
        return sim.node(leader).log().commit_index() >= *removal &&
               sim.node(lagging).log().commit_index() >= *removal;
      },
      2 * kTicksMax))
      << sim.failure() << sim.describe();
  EXPECT_GE(sim.snapshots_installed(), 1u);
  EXPECT_EQ(sim.node(leader).current_term(), term) << "nobody disrupted the leader";
  EXPECT_EQ(sim.node(removed).current_term(), term);
  EXPECT_EQ(sim.node(leader).conf_state(),
            (ConfState{{std::min(leader, lagging), std::max(leader, lagging)}, {}}));
  ASSERT_TRUE(sim.check_full().ok());
}

// A restart loads the snapshot into the state machine and only the log
// after it; nothing committed is lost or applied twice.
TEST(SnapshotSimulation, RestartLoadsTheSnapshotThenTheLogAfterIt) {
  Simulator sim(snapshot_options(29));
  commit_entries(sim, 40, sim.ids());
  const NodeId node = *sim.leader() == NodeId(1) ? NodeId(2) : NodeId(1);
  sim.compact(node, 5);
  const LogIndex snapshot_index = sim.node(node).snapshot()->index;
  sim.crash(node);
  sim.restart(node);
  EXPECT_EQ(sim.applied(node).size(), snapshot_index.value());
  EXPECT_EQ(sim.node(node).log().first_index(), snapshot_index + 1);
  commit_entries(sim, 5, sim.ids());
  ASSERT_TRUE(sim.run_until([&] { return same_state_everywhere(sim); }, kTicksMax)) << sim.failure();
  EXPECT_EQ(sim.applied(node), sim.applied(*sim.leader()));
}

// The disk model: crashes in the middle of persisting a Ready (a prefix of
// its writes survives, snapshot chunks are torn) never break safety.
TEST(SnapshotSimulation, CrashesWhilePersistingKeepEveryInvariant) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SimOptions options = snapshot_options(seed);
    options.faults.crash_during_persist_per_million = 20'000;
    options.faults.drop_per_million = 50'000;
    options.compact_per_million = 20'000;
    options.compaction_entries_kept_max = 8;
    Simulator sim(options);
    for (int t = 0; t < 1500 && sim.failure().empty(); ++t) {
      for (const NodeId n : sim.ids()) {
        if (!sim.is_up(n) && t % 7 == 0) sim.restart(n);
      }
      if (const std::optional<NodeId> leader = sim.leader(); leader.has_value() && t % 2 == 0) {
        (void)sim.propose(*leader, "c" + std::to_string(t));
      }
      sim.tick();
    }
    ASSERT_EQ(sim.failure(), "");
    EXPECT_GT(sim.torn_persists(), 0u) << "seed " << seed;
    ASSERT_TRUE(sim.check_full().ok()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace dispotify::raft::sim
