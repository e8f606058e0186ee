// Whole-cluster scenarios for leadership transfer, ReadIndex and membership
// changes in the deterministic simulator. Every failure message starts with
// the seed that replays it.
#include <gtest/gtest.h>

#include <set>

#include "raft/sim/simulator.h"

namespace dispotify::raft::sim {
namespace {

constexpr int64_t kElectionTicksMax = 200;

SimOptions options_with(size_t nodes, uint64_t seed) {
  SimOptions options;
  options.node_count = nodes;
  options.seed = seed;
  options.faults.delay_ticks_max = 2;
  return options;
}

// Thesis §3.10: leadership moves to the chosen server without waiting for
// an election timeout, also with PreVote and CheckQuorum on.
TEST(ScenarioSimulation, LeadershipTransferMakesTheTargetLeader) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Simulator sim(options_with(5, seed));
    ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value(); }, kElectionTicksMax)) << sim.failure();
    const NodeId old_leader = *sim.leader();
    const NodeId target = old_leader == NodeId(5) ? NodeId(1) : NodeId(old_leader.value() + 1);
    const Term old_term = sim.node(old_leader).current_term();
    ASSERT_TRUE(sim.node(old_leader).transfer_leadership(target).ok());
    ASSERT_TRUE(sim.run_until([&] { return sim.leader() == target; }, 10))
        << "seed " << seed << sim.failure();
    EXPECT_EQ(sim.node(target).current_term(), next_term(old_term)) << "seed " << seed;
  }
}

// On every running node but `except`.
bool committed_everywhere(Simulator& sim, LogIndex index, NodeId except = kNoNode) {
  for (const NodeId n : sim.ids()) {
    if (n != except && sim.is_up(n) && sim.node(n).log().commit_index() < index) return false;
  }
  return true;
}

// Thesis §4.2.1 then §4.1: a new server joins as a learner, catches up, is
// promoted, and then counts: with one original voter down the cluster of
// four still commits, and a removed voter's absence no longer matters.
TEST(ScenarioSimulation, NewServerJoinsAsLearnerCatchesUpIsPromotedAndAnotherIsRemoved) {
  SimOptions options = options_with(3, 5);
  options.spare_node_count = 1;
  options.faults.drop_per_million = 50'000;
  Simulator sim(options);
  const NodeId joiner(4);
  ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value(); }, kElectionTicksMax)) << sim.failure();
  for (int i = 0; i < 300; ++i) (void)sim.propose(*sim.leader(), "before" + std::to_string(i));
  ASSERT_TRUE(sim.run_until(
      [&] {
        return sim.propose_conf_change(*sim.leader(), {ConfChange::Type::add_learner, joiner}).ok();
      },
      kElectionTicksMax))
      << sim.failure();
  // Promotion is refused until the learner has caught up; retry as an operator would.
  ASSERT_TRUE(sim.run_until(
      [&] {
        return sim.leader().has_value() &&
               sim.propose_conf_change(*sim.leader(), {ConfChange::Type::promote, joiner}).ok();
      },
      kElectionTicksMax))
      << sim.failure();
  const LogIndex promoted = sim.node(*sim.leader()).log().last_index();
  ASSERT_TRUE(sim.run_until([&] { return committed_everywhere(sim, promoted); }, kElectionTicksMax));
  EXPECT_EQ(sim.node(joiner).conf_state(), (ConfState{{NodeId(1), NodeId(2), NodeId(3), joiner}, {}}));
  ASSERT_EQ(sim.applied(joiner).size(), sim.applied(*sim.leader()).size()) << "it replayed the whole log";

  // Remove an original voter that is not the leader, then crash it: three voters remain.
  const NodeId leader = *sim.leader();
  const NodeId removed = leader == NodeId(1) ? NodeId(2) : NodeId(1);
  ASSERT_TRUE(sim.run_until(
      [&] {
        return sim.propose_conf_change(*sim.leader(), {ConfChange::Type::remove, removed}).ok();
      },
      50));
  const LogIndex removal = sim.node(*sim.leader()).log().last_index();
  // The removed server is not told that its removal committed (the leader
  // stops replicating to it): the operator shuts it down.
  ASSERT_TRUE(sim.run_until([&] { return committed_everywhere(sim, removal, removed); }, kElectionTicksMax));
  sim.crash(removed);
  ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value(); }, kElectionTicksMax));
  const Result<LogIndex> after = sim.propose(*sim.leader(), "after");
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(sim.run_until([&] { return committed_everywhere(sim, *after); }, kElectionTicksMax))
      << sim.failure();
  EXPECT_EQ(sim.failure(), "");
  EXPECT_TRUE(sim.check_full().ok());
}

// Thesis §4.2.2: a leader that removes itself steps down once the removal
// is committed, and the remaining servers elect a leader among themselves.
TEST(ScenarioSimulation, RemovedLeaderStepsDownAndTheOthersElectANewLeader) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Simulator sim(options_with(3, seed));
    ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value(); }, kElectionTicksMax));
    const NodeId old_leader = *sim.leader();
    ASSERT_TRUE(sim.run_until(
        [&] {
          return sim.propose_conf_change(old_leader, {ConfChange::Type::remove, old_leader}).ok();
        },
        50))
        << "seed " << seed;
    ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value() && *sim.leader() != old_leader; },
                              kElectionTicksMax))
        << "seed " << seed << sim.failure();
    EXPECT_NE(sim.node(old_leader).role(), Role::leader);
    EXPECT_FALSE(is_voter_in(sim.node(*sim.leader()).conf_state(), old_leader));
    ASSERT_TRUE(sim.propose(*sim.leader(), "x").ok());
    EXPECT_EQ(sim.failure(), "");
  }
}

