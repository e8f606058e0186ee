// RaftRunner: the shell around the pure Raft core (raft/raft_node.h) that
// makes it a running server. It owns one thread, the only one that touches
// the RaftNode, and does what each Ready asks, in the order the core's
// contract requires:
//   1. write a received snapshot chunk, persist hard state and entries
//      (LogStore::save: one fsync for the whole Ready, i.e. group commit);
//      a leader's AppendEntries leave before that save (take_early_messages);
//   2. send messages (filling InstallSnapshot chunks from the snapshot file);
//   3. install a received snapshot into the catalog, apply committed
//      entries to the catalog (one SQLite transaction per Ready), answer the
//      proposers waiting on them, answer read-index waiters;
//   4. advance.
// Snapshots of the catalog are written on a helper thread (VACUUM INTO can
// take a second on a big catalog; heartbeats must not wait for it).
//
// Thread-safety: every public method may be called from any thread; they
// hand work to the runner thread through a queue and wait on a future with
// a deadline, so no caller ever hangs longer than it asked.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "catalog/catalog.h"
#include "log/log_store.h"
#include "log/snapshot_store.h"
#include "raft/conf_change.h"
#include "raft/raft_node.h"

namespace dispotify::cluster {

// A node that has known no leader for this long is cut off from the
// majority (an election takes one or two election timeouts): reads and
// writes waiting on it are answered 503 at once instead of at their deadline.
inline constexpr uint64_t kLeaderlessGiveUpMs = 1'000;

struct RaftRunnerOptions {
  raft::NodeId self;
  // The configuration before any config entry: {voters = {self}} for the
  // first node of a new cluster, empty for a node that joins one.
  raft::ConfState initial_conf;
  uint64_t tick_ms = 10;
  int64_t election_timeout_ticks = 15;  // 150-300 ms: failover well under a second
  int64_t heartbeat_interval_ticks = 3;
  uint64_t snapshot_interval_entries = 20'000;  // applied entries between catalog snapshots
  std::string snapshot_scratch_dir;             // where VACUUM INTO writes before publishing
};

// What a peer looks like from the leader (for status pages).
struct PeerView {
  raft::NodeId id;
  bool voter = false;
  uint64_t match_index = 0;
  uint64_t next_index = 0;
  std::string state;  // probe, replicate, snapshot
  bool recent_active = false;
};

struct RaftStatus {
  raft::NodeId id;
  std::string role;  // follower, pre_candidate, candidate, leader
  uint64_t term = 0;
  raft::NodeId leader;
  uint64_t commit_index = 0;
  uint64_t applied_index = 0;
  uint64_t last_index = 0;
  uint64_t snapshot_index = 0;
  raft::ConfState conf;
  std::vector<PeerView> peers;  // filled on the leader only
};

// The result of a committed proposal: its log index and the catalog's
// verdict when it was applied (a deterministic rejection is still a commit).
struct Committed {
  uint64_t index = 0;
  Status outcome;
};

class RaftRunner {
 public:
  using SendFn = std::function<void(std::vector<raft::Message>)>;
  // Called on the runner thread after a membership change was applied.
  using ConfChangedFn = std::function<void(const raft::ConfState&)>;

  RaftRunner(RaftRunnerOptions options, catalog::Catalog& catalog, raftlog::LogStore& log,
             raftlog::SnapshotStore& snapshots, SendFn send);
  ~RaftRunner();
  RaftRunner(const RaftRunner&) = delete;
  RaftRunner& operator=(const RaftRunner&) = delete;

  // Recovers (catalog behind the latest snapshot is restored from it; the
  // log after the catalog's applied index is applied again) and starts the
  // runner thread.
  [[nodiscard]] Status start();
  void stop();
  void set_conf_changed(ConfChangedFn fn) { conf_changed_ = std::move(fn); }

  // Messages from peers (the transport's receive handler). Never blocks long.
  void deliver(std::vector<raft::Message> messages);

