#include "cluster/raft_runner.h"

#include <algorithm>
#include <chrono>

#include "base/clock.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "catalog/feature_level.h"
#include "cluster/catalog_entry.h"
#include "cluster/node_id.h"

namespace dispotify::cluster {
namespace {

// Reads waiting for a round are answered in one ReadIndex round; a bound
// keeps a flood of readers from growing the queue without limit.
constexpr size_t kPendingReadsMax = 100'000;

Error unavailable(std::string message) { return make_error(Errc::unavailable, std::move(message)); }

int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <class T>
T wait_for(std::future<T>& future, uint64_t timeout_ms, const char* what) {
  if (future.wait_for(std::chrono::milliseconds(timeout_ms)) == std::future_status::ready)
    return future.get();
  return unavailable(std::string(what) + " timed out after " + std::to_string(timeout_ms) + " ms");
}

// Answers (unavailable) and drops the waiters whose deadline has passed.
template <class Waiters>
void expire(Waiters& waiters, std::chrono::steady_clock::time_point now, const char* why) {
  for (auto it = waiters.begin(); it != waiters.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    auto done = std::move(it->second.done);
    it = waiters.erase(it);
    done(unavailable(why));
  }
}

const char* state_name(raft::Progress::State state) {
  switch (state) {
    case raft::Progress::State::probe: return "probe";
    case raft::Progress::State::replicate: return "replicate";
    case raft::Progress::State::snapshot: return "snapshot";
  }
  return "unknown";
}

raft::Config make_config(const RaftRunnerOptions& o, uint64_t applied) {
  raft::Config config;
  config.id = o.self;
  config.initial_conf = o.initial_conf;
  config.election_timeout_ticks = o.election_timeout_ticks;
  config.heartbeat_interval_ticks = o.heartbeat_interval_ticks;
  config.random_seed = o.self.value() ^ static_cast<uint64_t>(now_unix_ms());
  config.applied_index = raft::LogIndex(applied);
  return config;
}

// What the catalog applies for an entry that is not a catalog command: a
// committed promotion is audited (with the time its proposer put in it;
// entries from before there was one are not), the rest only advances the
// applied index.
catalog::Command catalog_command_of_config(const raft::Entry& e) {
  if (e.type != raft::EntryType::config) return catalog::Noop{};
  const auto entry = raft::decode_conf_change_entry(e.data);
  if (!entry.ok() || entry->change.type != raft::ConfChange::Type::promote || entry->change.at_ms <= 0) {
    return catalog::Noop{};
  }
  return catalog::RecordMemberPromoted{node_id_hex(entry->change.node), entry->change.at_ms};
}

}  // namespace

RaftRunner::RaftRunner(RaftRunnerOptions options, catalog::Catalog& catalog, raftlog::LogStore& log,
                       raftlog::SnapshotStore& snapshots, SendFn send)
    : options_(std::move(options)),
      catalog_(catalog),
      log_(log),
      snapshots_(snapshots),
      send_(std::move(send)) {}

RaftRunner::~RaftRunner() { stop(); }

Status RaftRunner::start() {
  std::optional<raft::SnapshotMeta> snapshot;
  if (auto latest = snapshots_.latest()) {
    snapshot = latest->meta;
    last_snapshot_index_ = latest->meta.index.value();
    // The catalog may be behind its own snapshot (a snapshot received from
    // the leader just before a crash): the log before it is gone, so the
    // snapshot is the only way forward.
    if (catalog_.applied_index() < latest->meta.index.value()) {
      DISPOTIFY_TRY(catalog_.restore_snapshot(latest->path));
    }
  }
  raftlog::RecoveredLog recovered = log_.take_recovered();
  const uint64_t applied = catalog_.applied_index();
  if (applied > recovered.hard_state.commit_index.value() && applied > last_snapshot_index_) {
    // The catalog applies only committed entries, so its index is a commit
    // index this node learned; the hard state may have been saved before.
    recovered.hard_state.commit_index = raft::LogIndex(applied);
  }
  node_ = std::make_unique<raft::RaftNode>(make_config(options_, applied), recovered.hard_state,
                                           std::move(recovered.entries), snapshot);
  publish_status();
  thread_ = std::thread([this] {
    name_this_thread("raft-runner");
    run();
  });
  return ok_status();
}

void RaftRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  fail_pending("the node is shutting down");
}

