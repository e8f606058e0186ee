#include "raft/sim/simulator.h"

#include <algorithm>
#include <limits>

#include "base/check.h"
#include "raft/sim/state_machine.h"

namespace dispotify::raft::sim {

namespace {

ConfState initial_conf_of(size_t voter_count) {
  ConfState conf;
  for (size_t i = 1; i <= voter_count; ++i) conf.voters.push_back(NodeId(i));
  return conf;
}

}  // namespace

Simulator::Simulator(SimOptions options)
    : options_(options),
      rng_(options.seed),
      nodes_(options.node_count + options.spare_node_count),
      checker_(initial_conf_of(options.node_count)) {
  DISPOTIFY_CHECK(options_.node_count >= 1);
  DISPOTIFY_CHECK(options_.faults.delay_ticks_min >= 1);
  DISPOTIFY_CHECK(options_.faults.delay_ticks_max >= options_.faults.delay_ticks_min);
  for (const NodeId id : ids()) restart(id);
}

std::vector<NodeId> Simulator::ids() const {
  std::vector<NodeId> ids;
  for (size_t i = 0; i < nodes_.size(); ++i) ids.push_back(NodeId(i + 1));
  return ids;
}

Config Simulator::config_for(NodeId node) {
  Config config;
  config.id = node;
  // The initial voters bootstrap together; spares join later (thesis §4.1).
  if (node.value() <= options_.node_count) config.initial_conf = initial_conf_of(options_.node_count);
  config.election_timeout_ticks = options_.election_timeout_ticks;
  config.heartbeat_interval_ticks = options_.heartbeat_interval_ticks;
  config.pre_vote = options_.pre_vote;
  config.check_quorum = options_.check_quorum;
  config.random_seed = rng_.next();  // each incarnation its own jitter, all from the one seed
  config.snapshot_chunk_bytes = options_.snapshot_chunk_bytes;
  return config;
}

Simulator::SimNode& Simulator::sim_node(NodeId node) {
  DISPOTIFY_CHECK(!node.is_zero() && node.value() <= nodes_.size());
  return nodes_[node.value() - 1];
}

const Simulator::SimNode& Simulator::sim_node(NodeId node) const {
  DISPOTIFY_CHECK(!node.is_zero() && node.value() <= nodes_.size());
  return nodes_[node.value() - 1];
}

bool Simulator::is_up(NodeId node) const { return sim_node(node).raft.has_value(); }

RaftNode& Simulator::node(NodeId node) {
  DISPOTIFY_CHECK_MSG(is_up(node), to_string(node) + " is down");
  return *sim_node(node).raft;
}

const std::vector<Entry>& Simulator::applied(NodeId node) const { return sim_node(node).applied; }

std::vector<const RaftNode*> Simulator::running() const {
  std::vector<const RaftNode*> running;
  for (const SimNode& n : nodes_) {
    if (n.raft.has_value()) running.push_back(&*n.raft);
  }
  return running;
}

std::optional<NodeId> Simulator::leader() const {
  std::optional<NodeId> leader;
  Term term;
  for (const RaftNode* n : running()) {
    if (n->role() == Role::leader && (!leader.has_value() || n->current_term() > term)) {
      leader = n->id();
      term = n->current_term();
    }
  }
  return leader;
}

void Simulator::tick() {
  if (!failure_.empty()) return;
  ++now_ticks_;
  for (const NodeId id : ids()) {
    if (!is_up(id)) continue;
    maybe_compact(id);
    if (!is_up(id) || !failure_.empty()) continue;
    node(id).tick();
    process_ready(id);
  }
  deliver_due();
  check_reads_answered();
  if (failure_.empty() && now_ticks_ % options_.full_check_interval_ticks == 0) fail(check_full());
}

void Simulator::run(int64_t ticks) {
  for (int64_t i = 0; i < ticks && failure_.empty(); ++i) tick();
}

Result<LogIndex> Simulator::propose(NodeId id, std::string data) {
  if (!is_up(id)) return make_error(Errc::unavailable, to_string(id) + " is down");
  Result<LogIndex> index = node(id).propose(std::move(data));
  process_ready(id);
  return index;
}

Result<LogIndex> Simulator::propose_conf_change(NodeId id, ConfChange change) {
  if (!is_up(id)) return make_error(Errc::unavailable, to_string(id) + " is down");
  Result<LogIndex> index = node(id).propose_conf_change(change);
  process_ready(id);
  return index;
}

Status Simulator::transfer_leadership(NodeId id, NodeId target) {
  if (!is_up(id)) return make_error(Errc::unavailable, to_string(id) + " is down");
  Status status = node(id).transfer_leadership(target);
  process_ready(id);
  return status;
}

void Simulator::read_index(NodeId id) {
  if (!is_up(id)) return;
  const uint64_t context = ++read_contexts_;
  reads_[{id, context}] = PendingRead{LogIndex(checker_.committed().size()), now_ticks_};
  node(id).read_index(context);
  process_ready(id);
}

// Thesis §6.4: a read may be served at `index` only if that includes every
// entry committed before the read began (linearizability), and the index
// must itself be committed.
void Simulator::check_read(NodeId id, const ReadState& read) {
  const auto it = reads_.find({id, read.context});
  if (it == reads_.end()) {
    fail(make_error(Errc::internal, "invariant violated: " + to_string(id) + " answered read " +
                                        std::to_string(read.context) + " it was not asked or twice"));
    return;
  }
  const PendingRead asked = it->second;
  reads_.erase(it);
  if (!read.ok) {
    ++reads_failed_;
    return;
  }
  ++reads_ok_;
  if (read.index < asked.committed_before || read.index.value() > checker_.committed().size()) {
    fail(make_error(Errc::internal, "invariant violated: read at " + to_string(id) + " got " +
                                        to_string(read.index) + " but " + to_string(asked.committed_before) +
                                        " was committed before it and " +
                                        std::to_string(checker_.committed().size()) + " is committed now"));
  }
}

void Simulator::check_reads_answered() {
  for (const auto& [key, read] : reads_) {
    if (now_ticks_ - read.asked_at_ticks > read_answer_ticks_max()) {
      fail(make_error(Errc::internal, "read " + std::to_string(key.second) + " at " + to_string(key.first) +
                                          " not answered for " +
                                          std::to_string(now_ticks_ - read.asked_at_ticks) + " ticks"));
      return;
    }
  }
}

void Simulator::crash(NodeId id) {
  SimNode& n = sim_node(id);
  DISPOTIFY_CHECK(n.raft.has_value());
  n.raft.reset();  // volatile state and the state machine are gone; the disk stays
  n.applied.clear();
  std::erase_if(reads_, [&](const auto& read) { return read.first.first == id; });  // the clients went too
  const LogIndex snapshot_index = n.disk.snapshot.has_value() ? n.disk.snapshot->index : LogIndex();
  fail(checker_.node_crashed(id, n.disk.hard_state.current_term,
                             std::max(n.disk.hard_state.commit_index, snapshot_index)));
}

void Simulator::restart(NodeId id) {
  SimNode& n = sim_node(id);
  DISPOTIFY_CHECK(!n.raft.has_value());
  // A partially received snapshot (maybe torn by the crash) is discarded;
  // the stored log is reduced to what follows the snapshot, as the core sees it.
  n.disk.partial_meta.reset();
  n.disk.partial_bytes.clear();
  n.disk.log = entries_after_snapshot(std::move(n.disk.log), n.disk.snapshot);
  restore_state_machine(id);
  Config config = config_for(id);
  config.applied_index = LogIndex(n.applied.size());
  n.raft.emplace(config, n.disk.hard_state, n.disk.log, n.disk.snapshot);
  after_step();
}

void Simulator::maybe_compact(NodeId id) {
  if (options_.compact_per_million == 0 || !rng_.chance(options_.compact_per_million)) return;
  compact(id, rng_.uniform(options_.compaction_entries_kept_max + 1));
}

// The shell's side of §7: snapshot the state machine, store it, tell the
// core, then drop the stored entries the snapshot covers.
void Simulator::compact(NodeId id, uint64_t entries_kept) {
  SimNode& n = sim_node(id);
  RaftNode& raft = node(id);
  const LogIndex applied(n.applied.size());
  DISPOTIFY_CHECK(raft.log().applied_index() == applied);
  if (applied.is_zero() || (n.disk.snapshot.has_value() && n.disk.snapshot->index >= applied)) return;
  const SnapshotMeta meta = raft.snapshot_meta_at(applied);
  n.disk.snapshot = meta;
  n.disk.snapshot_bytes = encode_state(n.applied);
  n.disk.log = entries_after_snapshot(std::move(n.disk.log), n.disk.snapshot);
  raft.compact(meta, entries_kept);
  ++compactions_;
  process_ready(id);  // a leader restarts transfers of an older snapshot
}

// The state machine is reset to the snapshot on disk (or to empty).
void Simulator::restore_state_machine(NodeId id) {
  SimNode& n = sim_node(id);
  n.applied.clear();
  if (!n.disk.snapshot.has_value()) return;
  Result<std::vector<Entry>> state = decode_state(n.disk.snapshot_bytes);
  if (!state.ok()) {
    fail(state.error());
    return;
  }
  fail(checker_.check_snapshot(id, *n.disk.snapshot, *state));
  n.applied = std::move(*state);
}

void Simulator::partition(const std::vector<std::set<NodeId>>& groups) {
  heal();
  for (const NodeId a : ids()) {
    for (const NodeId b : ids()) {
      const auto same_group = [&](const std::set<NodeId>& g) { return g.contains(a) && g.contains(b); };
      if (a != b && std::none_of(groups.begin(), groups.end(), same_group)) cut_links_.insert({a, b});
    }
  }
}

void Simulator::cut(NodeId from, NodeId to) { cut_links_.insert({from, to}); }

void Simulator::heal() { cut_links_.clear(); }

// A crashed sender's messages already in flight still arrive (even to its
// next incarnation's peers), as on a real network.
bool Simulator::link_up(NodeId from, NodeId to) const {
  return is_up(to) && !cut_links_.contains({from, to});
}

// The Ready contract: persist, then send, then apply, then advance.
void Simulator::process_ready(NodeId id) {
  SimNode& n = sim_node(id);
  RaftNode& raft = *n.raft;
  // Only this node changed: check it, recording its new commits before
  // they are applied.
  fail(checker_.check({&raft}));
  while (raft.has_ready() && failure_.empty()) {
    Ready ready = raft.ready();
    const bool torn = rng_.chance(options_.faults.crash_during_persist_per_million);
    const uint64_t writes = ready.snapshot_chunks.size() + (ready.snapshot.has_value() ? 2 : 0) +
                            ready.entries.size() + (ready.hard_state.has_value() ? 1 : 0);
    const uint64_t writes_max = torn ? rng_.uniform(writes + 1) : std::numeric_limits<uint64_t>::max();
    const bool persisted = persist(n.disk, ready, writes_max);
    if (!failure_.empty()) return;
    if (torn || !persisted) ++torn_persists_;
    if (torn || !persisted || rng_.chance(options_.faults.crash_before_send_per_million)) {
      crash(id);  // `raft` is gone: the messages and applies of this Ready are lost
      return;
    }
    for (Message& message : ready.messages) {
      if (auto* chunk = std::get_if<InstallSnapshot>(&message.payload)) {
        if (!fill_chunk(n.disk, *chunk)) continue;
        ++snapshot_chunks_sent_;
      }
      enqueue(std::move(message));
    }
    apply(id, ready);
    for (const ReadState& read : ready.read_states) check_read(id, read);
    raft.advance(ready);
  }
}

// Raft_node.h step 3: install the snapshot, then apply the entries.
void Simulator::apply(NodeId id, const Ready& ready) {
  SimNode& n = sim_node(id);
  if (ready.snapshot.has_value()) {
    if (n.disk.snapshot != ready.snapshot) {
      fail(make_error(Errc::internal, to_string(id) + " installs a snapshot that is not its current one"));
      return;
    }
    restore_state_machine(id);
    ++snapshots_installed_;
  }
  for (const Entry& entry : ready.committed_entries) {
    fail(checker_.check_applied(id, n.applied.size(), entry));
    n.applied.push_back(entry);
  }
}

void Simulator::enqueue(Message message) {
  const NetworkFaults& f = options_.faults;
  if (rng_.chance(f.drop_per_million)) return;
  const int copies = rng_.chance(f.duplicate_per_million) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    const uint64_t spread = static_cast<uint64_t>(f.delay_ticks_max - f.delay_ticks_min + 1);
    const int64_t delay = f.delay_ticks_min + static_cast<int64_t>(rng_.uniform(spread));
    network_.insert(InFlight{now_ticks_ + delay, sequence_++, message});
  }
}