  // Leader only: appends `data` (an encoded catalog entry) and waits until
  // it is committed and applied here. Errc::unavailable when this node is
  // not the leader (the message names the leader hint), when leadership is
  // lost before the entry commits, or when timeout_ms passes.
  [[nodiscard]] Result<Committed> propose(std::string data, uint64_t timeout_ms);
  // The same without waiting: `done` is called exactly once, on the runner
  // thread (or here, if the runner is stopped), within about timeout_ms.
  // It must not block: it runs where the next entries are applied.
  using ProposalDone = std::function<void(Result<Committed>)>;
  void propose_async(std::string data, uint64_t timeout_ms, ProposalDone done);
  // The same for several entries at once (forwarded in one batch): they are
  // proposed in one runner task, so they share a Ready (group commit);
  // dones[i] answers entries[i], each within about timeout_ms.
  void propose_batch_async(std::vector<std::string> entries, uint64_t timeout_ms,
                           std::vector<ProposalDone> dones);
  // Linearizable read barrier (thesis §6.4): returns once this node has
  // applied everything committed before the call. Concurrent callers share
  // one ReadIndex round. Errc::unavailable without a reachable leader.
  [[nodiscard]] Status read_barrier(uint64_t timeout_ms);
  // Waits until the local catalog has applied `index`.
  [[nodiscard]] Status wait_applied(uint64_t index, uint64_t timeout_ms);
  // The same without waiting: `done` is called once, on the runner thread
  // (or here: already applied, or the runner is stopped), with ok or
  // Errc::unavailable after about timeout_ms. It must not block.
  using AppliedDone = std::function<void(Status)>;
  void wait_applied_async(uint64_t index, uint64_t timeout_ms, AppliedDone done);
  // Leader only: one membership change; returns once it is committed.
  [[nodiscard]] Result<uint64_t> change_membership(raft::ConfChange change, uint64_t timeout_ms);
  [[nodiscard]] Status transfer_leadership(raft::NodeId target, uint64_t timeout_ms);

  RaftStatus status() const;
  raft::NodeId self() const { return options_.self; }
  raft::NodeId leader() const { return raft::NodeId(leader_.load()); }
  bool is_leader() const { return leader_.load() == options_.self.value(); }
  // The catalog this runner applies to, for reads (the proposers' level gate).
  const catalog::Catalog& catalog() const { return catalog_; }
  // How long this node has known no leader (0 while it knows one): past a
  // couple of election timeouts it is cut off, and callers stop waiting.
  uint64_t leaderless_ms() const;
  uint64_t applied_index() const { return catalog_.applied_index(); }

 private:
  using Task = std::function<void()>;
  struct ProposalWaiter {
    raft::Term term;
    std::chrono::steady_clock::time_point deadline;  // answered unavailable then, if still waiting
    ProposalDone done;
  };
  struct ReadWaiter {
    std::chrono::steady_clock::time_point deadline;  // the caller gives up then
    std::shared_ptr<std::promise<Status>> promise;
  };

  // Runs `task` on the runner thread; false if the runner is stopped.
  bool post(Task task);
  void run();
  void handle_ready();
  void send_messages(std::vector<raft::Message> messages);
  // Moves out of `ready` the messages that may leave before its save.
  std::vector<raft::Message> take_early_messages(raft::Ready& ready) const;
  [[nodiscard]] Status apply_entries(const std::vector<raft::Entry>& entries);
  void install_snapshot(const raft::SnapshotMeta& meta);
  // On the runner thread: appends one entry and registers its waiter.
  void propose_here(std::string data, std::chrono::steady_clock::time_point deadline, ProposalDone done);
  // Answers the proposals and applied-waiters whose deadline has passed
  // (each tick).
  void expire_waiters();
  void answer_waiters(uint64_t applied);
  void start_read_round();
  void fail_pending(const std::string& why);
  void maybe_snapshot();
  void publish_snapshot(const std::string& path, uint64_t index);
  void publish_status();
  void update_leader();
  void maybe_promote_learners();

  RaftRunnerOptions options_;
  catalog::Catalog& catalog_;
  raftlog::LogStore& log_;
  raftlog::SnapshotStore& snapshots_;
  SendFn send_;
  ConfChangedFn conf_changed_;

  std::unique_ptr<raft::RaftNode> node_;  // runner thread only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> inbox_;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  RaftStatus status_;        // guarded by mutex_, refreshed by the runner thread
  std::thread thread_;
  std::atomic<uint64_t> leader_{0};
  std::atomic<int64_t> leader_lost_at_ms_{0};  // steady-clock ms when leader_ became 0; 0 while known

  // Runner thread only.
  std::map<uint64_t, ProposalWaiter> proposals_;  // by log index
  std::vector<ReadWaiter> unsent_reads_;          // waiting for the next round
  std::vector<ReadWaiter> retry_reads_;           // their round failed: next tick, until their deadline
  std::map<uint64_t, std::vector<ReadWaiter>> read_rounds_;  // by context
  uint64_t next_read_context_ = 1;
  struct AppliedWaiter {
    std::chrono::steady_clock::time_point deadline;  // answered unavailable then, if still waiting
    AppliedDone done;
  };
  std::multimap<uint64_t, AppliedWaiter> applied_waiters_;  // by the index awaited
  std::map<uint64_t, std::shared_ptr<std::promise<Result<uint64_t>>>> conf_waiters_;

  // Snapshots: taken on snapshot_thread_, handed back through the inbox.
  std::atomic<bool> snapshot_in_progress_{false};
  std::thread snapshot_thread_;
  uint64_t last_snapshot_index_ = 0;
  uint64_t ticks_ = 0;
};

}  // namespace dispotify::cluster