bool RaftRunner::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    inbox_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void RaftRunner::deliver(std::vector<raft::Message> messages) {
  post([this, messages = std::move(messages)] {
    for (const raft::Message& m : messages) {
      if (m.to != options_.self) continue;  // misaddressed: the core would abort
      node_->step(m);
    }
  });
}

void RaftRunner::run() {
  using Clock = std::chrono::steady_clock;
  const auto tick = std::chrono::milliseconds(options_.tick_ms);
  auto next_tick = Clock::now() + tick;
  while (true) {
    std::vector<Task> tasks;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick, [&] { return stopping_ || !inbox_.empty(); });
      if (stopping_) return;
      tasks.swap(inbox_);
    }
    for (Task& task : tasks) task();
    if (Clock::now() >= next_tick) {
      node_->tick();
      ++ticks_;
      for (ReadWaiter& w : retry_reads_) unsent_reads_.push_back(std::move(w));
      retry_reads_.clear();
      expire_waiters();
      next_tick += tick;
      if (Clock::now() > next_tick + 10 * tick) next_tick = Clock::now() + tick;  // after a stall, no burst
    }
    if (!unsent_reads_.empty()) start_read_round();
    while (node_->has_ready()) handle_ready();
    update_leader();
    maybe_snapshot();
    maybe_promote_learners();
    publish_status();
  }
}

// The leader promotes a learner as soon as it has caught up (thesis
// §4.2.1); the core refuses while it has not, or while another change is
// pending, and we simply try again a few ticks later.
void RaftRunner::maybe_promote_learners() {
  constexpr uint64_t kPromotionCheckTicks = 5;
  if (node_->role() != raft::Role::leader || ticks_ % kPromotionCheckTicks != 0) return;
  const raft::LogIndex commit = node_->log().commit_index();
  for (const raft::PeerProgress& peer : node_->peer_progress()) {
    // Caught up means it holds everything committed and answers now; the
    // core's own bound is relative to the log's end, which a young log
    // meets before the learner has answered at all.
    if (!peer.learner || !peer.recent_active || peer.match < commit) continue;
    const raft::NodeId learner = peer.node;
    auto index =
        node_->propose_conf_change(raft::ConfChange{raft::ConfChange::Type::promote, learner, now_unix_ms()});
    if (index.ok()) {
      log::info("promoting a caught-up learner", {{"node_id", node_id_hex(learner)}});
      return;  // one change at a time
    }
  }
}

void RaftRunner::handle_ready() {
  raft::Ready ready = node_->ready();
  for (const raft::SnapshotChunk& c : ready.snapshot_chunks) {
    auto next = snapshots_.receive_chunk(c.meta, c.offset, c.data, c.done);
    DISPOTIFY_CHECK_MSG(next.ok(), "cannot write a received snapshot: " + next.error().message);
  }
  if (ready.snapshot) {
    // §7 rule 6: entries after the snapshot survive only if the log holds
    // its last entry with the same term; otherwise the whole log goes.
    const raft::SnapshotMeta& meta = *ready.snapshot;
    const bool keeps_suffix = log_.last_index() >= meta.index && log_.first_index() <= meta.index &&
                              log_.term_at(meta.index) == meta.term;
    const Status cut = keeps_suffix ? log_.compact(meta.index, meta.term) : log_.reset(meta.index, meta.term);
    DISPOTIFY_CHECK_MSG(cut.ok(), "cannot cut the raft log at a snapshot: " + cut.error().message);
  }
  // The leader's new entries leave for the followers while it writes them
  // to its own disk (thesis §10.2.1), so the followers' fsyncs overlap its
  // own instead of following it.
  send_messages(take_early_messages(ready));
  // A node that cannot persist must not vote, acknowledge or apply: stop
  // loudly rather than risk a lost acknowledged write.
  const Status saved = log_.save(ready.hard_state, ready.entries);
  DISPOTIFY_CHECK_MSG(saved.ok(), "cannot persist the raft log: " + saved.error().message);
  send_messages(std::move(ready.messages));
  if (ready.snapshot) install_snapshot(*ready.snapshot);
  if (!ready.committed_entries.empty()) {
    const Status applied = apply_entries(ready.committed_entries);
    DISPOTIFY_CHECK_MSG(applied.ok(), "cannot apply committed entries: " + applied.error().message);
  }
  for (const raft::ReadState& read : ready.read_states) {
    auto round = read_rounds_.find(read.context);
    if (round == read_rounds_.end()) continue;
    for (ReadWaiter& waiter : round->second) {
      if (!read.ok) {
        // No leader yet (an election, a restart): try again next tick
        // while the caller still waits; it gets 503 at its deadline.
        if (std::chrono::steady_clock::now() < waiter.deadline && leaderless_ms() < kLeaderlessGiveUpMs) {
          retry_reads_.push_back(std::move(waiter));
        } else {
          waiter.promise->set_value(unavailable("no leader could confirm a read"));
        }
      } else {
        applied_waiters_.emplace(read.index.value(),
                                 AppliedWaiter{waiter.deadline, [promise = waiter.promise](Status status) {
                                                 promise->set_value(std::move(status));
                                               }});
      }
    }
    read_rounds_.erase(round);
  }
  node_->advance(ready);
  answer_waiters(catalog_.applied_index());
  // Entries proposed here may still commit under the next leader: their
  // waiters are answered when applied, or by their own deadline.
}