void Simulator::deliver_due() {
  while (!network_.empty() && network_.begin()->deliver_at_ticks <= now_ticks_ && failure_.empty()) {
    auto handle = network_.extract(network_.begin());
    const Message message = std::move(handle.value().message);
    // Partitions and crashes apply at delivery time as well as at send time.
    if (!link_up(message.from, message.to)) continue;
    ++messages_delivered_;
    node(message.to).step(message);
    process_ready(message.to);  // checks the invariants on the stepped node
  }
}

void Simulator::after_step() {
  if (failure_.empty()) fail(checker_.check(running()));
}

Status Simulator::check_full() { return checker_.check_full(running()); }

std::string Simulator::describe() const {
  static constexpr const char* kStates[] = {"probe", "replicate", "snapshot"};
  std::string out;
  for (const NodeId id : ids()) {
    out += "\n  " + to_string(id) + ": ";
    if (!is_up(id)) {
      out += "down";
      continue;
    }
    const RaftNode& n = *sim_node(id).raft;
    const RaftLog& log = n.log();
    out += std::string(role_name(n.role())) + " " + to_string(n.current_term()) + " leader " +
           std::to_string(n.leader_hint().value()) + " log (" +
           std::to_string(log.compacted_index().value()) + ", " + std::to_string(log.last_index().value()) +
           "] commit " + std::to_string(log.commit_index().value()) + " applied " +
           std::to_string(log.applied_index().value()) + " snapshot " +
           (n.snapshot().has_value() ? std::to_string(n.snapshot()->index.value()) : "-");
    if (n.role() != Role::leader) continue;
    // Only the servers it replicates to: members, and any whose removal is
    // not committed yet (asking progress() for another node aborts).
    for (const PeerProgress& p : n.peer_progress()) {
      out += " | " + std::to_string(p.node.value()) + ": " + kStates[static_cast<int>(p.state)] + " match " +
             std::to_string(p.match.value()) + " next " + std::to_string(p.next.value());
      if (p.state == Progress::State::snapshot) {
        const Progress& progress = n.progress(p.node);
        out += " offsets " + std::to_string(progress.snapshot_offset_acked) + "/" +
               std::to_string(progress.snapshot_offset_sent);
      }
    }
  }
  return out;
}

void Simulator::fail(const Status& status) {
  if (status.ok() || !failure_.empty()) return;
  failure_ = "seed " + std::to_string(options_.seed) + " at tick " + std::to_string(now_ticks_) + ": " +
             status.error().message;
}

}  // namespace dispotify::raft::sim
