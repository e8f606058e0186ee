#include "raft/sim/simulator.h"

#include <algorithm>

#include "base/check.h"

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
}

void Simulator::restart(NodeId id) {
  SimNode& n = sim_node(id);
  DISPOTIFY_CHECK(!n.raft.has_value());
  n.raft.emplace(config_for(id), n.disk.hard_state, n.disk.log);
  after_step();
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
    persist(n.disk, ready);
    if (rng_.chance(options_.faults.crash_before_send_per_million)) {
      crash(id);  // `raft` is gone: the messages and applies of this Ready are lost
      return;
    }
    for (Message& message : ready.messages) enqueue(std::move(message));
    for (const Entry& entry : ready.committed_entries) {
      fail(checker_.check_applied(id, n.applied.size(), entry));
      n.applied.push_back(entry);
    }
    for (const ReadState& read : ready.read_states) check_read(id, read);
    raft.advance(ready);
  }
}

void Simulator::persist(Disk& disk, const Ready& ready) {
  if (ready.hard_state.has_value()) {
    DISPOTIFY_CHECK_MSG(ready.hard_state->current_term >= disk.hard_state.current_term,
                        "persisted term goes back");
    disk.hard_state = *ready.hard_state;
  }
  if (ready.entries.empty()) return;
  const uint64_t first = ready.entries.front().index.value();
  DISPOTIFY_CHECK_MSG(first >= 1 && first <= disk.log.size() + 1, "persisting leaves a gap in the log");
  disk.log.resize(first - 1);  // a new leader's entries replace a conflicting suffix
  disk.log.insert(disk.log.end(), ready.entries.begin(), ready.entries.end());
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

void Simulator::fail(const Status& status) {
  if (status.ok() || !failure_.empty()) return;
  failure_ = "seed " + std::to_string(options_.seed) + " at tick " + std::to_string(now_ticks_) + ": " +
             status.error().message;
}

}  // namespace dispotify::raft::sim