void RaftRunner::update_leader() {
  const uint64_t leader = node_->leader_hint().value();
  if (leader == 0 && leader_.load() != 0) leader_lost_at_ms_.store(steady_now_ms());
  if (leader != 0) leader_lost_at_ms_.store(0);
  leader_.store(leader);
}

uint64_t RaftRunner::leaderless_ms() const {
  const int64_t lost_at = leader_lost_at_ms_.load();
  if (leader_.load() != 0) return 0;
  if (lost_at == 0) return 0;  // never had one yet (starting): not cut off
  const int64_t now = steady_now_ms();
  return now > lost_at ? static_cast<uint64_t>(now - lost_at) : 0;
}

// Safe for AppendEntries only, and only when the term and vote on disk are
// already this Ready's: a vote, an acknowledgement or an election's message
// must never precede the state it promises (§5.1). For the leader's own
// copy: the core counts it toward a commit when a follower's answer is
// stepped, and answers are stepped on this thread, after the save below
// has returned; a crash before it leaves the entries on followers only,
// which Raft handles like any entry a leader did not keep.
std::vector<raft::Message> RaftRunner::take_early_messages(raft::Ready& ready) const {
  std::vector<raft::Message> early;
  if (ready.snapshot || !ready.snapshot_chunks.empty()) return early;
  const raft::HardState& stored = log_.hard_state();
  if (ready.hard_state && (ready.hard_state->current_term != stored.current_term ||
                           ready.hard_state->voted_for != stored.voted_for)) {
    return early;
  }
  auto late = std::stable_partition(ready.messages.begin(), ready.messages.end(), [](const raft::Message& m) {
    return std::holds_alternative<raft::AppendEntries>(m.payload);
  });
  early.assign(std::make_move_iterator(ready.messages.begin()), std::make_move_iterator(late));
  ready.messages.erase(ready.messages.begin(), late);
  return early;
}

void RaftRunner::send_messages(std::vector<raft::Message> messages) {
  std::vector<raft::Message> out;
  out.reserve(messages.size());
  for (raft::Message& m : messages) {
    if (auto* install = std::get_if<raft::InstallSnapshot>(&m.payload)) {
      // The core names the chunk; the bytes come from our snapshot file.
      // A chunk of a snapshot we no longer keep, or past its end, is
      // dropped: the core restarts or finishes the transfer on its own.
      auto latest = snapshots_.latest();
      if (!latest || latest->meta != install->meta || install->offset >= latest->size_bytes) continue;
      auto chunk = snapshots_.read_chunk(*latest, install->offset, raft::kSnapshotChunkBytesMax);
      if (!chunk.ok()) {
        log::error("cannot read the snapshot", {{"error", chunk.error().message}});
        continue;
      }
      install->data = std::move(*chunk);
      install->done = install->offset + install->data.size() >= latest->size_bytes;
    }
    out.push_back(std::move(m));
  }
  if (!out.empty()) send_(std::move(out));
}

