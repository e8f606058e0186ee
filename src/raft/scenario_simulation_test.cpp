// Whole-cluster scenarios for leadership transfer, ReadIndex and membership
// changes in the deterministic simulator. Every failure message starts with
// the seed that replays it.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dispotify::raft::sim
