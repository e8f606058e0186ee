// Whole-cluster scenarios in the deterministic simulator. Every failure
// message starts with the seed that replays it.
#include <gtest/gtest.h>

#include "raft/sim/simulator.h"

namespace dispotify::raft::sim {
namespace {

constexpr int64_t kElectionTicksMax = 200;  // generous: several randomized timeouts
constexpr int64_t kCommitTicksMax = 200;

SimOptions options_with(size_t nodes, uint64_t seed) {
  SimOptions options;
  options.node_count = nodes;
  options.seed = seed;
  options.faults.delay_ticks_max = 2;
  return options;
}

bool has_leader(const Simulator& sim) { return sim.leader().has_value(); }

// Proposes at the current leader; returns the index or nullopt.
std::optional<LogIndex> propose_at_leader(Simulator& sim, const std::string& data) {
  const std::optional<NodeId> leader = sim.leader();
  if (!leader.has_value()) return std::nullopt;
  Result<LogIndex> index = sim.propose(*leader, data);
  if (!index.ok()) return std::nullopt;
  return *index;
}

bool committed_on(Simulator& sim, const std::vector<NodeId>& nodes, LogIndex index) {
  for (const NodeId n : nodes) {
    if (!sim.is_up(n) || sim.node(n).log().commit_index() < index) return false;
  }
  return true;
}

std::vector<std::string> applied_data(const Simulator& sim, NodeId node) {
  std::vector<std::string> data;
  for (const Entry& e : sim.applied(node)) {
    if (e.type == EntryType::normal) data.push_back(e.data);
  }
  return data;
}

class ElectionTest : public testing::TestWithParam<size_t> {};

// §5.2: a cluster elects exactly one leader, which every node then follows.
TEST_P(ElectionTest, ClusterElectsOneLeaderThatEveryoneFollows) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Simulator sim(options_with(GetParam(), seed));
    ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kElectionTicksMax)) << "seed " << seed;
    sim.run(20);
    ASSERT_EQ(sim.failure(), "");
    const NodeId leader = *sim.leader();
    for (const NodeId n : sim.ids()) {
      EXPECT_EQ(sim.node(n).leader_hint(), leader) << "seed " << seed;
      EXPECT_EQ(sim.node(n).current_term(), sim.node(leader).current_term()) << "seed " << seed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ThreeAndFive, ElectionTest, testing::Values(3u, 5u));

// §5.3: "the leader ... applies the entry to its state machine"; every
// state machine applies the same commands in the same order (Figure 3,
// State Machine Safety).
TEST(Simulation, ProposalsCommitAndApplyInTheSameOrderOnAllNodes) {
  SimOptions options = options_with(5, 7);
  options.faults = {.drop_per_million = 50'000, .duplicate_per_million = 50'000, .delay_ticks_max = 4};
  Simulator sim(options);
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 300 && sim.failure().empty(); ++i) {
    if (propose_at_leader(sim, "cmd" + std::to_string(i)).has_value())
      acknowledged.push_back("cmd" + std::to_string(i));
    sim.tick();
  }
  sim.set_faults({});
  ASSERT_TRUE(
      sim.run_until([&] { return committed_on(sim, sim.ids(), sim.node(*sim.leader()).log().last_index()); },
                    kCommitTicksMax))
      << sim.failure();
  sim.run(5);
  ASSERT_EQ(sim.failure(), "");
  ASSERT_GT(acknowledged.size(), 200u);
  const std::vector<std::string> reference = applied_data(sim, NodeId(1));
  for (const NodeId n : sim.ids()) EXPECT_EQ(applied_data(sim, n), reference) << to_string(n);
  // Proposals accepted by a leader that kept its leadership are all there, in order.
  EXPECT_GE(reference.size(), acknowledged.size() * 9 / 10);
}

// §5.4: "the leader for any given term contains all of the entries committed
// in previous terms"; a crashed leader comes back with only its disk.
TEST(Simulation, LeaderCrashElectsANewLeaderAndLosesNothingCommitted) {
  Simulator sim(options_with(3, 11));
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kElectionTicksMax));
  std::optional<LogIndex> last;
  for (int i = 0; i < 20; ++i) last = propose_at_leader(sim, "before" + std::to_string(i));
  ASSERT_TRUE(last.has_value());
  ASSERT_TRUE(sim.run_until([&] { return committed_on(sim, sim.ids(), *last); }, kCommitTicksMax));
  const NodeId old_leader = *sim.leader();
  const Term old_term = sim.node(old_leader).current_term();
  sim.crash(old_leader);
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kElectionTicksMax)) << sim.failure();
  const NodeId new_leader = *sim.leader();
  EXPECT_NE(new_leader, old_leader);
  EXPECT_GT(sim.node(new_leader).current_term(), old_term);
  const std::optional<LogIndex> after = propose_at_leader(sim, "after");
  ASSERT_TRUE(after.has_value());
  sim.restart(old_leader);
  ASSERT_TRUE(sim.run_until([&] { return committed_on(sim, sim.ids(), *after); }, kCommitTicksMax))
      << sim.failure();
  sim.run(5);
  ASSERT_EQ(sim.failure(), "");
  const std::vector<std::string> applied = applied_data(sim, old_leader);
  ASSERT_EQ(applied.size(), 21u);  // replayed from scratch after the restart
  EXPECT_EQ(applied.front(), "before0");
  EXPECT_EQ(applied.back(), "after");
}