Status RaftRunner::apply_entries(const std::vector<raft::Entry>& entries) {
  std::vector<catalog::Command> commands;
  std::vector<std::string> request_ids;
  commands.reserve(entries.size());
  request_ids.reserve(entries.size());
  bool conf_changed = false;
  for (const raft::Entry& e : entries) {
    if (e.type == raft::EntryType::normal) {
      auto decoded = decode_catalog_entry(e.data);
      // A command this binary does not know, or a cluster level above its
      // own, was written by a newer binary: skipping it would misapply
      // everything after it, so the node stops (nothing of this batch is
      // applied) until its binary is upgraded (docs/DEPLOY.md, "Upgrades").
      const Status appliable = decoded.ok() ? catalog::check_appliable(decoded->command)
                               : decoded.error().code == Errc::conflict ? Status(decoded.error())
                                                                        : ok_status();
      if (!appliable.ok()) {
        return make_error(Errc::conflict, "committed entry " + std::to_string(e.index.value()) +
                                              " needs a newer binary: " + appliable.error().message);
      }
      // Every node decodes the same bytes the same way: a malformed entry
      // (a proposer's bug) is a no-op everywhere and fails its proposer.
      if (decoded.ok()) {
        commands.push_back(std::move(decoded->command));
        request_ids.push_back(std::move(decoded->request_id));
        continue;
      }
      log::error("malformed catalog entry", {{"index", e.index.value()}, {"error", decoded.error().message}});
    }
    conf_changed = conf_changed || e.type == raft::EntryType::config;
    commands.push_back(catalog_command_of_config(e));
    request_ids.emplace_back();
  }
  const uint64_t first = entries.front().index.value();
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<Status> outcomes,
                             catalog_.apply_batch(first, commands, request_ids));
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint64_t index = first + i;
    if (auto c = conf_waiters_.find(index); c != conf_waiters_.end()) {
      c->second->set_value(index);
      conf_waiters_.erase(c);
    }
    auto waiter = proposals_.find(index);
    if (waiter == proposals_.end()) continue;
    ProposalDone done = std::move(waiter->second.done);
    const bool ours = waiter->second.term == entries[i].term;
    proposals_.erase(waiter);
    if (ours) {
      done(Committed{index, std::move(outcomes[i])});
    } else {
      done(unavailable("leadership changed before the write committed"));
    }
  }
  if (conf_changed && conf_changed_) conf_changed_(node_->conf_state());
  return ok_status();
}

void RaftRunner::install_snapshot(const raft::SnapshotMeta& meta) {
  auto latest = snapshots_.latest();
  DISPOTIFY_CHECK_MSG(latest && latest->meta == meta, "the received snapshot is not the latest one on disk");
  auto restored = catalog_.restore_snapshot(latest->path);
  DISPOTIFY_CHECK_MSG(restored.ok(), "cannot install a snapshot: " + restored.error().message);
  DISPOTIFY_CHECK(*restored == meta.index.value());
  last_snapshot_index_ = meta.index.value();
  log::info("installed a snapshot from the leader", {{"index", meta.index.value()}});
  if (conf_changed_) conf_changed_(meta.conf);
  // Proposals at or below the snapshot were overtaken: their outcome is unknown here.
  while (!proposals_.empty() && proposals_.begin()->first <= meta.index.value()) {
    ProposalDone done = std::move(proposals_.begin()->second.done);
    proposals_.erase(proposals_.begin());
    done(unavailable("overtaken by a snapshot; retry the request"));
  }
}

void RaftRunner::answer_waiters(uint64_t applied) {
  while (!applied_waiters_.empty() && applied_waiters_.begin()->first <= applied) {
    AppliedDone done = std::move(applied_waiters_.begin()->second.done);
    applied_waiters_.erase(applied_waiters_.begin());
    done(ok_status());
  }
}

void RaftRunner::start_read_round() {
  const uint64_t context = next_read_context_++;
  read_rounds_[context] = std::move(unsent_reads_);
  unsent_reads_.clear();
  node_->read_index(context);
}

