// Randomized simulation (TigerBeetle VOPR style): for each seed, a 3- or
// 5-node cluster runs under message loss, duplication, reordering, delays,
// symmetric and asymmetric partitions, crashes (some between persisting a
// Ready and sending it, some in the middle of persisting it, tearing
// snapshot chunks) and restarts, with client proposals throughout and
// periodic snapshots and log compaction (chunked InstallSnapshot to lagging
// followers, restarts from snapshot + log);
// the invariant checker runs after every step. Then the faults stop, and
// the cluster must elect a leader and commit again within a bounded number
// of ticks (liveness after healing).
//
// Replay one seed:  DISPOTIFY_RAFT_SEED=1234 raft_tests --gtest_filter='*Fuzz*'
// Run more seeds:   DISPOTIFY_RAFT_SEEDS=2000 raft_tests --gtest_filter='*Fuzz*'
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
constexpr uint64_t kSeedsDefault = 500;
#endif
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

// One random fault (or repair). At most a minority is down at once, so the
// cluster can always make progress once the network heals.
void inject_fault(Simulator& sim, SplitMix64& rng) {
  const std::vector<NodeId> up = up_nodes(sim, true);
  const std::vector<NodeId> down = up_nodes(sim, false);
  switch (rng.uniform(6)) {
    case 0:
      if (down.size() + 1 <= (sim.ids().size() - 1) / 2) sim.crash(pick(rng, up));
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

struct FuzzStats {
  uint64_t committed_entries = 0;
  uint64_t elections = 0;  // highest term reached, summed over seeds
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
    sim.tick();
  }
  if (!sim.failure().empty()) return sim.failure();
  // Heal everything; commits must resume within a bound.
  sim.heal();
  sim.set_faults({});
  for (const NodeId n : up_nodes(sim, false)) sim.restart(n);
  // Done when one leader's whole log (at least its no-op of its own term,
  // §5.4.2) is committed on every node and everyone follows it.
  const bool resumed = sim.run_until(
      [&] {
        const std::optional<NodeId> leader = sim.leader();
        if (!leader.has_value()) return false;
        const LogIndex last = sim.node(*leader).log().last_index();
        for (const NodeId n : sim.ids()) {
          if (sim.node(n).log().commit_index() < last || sim.node(n).leader_hint() != *leader) return false;
        }
        return true;
      },
      kHealedCommitTicksMax);
  if (!sim.failure().empty()) return sim.failure();
  if (!resumed) {
    return "seed " + std::to_string(seed) + ": no leader committing on every node after healing" +
           sim.describe();
  }
  stats->committed_entries += sim.checker().committed().size();
  stats->elections += sim.node(*sim.leader()).current_term().value();
  stats->compactions += sim.compactions();
  stats->snapshots_installed += sim.snapshots_installed();
  stats->torn_persists += sim.torn_persists();
  const Status full = sim.check_full();
  return full.ok() ? "" : "seed " + std::to_string(seed) + ": " + full.error().message;
}

TEST(FuzzSimulation, InvariantsHoldUnderRandomFaultsAndCommitsResumeAfterHealing) {
  const uint64_t only = env_or("DISPOTIFY_RAFT_SEED", 0);
  const uint64_t first = only != 0 ? only : 1;
  const uint64_t last = only != 0 ? only : env_or("DISPOTIFY_RAFT_SEEDS", kSeedsDefault);
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
      "%lu seeds: %lu entries committed, %lu terms, %lu compactions, %lu snapshots installed, %lu torn "
      "persists\n",
      static_cast<unsigned long>(seeds), static_cast<unsigned long>(stats.committed_entries),
      static_cast<unsigned long>(stats.elections), static_cast<unsigned long>(stats.compactions),
      static_cast<unsigned long>(stats.snapshots_installed), static_cast<unsigned long>(stats.torn_persists));
  EXPECT_GE(stats.committed_entries, seeds * 100);
  EXPECT_GE(stats.elections, seeds * 2);
  // Snapshots must really be exercised: compactions on most seeds, and
  // followers catching up through an installed snapshot on a fair share.
  if (seeds >= 50) {
    EXPECT_GE(stats.compactions, seeds);
    EXPECT_GE(stats.snapshots_installed, seeds / 10);
    EXPECT_GE(stats.torn_persists, seeds / 10);
  }
}

}  // namespace
}  // namespace dispotify::raft::sim