// Thesis §6.2 (CheckQuorum) and §5.4: a leader cut off in a minority steps
// down and commits nothing; the majority elects a leader and commits; after
// the partition heals every log converges to the majority's.
TEST(Simulation, LeaderInMinorityStepsDownAndMajorityGoesOn) {
  Simulator sim(options_with(5, 13));
  ASSERT_TRUE(sim.run_until([&] { return has_leader(sim); }, kElectionTicksMax));
  const NodeId old_leader = *sim.leader();
  const NodeId buddy = old_leader == NodeId(1) ? NodeId(2) : NodeId(1);
  std::set<NodeId> majority;
  for (const NodeId n : sim.ids()) {
    if (n != old_leader && n != buddy) majority.insert(n);
  }
  sim.partition({{old_leader, buddy}, majority});
  const Result<LogIndex> doomed = sim.propose(old_leader, "lost");
  ASSERT_TRUE(doomed.ok());
  const LogIndex commit_before = sim.node(old_leader).log().commit_index();
  sim.run(int64_t{3} * 10);  // a few election timeouts
  EXPECT_NE(sim.node(old_leader).role(), Role::leader) << "CheckQuorum must depose the minority leader";
  EXPECT_EQ(sim.node(old_leader).log().commit_index(), commit_before);
  const std::vector<NodeId> majority_ids(majority.begin(), majority.end());
  ASSERT_TRUE(
      sim.run_until([&] { return has_leader(sim) && majority.contains(*sim.leader()); }, kElectionTicksMax));
  const std::optional<LogIndex> kept = propose_at_leader(sim, "kept");
  ASSERT_TRUE(kept.has_value());
  ASSERT_TRUE(sim.run_until([&] { return committed_on(sim, majority_ids, *kept); }, kCommitTicksMax));
  sim.heal();
  ASSERT_TRUE(sim.run_until([&] { return committed_on(sim, sim.ids(), *kept); }, kCommitTicksMax))
      << sim.failure();
  sim.run(5);
  ASSERT_EQ(sim.failure(), "");
  ASSERT_TRUE(sim.check_full().ok());
  for (const NodeId n : sim.ids()) {
    const std::vector<std::string> applied = applied_data(sim, n);
    EXPECT_EQ(std::count(applied.begin(), applied.end(), "lost"), 0) << to_string(n);
    EXPECT_EQ(std::count(applied.begin(), applied.end(), "kept"), 1) << to_string(n);
  }
}

// Thesis §9.6: with PreVote a partitioned server "cannot increment its term
// ... and so [cannot] disrupt the cluster when it rejoins"; without it, it
// comes back with a higher term and deposes the leader.
Term leader_term_after_isolated_node_rejoins(bool pre_vote, bool* leader_kept) {
  SimOptions options = options_with(3, 17);
  options.pre_vote = pre_vote;
  Simulator sim(options);
  EXPECT_TRUE(sim.run_until([&] { return has_leader(sim); }, kElectionTicksMax));
  const NodeId leader = *sim.leader();
  const NodeId isolated = leader == NodeId(3) ? NodeId(1) : NodeId(3);
  std::set<NodeId> rest;
  for (const NodeId n : sim.ids()) {
    if (n != isolated) rest.insert(n);
  }
  const Term term = sim.node(leader).current_term();
  sim.partition({{isolated}, rest});
  sim.run(200);  // many election timeouts alone
  EXPECT_EQ(sim.node(isolated).current_term() == term, pre_vote);
  sim.heal();
  sim.run(50);
  EXPECT_EQ(sim.failure(), "");
  *leader_kept = sim.leader() == leader;
  return sim.node(*sim.leader()).current_term();
}

TEST(Simulation, PreVoteKeepsARejoiningPartitionedNodeFromDisruptingTheTerm) {
  bool kept = false;
  const Term with_pre_vote = leader_term_after_isolated_node_rejoins(true, &kept);
  EXPECT_TRUE(kept);
  EXPECT_EQ(with_pre_vote, Term(1));
  const Term without_pre_vote = leader_term_after_isolated_node_rejoins(false, &kept);
  EXPECT_GT(without_pre_vote, Term(1)) << "without PreVote the rejoining node forces a new election";
}

// The same seed gives the same run: every choice comes from it.
TEST(Simulation, SameSeedReplaysIdentically) {
  const auto fingerprint = [](uint64_t seed) {
    SimOptions options = options_with(5, seed);
    options.faults = {.drop_per_million = 100'000, .duplicate_per_million = 100'000, .delay_ticks_max = 5};
    Simulator sim(options);
    for (int i = 0; i < 300; ++i) {
      (void)propose_at_leader(sim, std::to_string(i));
      sim.tick();
    }
    std::string print = std::to_string(sim.messages_delivered());
    for (const NodeId n : sim.ids()) {
      print += "/" + std::to_string(sim.node(n).current_term().value()) + ":" +
               std::to_string(sim.node(n).log().commit_index().value());
    }
    return print;
  };
  EXPECT_EQ(fingerprint(99), fingerprint(99));
  EXPECT_NE(fingerprint(99), fingerprint(100));
}

}  // namespace
}  // namespace dispotify::raft::sim