void RaftRunner::fail_pending(const std::string& why) {
  std::map<uint64_t, ProposalWaiter> proposals;
  proposals.swap(proposals_);
  for (auto& [index, waiter] : proposals) waiter.done(unavailable(why));
  for (ReadWaiter& w : unsent_reads_) w.promise->set_value(unavailable(why));
  unsent_reads_.clear();
  for (ReadWaiter& w : retry_reads_) w.promise->set_value(unavailable(why));
  retry_reads_.clear();
  for (auto& [context, round] : read_rounds_) {
    for (ReadWaiter& w : round) w.promise->set_value(unavailable(why));
  }
  read_rounds_.clear();
  std::multimap<uint64_t, AppliedWaiter> applied_waiters;
  applied_waiters.swap(applied_waiters_);
  for (auto& [index, waiter] : applied_waiters) waiter.done(unavailable(why));
  for (auto& [index, w] : conf_waiters_) w->set_value(unavailable(why));
  conf_waiters_.clear();
}

void RaftRunner::propose_here(std::string data, std::chrono::steady_clock::time_point deadline,
                              ProposalDone done) {
  auto index = node_->propose(std::move(data));
  if (!index.ok()) {
    done(std::move(index).error());
    return;
  }
  proposals_.emplace(index->value(), ProposalWaiter{node_->current_term(), deadline, std::move(done)});
}

void RaftRunner::expire_waiters() {
  const auto now = std::chrono::steady_clock::now();
  expire(applied_waiters_, now, "the catalog did not catch up in time");
  // A proposal's entry may still commit (under this or a later leader); the
  // caller's retry under the same request id is then answered from the
  // record of the first.
  expire(proposals_, now, "the write was not committed in time");
}

namespace {

// A waiting caller's end of a proposal.
RaftRunner::ProposalDone fulfil(std::shared_ptr<std::promise<Result<Committed>>> promise) {
  return [promise = std::move(promise)](Result<Committed> r) { promise->set_value(std::move(r)); };
}

}  // namespace

Result<Committed> RaftRunner::propose(std::string data, uint64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Result<Committed>>>();
  auto future = promise->get_future();
  propose_async(std::move(data), timeout_ms, fulfil(std::move(promise)));
  return wait_for(future, timeout_ms, "the write");
}

void RaftRunner::propose_async(std::string data, uint64_t timeout_ms, ProposalDone done) {
  std::vector<std::string> entries;
  std::vector<ProposalDone> dones;
  entries.push_back(std::move(data));
  dones.push_back(std::move(done));
  propose_batch_async(std::move(entries), timeout_ms, std::move(dones));
}

void RaftRunner::propose_batch_async(std::vector<std::string> entries, uint64_t timeout_ms,
                                     std::vector<ProposalDone> dones) {
  DISPOTIFY_CHECK(entries.size() == dones.size());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto shared = std::make_shared<std::pair<std::vector<std::string>, std::vector<ProposalDone>>>(
      std::move(entries), std::move(dones));
  const bool posted = post([this, shared, deadline] {
    auto& [entries, dones] = *shared;
    for (size_t i = 0; i < entries.size(); ++i)
      propose_here(std::move(entries[i]), deadline, std::move(dones[i]));
  });
  if (!posted) {
    for (ProposalDone& done : shared->second) done(unavailable("the node is shutting down"));
  }
}

Status RaftRunner::read_barrier(uint64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const bool posted = post([this, promise, deadline] {
    if (unsent_reads_.size() + retry_reads_.size() >= kPendingReadsMax) {
      promise->set_value(unavailable("too many reads waiting"));
      return;
    }
    unsent_reads_.push_back(ReadWaiter{deadline, promise});
  });
  if (!posted) return unavailable("the node is shutting down");
  return wait_for(future, timeout_ms, "the linearizable read");
}

Status RaftRunner::wait_applied(uint64_t index, uint64_t timeout_ms) {
  if (catalog_.applied_index() >= index) return ok_status();
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  wait_applied_async(index, timeout_ms, [promise](Status status) { promise->set_value(std::move(status)); });
  return wait_for(future, timeout_ms, "waiting for the catalog");
}

