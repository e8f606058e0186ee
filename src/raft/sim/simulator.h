// A deterministic, single-threaded simulation of a Raft cluster (in the
// spirit of TigerBeetle's VOPR): N RaftNodes, a network that drops, delays,
// reorders and duplicates messages and can be partitioned, crashes and
// restarts from each node's "disk" (its persisted hard state, log and
// snapshot). Each node's shell snapshots its state machine (the list of
// applied entries, state_machine.h) now and then, compacts the log, and
// moves snapshots to lagging followers in chunks as a real shell would.
// A crash can also interrupt the persisting of a Ready: the disk then keeps
// a prefix of its writes (whole entries, in order; the hard state last), and
// a partially received snapshot file is torn and discarded on restart.
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
  // A node crashes while persisting a Ready, after a random prefix of its
  // writes (raft_node.h step 1: chunks, snapshot rename, log, hard state).
  uint32_t crash_during_persist_per_million = 0;
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
  // Per node and tick: the shell snapshots its state machine and compacts,
  // keeping a random number of trailing entries in [0, entries_kept_max].
  uint32_t compact_per_million = 0;
  uint64_t compaction_entries_kept_max = 0;
  uint64_t snapshot_chunk_bytes = 64;
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
  void crash(NodeId node);  // stops; keeps only what it persisted
  // Back from its disk: the state machine from its snapshot (if any), the
  // log after it; a partially received snapshot is discarded.
  void restart(NodeId node);
  // The node's shell snapshots its state machine at its applied index and
  // compacts its log, keeping `entries_kept` entries before the snapshot.
  void compact(NodeId node, uint64_t entries_kept);
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
  // A node's state machine: the entries applied, from index 1 (restored
  // from its snapshot on restart, replaced by an installed snapshot).
  const std::vector<Entry>& applied(NodeId node) const;
  std::vector<const RaftNode*> running() const;

  int64_t now_ticks() const { return now_ticks_; }
  uint64_t seed() const { return options_.seed; }
  // Empty while every invariant holds; otherwise what broke, with the seed.
  const std::string& failure() const { return failure_; }
  Status check_full();
  // One line per node (role, term, log cursors, snapshot, a leader's view
  // of each follower), for failure messages.
  std::string describe() const;
  uint64_t messages_delivered() const { return messages_delivered_; }
  uint64_t reads_ok() const { return reads_ok_; }
  uint64_t reads_failed() const { return reads_failed_; }
  // Every read is answered within this many ticks (ok or not).
  int64_t read_answer_ticks_max() const {
    return kReadTimeoutElectionsMax * options_.election_timeout_ticks + 2;
  }
  uint64_t compactions() const { return compactions_; }
  uint64_t snapshots_installed() const { return snapshots_installed_; }
  uint64_t snapshot_chunks_sent() const { return snapshot_chunks_sent_; }
  uint64_t torn_persists() const { return torn_persists_; }
  const InvariantChecker& checker() const { return checker_; }

 private:
  struct Disk {
    HardState hard_state;
    std::vector<Entry> log;  // contiguous, after the snapshot
    std::optional<SnapshotMeta> snapshot;
    std::string snapshot_bytes;
    std::optional<SnapshotMeta> partial_meta;  // a snapshot being received
    std::string partial_bytes;
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
  void maybe_compact(NodeId node);
  // Returns whether every write completed; `writes_max` cuts it short.
  bool persist(Disk& disk, const Ready& ready, uint64_t writes_max);
  void write_chunk(Disk& disk, const SnapshotChunk& chunk);
  void finalize_snapshot(Disk& disk, const SnapshotMeta& meta);
  void write_entry(Disk& disk, const Entry& entry);
  bool fill_chunk(const Disk& disk, InstallSnapshot& chunk) const;
  void apply(NodeId node, const Ready& ready);
  void restore_state_machine(NodeId node);
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
  uint64_t compactions_ = 0;
  uint64_t snapshots_installed_ = 0;
  uint64_t snapshot_chunks_sent_ = 0;
  uint64_t torn_persists_ = 0;
  std::string failure_;
};

}  // namespace dispotify::raft::sim
