// Randomized simulation (TigerBeetle VOPR style): for each seed, a 3- or
// 5-node cluster (plus up to two spare nodes) runs under message loss,
// duplication, reordering, delays, symmetric and asymmetric partitions,
// crashes (some between persisting a Ready and sending it, some in the
// middle of persisting it, tearing snapshot chunks) and restarts, with
// client proposals, linearizable reads (ReadIndex), leadership transfers,
// membership changes (add a learner, promote it once caught up, remove
// voters and learners, re-add removed nodes) and periodic snapshots and
// log compaction (chunked InstallSnapshot to lagging followers, restarts
// from snapshot + log) throughout; the invariant checker runs after every
// step. Then the faults stop, removed servers are shut down (thesis
// §4.2.3), and the cluster must elect a leader and commit again within a
// bounded number of ticks (liveness after healing).
//
// Replay one seed:  DISPOTIFY_RAFT_SEED=1234 raft_tests --gtest_filter='*Fuzz*'
// Run more seeds:   DISPOTIFY_RAFT_SEEDS=20000 raft_tests --gtest_filter='*Fuzz*'
//                   (DISPOTIFY_RAFT_FIRST_SEED=N starts at seed N instead of 1;
//                   DISPOTIFY_RAFT_SEEDS is the last seed run, not a count)
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "raft/sim/simulator.h"