void RaftRunner::wait_applied_async(uint64_t index, uint64_t timeout_ms, AppliedDone done) {
  if (catalog_.applied_index() >= index) return done(ok_status());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto shared_done = std::make_shared<AppliedDone>(std::move(done));
  const bool posted = post([this, shared_done, index, deadline] {
    applied_waiters_.emplace(index, AppliedWaiter{deadline, std::move(*shared_done)});
    answer_waiters(catalog_.applied_index());
  });
  if (!posted) (*shared_done)(unavailable("the node is shutting down"));
}

Result<uint64_t> RaftRunner::change_membership(raft::ConfChange change, uint64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Result<uint64_t>>>();
  auto future = promise->get_future();
  const bool posted = post([this, promise, change] {
    auto index = node_->propose_conf_change(change);
    if (!index.ok()) {
      promise->set_value(std::move(index).error());
      return;
    }
    conf_waiters_.emplace(index->value(), promise);
  });
  if (!posted) return unavailable("the node is shutting down");
  return wait_for(future, timeout_ms, "the membership change");
}

Status RaftRunner::transfer_leadership(raft::NodeId target, uint64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  const bool posted =
      post([this, promise, target] { promise->set_value(node_->transfer_leadership(target)); });
  if (!posted) return unavailable("the node is shutting down");
  DISPOTIFY_TRY(wait_for(future, timeout_ms, "the leadership transfer"));
  // Done when someone else leads (the target, unless the transfer failed).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (leader() == target) return ok_status();
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.tick_ms));
  }
  return unavailable("leadership did not move to " + node_id_hex(target) + " in time");
}

void RaftRunner::maybe_snapshot() {
  const uint64_t applied = catalog_.applied_index();
  if (applied < last_snapshot_index_ + options_.snapshot_interval_entries) return;
  if (snapshot_in_progress_.exchange(true)) return;
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  snapshot_thread_ = std::thread([this] {
    name_this_thread("raft-snapshot");
    const std::string path = snapshots_.temp_path("catalog-" + std::to_string(now_unix_ms()) + ".db");
    auto index = catalog_.write_snapshot(path);
    if (!index.ok()) {
      log::error("cannot write a catalog snapshot", {{"error", index.error().message}});
      snapshot_in_progress_ = false;
      return;
    }
    const bool posted = post([this, path, index = *index] { publish_snapshot(path, index); });
    if (!posted) snapshot_in_progress_ = false;
  });
}

// On the runner thread: the file holds the catalog at `index`, which is
// applied and still in the log, so the core knows its term and config.
void RaftRunner::publish_snapshot(const std::string& path, uint64_t index) {
  const raft::SnapshotMeta meta = node_->snapshot_meta_at(raft::LogIndex(index));
  Status published = snapshots_.publish(meta, path);
  if (published.ok()) {
    node_->compact(meta);
    // The core keeps a few entries below the snapshot for slightly lagging
    // followers; the log store may drop everything the snapshot covers
    // only once the core no longer needs it, so compact it to the core's
    // first index.
    const raft::LogIndex first = node_->log().first_index();
    if (first > log_.first_index()) {
      const raft::LogIndex through = first - 1;
      Status compacted = log_.compact(through, log_.term_at(through));
      if (!compacted.ok()) log::error("cannot compact the raft log", {{"error", compacted.error().message}});
    }
    last_snapshot_index_ = index;
    log::info("catalog snapshot taken", {{"index", index}});
  } else {
    log::error("cannot publish a catalog snapshot", {{"error", published.error().message}});
  }
  snapshot_in_progress_ = false;
}

void RaftRunner::publish_status() {
  RaftStatus s;
  s.id = options_.self;
  s.role = raft::role_name(node_->role());
  s.term = node_->current_term().value();
  s.leader = node_->leader_hint();
  s.commit_index = node_->log().commit_index().value();
  s.applied_index = catalog_.applied_index();
  s.last_index = node_->log().last_index().value();
  s.snapshot_index = last_snapshot_index_;
  s.conf = node_->conf_state();
  if (node_->role() == raft::Role::leader) {
    for (const raft::PeerProgress& p : node_->peer_progress()) {
      s.peers.push_back(PeerView{p.node, !p.learner, p.match.value(), p.next.value(), state_name(p.state),
                                 p.recent_active});
    }
  }
  std::lock_guard lock(mutex_);
  status_ = std::move(s);
}

RaftStatus RaftRunner::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace dispotify::cluster
