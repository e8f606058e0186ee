// A deterministic, single-threaded simulation of a Raft cluster (in the
// spirit of TigerBeetle's VOPR): N RaftNodes, a network that drops, delays,
// reorders and duplicates messages and can be partitioned, crashes and
// restarts from each node's "disk" (its persisted hard state and log).
//
// One seed drives every random choice, so a run replays exactly from its
// seed. After every step the InvariantChecker runs; the first violation is
// kept (with the seed and tick) in failure() and the run stops advancing.
//
// Reads (read_index) are checked for linearizability: a read's index must be
// at least every index committed anywhere before it was asked for (thesis
// §6.4), and every read must be answered, ok or not, within a bound.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "raft/raft_node.h"
#include "raft/sim/invariants.h"

namespace dispotify::raft::sim {

struct NetworkFaults {
  uint32_t drop_per_million = 0;
  uint32_t duplicate_per_million = 0;
  int64_t delay_ticks_min = 1;  // at least one tick, so a tick's work is finite
  int64_t delay_ticks_max = 1;  // > min reorders messages
  // A node crashes after persisting a Ready but before sending its
  // messages or applying its entries: the worst moment for a restart.
  uint32_t crash_before_send_per_million = 0;
};

struct SimOptions {
  size_t node_count = 3;        // voters of the initial configuration: ids 1..node_count
  size_t spare_node_count = 0;  // more nodes, running with no configuration, to be added
  uint64_t seed = 1;
  NetworkFaults faults;
  bool pre_vote = true;
  bool check_quorum = true;
  int64_t election_timeout_ticks = 10;
  int64_t heartbeat_interval_ticks = 1;
  int64_t full_check_interval_ticks = 100;  // Log Matching / Leader Completeness
};

class Simulator {
 public:
  explicit Simulator(SimOptions options);

  // One tick of logical time: every running node ticks, then every message
  // due by now is delivered (each delivery may send more, due later).
  void tick();
  // Ticks until `done()` holds or `ticks_max` pass; returns whether it held.
  template <class Predicate>
  bool run_until(Predicate done, int64_t ticks_max) {
    for (int64_t i = 0; i < ticks_max && failure_.empty(); ++i) {
      if (done()) return true;
      tick();
    }
    return failure_.empty() && done();
  }
  void run(int64_t ticks);

  Result<LogIndex> propose(NodeId node, std::string data);
  Result<LogIndex> propose_conf_change(NodeId node, ConfChange change);
  Status transfer_leadership(NodeId node, NodeId target);
  // Asks `node` for a read index; the answer is checked when it comes.
  void read_index(NodeId node);
  void crash(NodeId node);    // stops; keeps only what it persisted
  void restart(NodeId node);  // back from its disk, with an empty state machine
  // Replaces any earlier partition or cut: nodes in different groups cannot
  // exchange messages (both directions); a node in no group is isolated.
  void partition(const std::vector<std::set<NodeId>>& groups);
  // Messages from `from` to `to` are lost (one direction only).
  void cut(NodeId from, NodeId to);
  void heal();
  void set_faults(NetworkFaults faults) { options_.faults = faults; }

  std::vector<NodeId> ids() const;
  bool is_up(NodeId node) const;
  RaftNode& node(NodeId node);
  // The leader with the highest term among running nodes, if any.
  std::optional<NodeId> leader() const;
  // Entries applied by a node's state machine since it last (re)started.
  const std::vector<Entry>& applied(NodeId node) const;
  std::vector<const RaftNode*> running() const;

  int64_t now_ticks() const { return now_ticks_; }
  uint64_t seed() const { return options_.seed; }
  // Empty while every invariant holds; otherwise what broke, with the seed.
  const std::string& failure() const { return failure_; }
  Status check_full();
  uint64_t messages_delivered() const { return messages_delivered_; }
  uint64_t reads_ok() const { return reads_ok_; }
  uint64_t reads_failed() const { return reads_failed_; }
  // Every read is answered within this many ticks (ok or not).
  int64_t read_answer_ticks_max() const {
    return kReadTimeoutElectionsMax * options_.election_timeout_ticks + 2;
  }
  const InvariantChecker& checker() const { return checker_; }

 private:
  struct Disk {
    HardState hard_state;
    std::vector<Entry> log;
  };
  struct SimNode {
    std::optional<RaftNode> raft;  // nullopt while crashed
    Disk disk;
    std::vector<Entry> applied;
  };
  struct PendingRead {
    LogIndex committed_before;  // the highest index committed anywhere when asked
    int64_t asked_at_ticks;
  };
  struct InFlight {
    int64_t deliver_at_ticks;
    uint64_t sequence;  // FIFO among messages due at the same tick
    Message message;
    friend bool operator<(const InFlight& a, const InFlight& b) {
      return a.deliver_at_ticks != b.deliver_at_ticks ? a.deliver_at_ticks < b.deliver_at_ticks
                                                      : a.sequence < b.sequence;
    }
  };

  Config config_for(NodeId node);
  SimNode& sim_node(NodeId node);
  const SimNode& sim_node(NodeId node) const;
  void process_ready(NodeId node);
  void persist(Disk& disk, const Ready& ready);
  void enqueue(Message message);
  bool link_up(NodeId from, NodeId to) const;
  void deliver_due();
  void after_step();
  void check_read(NodeId node, const ReadState& read);
  void check_reads_answered();
  void fail(const Status& status);

  SimOptions options_;
  SplitMix64 rng_;
  std::vector<SimNode> nodes_;  // node id i + 1 at position i
  std::set<InFlight> network_;
  std::set<std::pair<NodeId, NodeId>> cut_links_;
  InvariantChecker checker_;
  int64_t now_ticks_ = 0;
  uint64_t sequence_ = 0;
  uint64_t messages_delivered_ = 0;
  std::map<std::pair<NodeId, uint64_t>, PendingRead> reads_;  // by node and context
  uint64_t read_contexts_ = 0;
  uint64_t reads_ok_ = 0;
  uint64_t reads_failed_ = 0;
  std::string failure_;
};

}  // namespace dispotify::raft::sim