namespace dispotify::raft::sim {
namespace {

// Sanitizer builds run unoptimized and about 40x slower: fewer seeds keep the
// suite under 20 s there; optimized builds cover more.
#if defined(__SANITIZE_ADDRESS__)
constexpr uint64_t kSeedsDefault = 60;
#else
constexpr uint64_t kSeedsDefault = 2000;
#endif
constexpr uint64_t kSeedsForAverages = 50;  // the averages below are checked over at least this many
constexpr int64_t kFaultyTicks = 2000;
constexpr int64_t kHealedCommitTicksMax = 400;  // several election timeouts plus catch-up
constexpr uint64_t kSeedScheduleSalt = 0x5eed5eed5eed5eedULL;

// A DISPOTIFY_CHECK inside the core aborts the process; say which seed did it.
volatile std::sig_atomic_t g_current_seed = 0;

extern "C" void print_seed_on_abort(int) {
  char line[96];
  const int length =
      std::snprintf(line, sizeof line, "\nraft simulation aborted: replay with DISPOTIFY_RAFT_SEED=%lu\n",
                    static_cast<unsigned long>(g_current_seed));
  if (length > 0) (void)!write(STDERR_FILENO, line, static_cast<size_t>(length));
  std::signal(SIGABRT, SIG_DFL);
  std::raise(SIGABRT);
}

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::strtoull(value, nullptr, 10);
}

std::vector<NodeId> up_nodes(const Simulator& sim, bool up) {
  std::vector<NodeId> nodes;
  for (const NodeId n : sim.ids()) {
    if (sim.is_up(n) == up) nodes.push_back(n);
  }
  return nodes;
}

NodeId pick(SplitMix64& rng, const std::vector<NodeId>& nodes) { return nodes[rng.uniform(nodes.size())]; }

// Whether crashing `node` keeps a majority of voters up in every
// configuration in use: the committed one and the one each running node
// has in force.
bool crash_keeps_majorities(Simulator& sim, NodeId node) {
  std::vector<ConfState> confs = {sim.checker().committed_conf()};
  for (const RaftNode* n : sim.running()) confs.push_back(n->conf_state());
  for (const ConfState& conf : confs) {
    size_t down = 0;
    for (const NodeId voter : conf.voters) down += (voter == node || !sim.is_up(voter)) ? 1 : 0;
    if (down > (conf.voters.size() - 1) / 2) return false;
  }
  return true;
}

// One random fault (or repair).
void inject_fault(Simulator& sim, SplitMix64& rng) {
  const std::vector<NodeId> up = up_nodes(sim, true);
  const std::vector<NodeId> down = up_nodes(sim, false);
  switch (rng.uniform(6)) {
    case 0:
      // Crashes before sending (NetworkFaults) may have taken every node down.
      if (up.empty()) break;
      if (const NodeId victim = pick(rng, up); crash_keeps_majorities(sim, victim)) sim.crash(victim);
      break;
    case 1:
      if (!down.empty()) sim.restart(pick(rng, down));
      break;
    case 2: {
      std::set<NodeId> side_a, side_b;
      for (const NodeId n : sim.ids()) (rng.chance(500'000) ? side_a : side_b).insert(n);
      sim.partition({side_a, side_b});
      break;
    }
    case 3: sim.cut(pick(rng, sim.ids()), pick(rng, sim.ids())); break;  // asymmetric
    default: sim.heal(); break;
  }
}

void propose_somewhere(Simulator& sim, SplitMix64& rng, uint64_t* serial) {
  const std::vector<NodeId> up = up_nodes(sim, true);
  if (up.empty()) return;
  // Mostly at the leader; sometimes at a random node, which must refuse
  // unless it leads.
  const std::optional<NodeId> leader = sim.leader();
  const NodeId target = leader.has_value() && rng.chance(800'000) ? *leader : pick(rng, up);
  (void)sim.propose(target, "c" + std::to_string((*serial)++));
}

bool is_member(const ConfState& conf, NodeId node) {
  return is_voter_in(conf, node) || is_learner_in(conf, node);
}

// One server at a time (thesis §4.1): add a spare or removed node as a
// learner, promote a learner (refused until it caught up), remove a voter
// (the leader too, thesis §4.2.2) while more than two remain, or a learner.
void change_membership(Simulator& sim, SplitMix64& rng) {
  const std::optional<NodeId> leader = sim.leader();
  if (!leader.has_value()) return;
  const ConfState conf = sim.node(*leader).conf_state();
  std::vector<NodeId> outsiders;
  for (const NodeId n : sim.ids()) {
    if (!is_member(conf, n)) outsiders.push_back(n);
  }
  std::optional<ConfChange> change;
  switch (rng.uniform(4)) {
    case 0:
      if (!outsiders.empty()) change = ConfChange{ConfChange::Type::add_learner, pick(rng, outsiders)};
      break;
    case 1:
      if (!conf.learners.empty()) change = ConfChange{ConfChange::Type::promote, pick(rng, conf.learners)};
      break;
    case 2:
      if (conf.voters.size() > 2) change = ConfChange{ConfChange::Type::remove, pick(rng, conf.voters)};
      break;
    default:
      if (!conf.learners.empty()) change = ConfChange{ConfChange::Type::remove, pick(rng, conf.learners)};
      break;
  }
  if (change.has_value()) (void)sim.propose_conf_change(*leader, *change);
}

void transfer_somewhere(Simulator& sim, SplitMix64& rng) {
  const std::optional<NodeId> leader = sim.leader();
  if (!leader.has_value()) return;
  const std::vector<NodeId> voters = sim.node(*leader).conf_state().voters;
  (void)sim.transfer_leadership(*leader, pick(rng, voters));  // may pick itself: refused
}

// The operator shuts down servers whose removal is committed (thesis
// §4.2.3: otherwise they disrupt the cluster), and restarts the others.
void restart_members_stop_others(Simulator& sim) {
  const ConfState committed = sim.checker().committed_conf();
  for (const NodeId n : sim.ids()) {
    if (!is_member(committed, n) && sim.is_up(n)) sim.crash(n);
    if (is_member(committed, n) && !sim.is_up(n)) sim.restart(n);
  }
}

// One leader's whole log (at least its no-op of its own term, §5.4.2) is
// committed on every running member of its configuration, which all follow it.
bool leader_committed_everywhere(Simulator& sim) {
  const std::optional<NodeId> leader = sim.leader();
  if (!leader.has_value()) return false;
  const ConfState conf = sim.node(*leader).conf_state();
  const LogIndex last = sim.node(*leader).log().last_index();
  for (const NodeId n : sim.ids()) {
    if (!sim.is_up(n) || !is_member(conf, n)) continue;
    if (sim.node(n).log().commit_index() < last || sim.node(n).leader_hint() != *leader) return false;
  }
  return true;
}

std::string ids_text(const std::vector<NodeId>& ids) {
  std::string text;
  for (const NodeId n : ids) text += (text.empty() ? "" : ",") + std::to_string(n.value());
  return text;
}

// Each node's view, for a liveness failure's message.
std::string describe_cluster(Simulator& sim) {
  std::string text;
  for (const NodeId n : sim.ids()) {
    text += "\n  " + to_string(n) + ": ";
    if (!sim.is_up(n)) {
      text += "down";
      continue;
    }
    const RaftNode& r = sim.node(n);
    const ConfState conf = r.conf_state();
    text += std::string(role_name(r.role())) + " " + to_string(r.current_term()) + " leader " +
            std::to_string(r.leader_hint().value()) + " commit " +
            std::to_string(r.log().commit_index().value()) + " last " +
            std::to_string(r.log().last_index().value()) + " voters {" + ids_text(conf.voters) +
            "} learners {" + ids_text(conf.learners) + "} at " + std::to_string(r.conf_index().value());
  }
  return text;
}

struct FuzzStats {
  uint64_t committed_entries = 0;
  uint64_t elections = 0;  // highest term reached, summed over seeds
  uint64_t conf_changes = 0;
  uint64_t reads_ok = 0;
  uint64_t reads_failed = 0;
  uint64_t compactions = 0;
  uint64_t snapshots_installed = 0;
  uint64_t torn_persists = 0;
};

// Runs one seed; returns "" or the failure (which names the seed).
std::string run_seed(uint64_t seed, FuzzStats* stats) {
  SplitMix64 rng(seed ^ kSeedScheduleSalt);
  SimOptions options;
  options.seed = seed;
  options.node_count = rng.chance(300'000) ? 5 : 3;
  options.spare_node_count = rng.uniform(3);
  options.pre_vote = rng.chance(700'000);  // mostly the production settings, sometimes the bare protocol
  options.check_quorum = rng.chance(700'000);
  options.faults.drop_per_million = static_cast<uint32_t>(rng.uniform(150'000));
  options.faults.duplicate_per_million = static_cast<uint32_t>(rng.uniform(100'000));
  options.faults.delay_ticks_max = 1 + static_cast<int64_t>(rng.uniform(6));
  options.faults.crash_before_send_per_million =
      static_cast<uint32_t>(rng.uniform(200));  // per Ready; rare, restarts are rarer
  options.faults.crash_during_persist_per_million = static_cast<uint32_t>(rng.uniform(200));
  // Most seeds snapshot now and then (per node, about every 100 to 1,000
  // ticks), keeping a few trailing entries or none. Chunks of 64 B to 1 KiB
  // against snapshots of up to ~20 KB: a transfer takes several round
  // trips, yet ends well before the leader's next snapshot restarts it.
  options.compact_per_million = rng.chance(800'000) ? 1'000 + static_cast<uint32_t>(rng.uniform(9'000)) : 0;
  options.compaction_entries_kept_max = rng.uniform(16);
  options.snapshot_chunk_bytes = uint64_t{64} << rng.uniform(5);
  Simulator sim(options);
  uint64_t serial = 0;
  const uint32_t fault_per_million = 5'000 + static_cast<uint32_t>(rng.uniform(45'000));
  for (int64_t t = 0; t < kFaultyTicks && sim.failure().empty(); ++t) {
    if (rng.chance(fault_per_million)) inject_fault(sim, rng);
    if (rng.chance(300'000)) propose_somewhere(sim, rng, &serial);
    if (rng.chance(100'000)) sim.read_index(pick(rng, sim.ids()));
    if (rng.chance(20'000)) change_membership(sim, rng);
    if (rng.chance(2'000)) transfer_somewhere(sim, rng);
    sim.tick();
    if (env_or("DISPOTIFY_RAFT_TRACE", 0) > 1 && t % 10 == 0)
      std::printf("tick %ld:%s\n", static_cast<long>(sim.now_ticks()), describe_cluster(sim).c_str());
  }
  if (!sim.failure().empty()) return sim.failure();
  // Heal everything; commits must resume within a bound.
  sim.heal();
  sim.set_faults({});
  bool resumed = false;
  const bool trace = env_or("DISPOTIFY_RAFT_TRACE", 0) != 0;  // the cluster every 10 ticks while healing
  for (int64_t t = 0; t < kHealedCommitTicksMax && sim.failure().empty() && !resumed; ++t) {
    restart_members_stop_others(sim);  // the committed configuration may still change
    resumed = leader_committed_everywhere(sim);
    if (!resumed) sim.tick();
    if (trace && t % 10 == 0)
      std::printf("tick %ld:%s\n", static_cast<long>(sim.now_ticks()), describe_cluster(sim).c_str());
  }
  if (!sim.failure().empty()) return sim.failure();
  if (!resumed) {
    return "seed " + std::to_string(seed) + ": no leader committing on every node after healing" +
           describe_cluster(sim) + "\n" + sim.describe();
  }
  stats->committed_entries += sim.checker().committed().size();
  stats->elections += sim.node(*sim.leader()).current_term().value();
  for (const Entry& e : sim.checker().committed()) stats->conf_changes += e.type == EntryType::config ? 1 : 0;
  stats->reads_ok += sim.reads_ok();
  stats->reads_failed += sim.reads_failed();
  stats->compactions += sim.compactions();
  stats->snapshots_installed += sim.snapshots_installed();
  stats->torn_persists += sim.torn_persists();
  const Status full = sim.check_full();
  return full.ok() ? "" : "seed " + std::to_string(seed) + ": " + full.error().message;
}

TEST(FuzzSimulation, InvariantsHoldUnderRandomFaultsAndCommitsResumeAfterHealing) {
  const uint64_t only = env_or("DISPOTIFY_RAFT_SEED", 0);
  const uint64_t first = only != 0 ? only : env_or("DISPOTIFY_RAFT_FIRST_SEED", 1);
  const uint64_t last = only != 0 ? only : env_or("DISPOTIFY_RAFT_SEEDS", kSeedsDefault);
  ASSERT_LE(first, last) << "DISPOTIFY_RAFT_SEEDS is the last seed to run, not a count";
  auto* previous = std::signal(SIGABRT, print_seed_on_abort);
  FuzzStats stats;
  for (uint64_t seed = first; seed <= last; ++seed) {
    g_current_seed = static_cast<std::sig_atomic_t>(seed);
    const std::string failure = run_seed(seed, &stats);
    ASSERT_EQ(failure, "") << "replay with DISPOTIFY_RAFT_SEED=" << seed;
  }
  std::signal(SIGABRT, previous);
  // The faults must not be so harsh that nothing happens: on average every
  // seed commits a fair share of its ~600 proposals and sees several terms.
  const uint64_t seeds = last - first + 1;
  std::printf(
      "%lu seeds: %lu entries committed, %lu terms, %lu membership changes, %lu reads ok, %lu failed, "
      "%lu compactions, %lu snapshots installed, %lu torn persists\n",
      static_cast<unsigned long>(seeds), static_cast<unsigned long>(stats.committed_entries),
      static_cast<unsigned long>(stats.elections), static_cast<unsigned long>(stats.conf_changes),
      static_cast<unsigned long>(stats.reads_ok), static_cast<unsigned long>(stats.reads_failed),
      static_cast<unsigned long>(stats.compactions), static_cast<unsigned long>(stats.snapshots_installed),
      static_cast<unsigned long>(stats.torn_persists));
  if (seeds < kSeedsForAverages) return;  // one replayed seed may be a quiet one
  EXPECT_GE(stats.committed_entries, seeds * 100);
  EXPECT_GE(stats.elections, seeds * 2);
  EXPECT_GE(stats.conf_changes, seeds) << "membership changes must actually happen";
  EXPECT_GE(stats.reads_ok, seeds * 50);
  // Snapshots must really be exercised: compactions on most seeds, and
  // followers catching up through an installed snapshot on a fair share.
  EXPECT_GE(stats.compactions, seeds);
  EXPECT_GE(stats.snapshots_installed, seeds / 10);
  EXPECT_GE(stats.torn_persists, seeds / 10);
}

}  // namespace
}  // namespace dispotify::raft::sim