// Thesis §6.4: reads at every node, under message loss, are linearizable
// (the simulator checks every answer) and all are answered.
TEST(ScenarioSimulation, ReadsAtEveryNodeAreLinearizableAndAnswered) {
  SimOptions options = options_with(5, 3);
  options.faults.drop_per_million = 50'000;
  Simulator sim(options);
  for (int i = 0; i < 1000 && sim.failure().empty(); ++i) {
    if (sim.leader().has_value()) (void)sim.propose(*sim.leader(), std::to_string(i));
    sim.read_index(NodeId(1 + static_cast<uint64_t>(i) % 5));
    sim.tick();
  }
  sim.run(sim.read_answer_ticks_max() + 1);
  ASSERT_EQ(sim.failure(), "");
  EXPECT_GT(sim.reads_ok(), 800u);
}

// The Raft paper's Figure 8, scripted with partitions and crashes: an
// entry of an earlier term stored on a majority (c) is not committed by
// counting replicas, and is rightly overwritten by a later leader (d).
TEST(ScenarioSimulation, Figure8OldTermEntryOnAMajorityIsNotCommittedAndCanBeOverwritten) {
  SimOptions options = options_with(5, 8);
  options.faults.delay_ticks_max = 1;
  Simulator sim(options);
  const auto leader_among = [&](const std::set<NodeId>& group) {
    return sim.leader().has_value() && group.contains(*sim.leader());
  };
  ASSERT_TRUE(sim.run_until([&] { return sim.leader().has_value(); }, kElectionTicksMax));
  ASSERT_TRUE(sim.run_until([&] { return committed_everywhere(sim, LogIndex(1)); }, kElectionTicksMax));
  // (a) S1 leads and stores X at index 2 on S2 only.
  const NodeId s1 = *sim.leader();
  std::vector<NodeId> rest;
  for (const NodeId n : sim.ids()) {
    if (n != s1) rest.push_back(n);
  }
  const NodeId s2 = rest[0];
  std::set<NodeId> others(rest.begin() + 1, rest.end());
  sim.partition({{s1, s2}, others});
  const LogIndex x_index = sim.propose(s1, "X").value();
  const Term x_term = sim.node(s1).current_term();
  sim.run(3);
  ASSERT_EQ(sim.node(s2).log().term_at(x_index), x_term);
  // (b) S1 crashes; S5 is elected by S3, S4, S5 and stores its own entry
  // (its no-op) at index 2, nowhere else.
  sim.crash(s1);
  ASSERT_TRUE(sim.run_until([&] { return leader_among(others); }, kElectionTicksMax)) << sim.failure();
  const NodeId s5 = *sim.leader();
  const Term y_term = sim.node(s5).current_term();
  ASSERT_EQ(sim.node(s5).log().term_at(x_index), y_term);
  others.erase(s5);
  const NodeId s3 = *others.begin();
  const NodeId s4 = *others.rbegin();
  sim.partition({{s5}, {s2, s3, s4}});
  sim.run(1);
  sim.crash(s5);
  // (c) S1 restarts and is elected (or S2, which holds the same log: call
  // the winner S1); it replicates X to S3 along with its own no-op, then is
  // cut off with S3 before the no-op reaches a majority.
  sim.restart(s1);
  sim.partition({{s1, s2, s3, s4}});
  ASSERT_TRUE(sim.run_until([&] { return leader_among({s1, s2}); }, kElectionTicksMax)) << sim.failure();
  const NodeId c_leader = *sim.leader();
  const NodeId c_other = c_leader == s1 ? s2 : s1;
  sim.partition({{c_leader, s3}, {c_other, s4}});
  ASSERT_TRUE(sim.run_until([&] { return sim.node(s3).log().term_at(x_index) == x_term; }, 20));
  // X is on S1, S2 and S3, a majority, yet not committed: it is from an
  // earlier term (§5.4.2).
  EXPECT_LT(sim.node(c_leader).log().commit_index(), x_index);
  // (d) S1 crashes; S5 restarts and is elected by S2, S4 and itself, and
  // overwrites X everywhere with its own entry.
  sim.crash(c_leader);
  sim.restart(s5);
  sim.partition({{s5, c_other, s4}, {s3}});
  ASSERT_TRUE(sim.run_until([&] { return sim.leader() == s5; }, kElectionTicksMax)) << sim.failure();
  ASSERT_TRUE(sim.run_until([&] { return sim.node(s5).log().commit_index() > x_index; }, kElectionTicksMax));
  sim.heal();
  sim.restart(c_leader);
  const LogIndex last = sim.node(s5).log().last_index();
  ASSERT_TRUE(sim.run_until([&] { return committed_everywhere(sim, last); }, kElectionTicksMax))
      << sim.failure();
  for (const NodeId n : sim.ids()) {
    EXPECT_EQ(sim.node(n).log().term_at(x_index), y_term) << to_string(n);
    for (const Entry& e : sim.applied(n)) EXPECT_NE(e.data, "X") << to_string(n);
  }
  EXPECT_EQ(sim.failure(), "");
  EXPECT_TRUE(sim.check_full().ok());
}

}  // namespace
}  // namespace dispotify::raft::sim
