// RaftNode: the Raft consensus algorithm as a pure state machine, in the
// style of etcd's raft/RawNode. No I/O, clock, threads or hidden randomness.
//
// Inputs: tick() (logical time), step(message), propose(bytes),
// propose_conf_change(), read_index(context), transfer_leadership(target),
// and compact(meta) after the caller took a snapshot of its state machine.
// Output: ready() returns what the caller must do, in this order:
//   1. persist, then fsync:
//      a. snapshot_chunks, in order: write each chunk's data at its offset
//         into the partial file for chunk.meta (a chunk at offset 0 starts
//         a new partial file, discarding any other); fsync it on `done`;
//      b. if `snapshot` is set, the partial file for it is complete: verify
//         it (its own checksum; if it is damaged, abort the process without
//         persisting more: the restart discards it and the leader resends),
//         make it the current snapshot atomically (rename, fsync the
//         directory), then reduce the stored log to entries_after_snapshot()
//         (snapshot.h);
//      c. write `entries` in order: an entry whose index is stored with the
//         same term is already there; one whose term differs replaces the
//         stored entry and everything after it (§5.3 rule 3). Never
//         truncate ahead of the writes: a crash may keep any prefix of
//         them, and must not lose entries acknowledged before;
//      d. hard_state, after the entries: a crash may lose a suffix of the
//         entries, or the new hard state, but never keeps a hard state
//         whose commit index points at lost entries (write it last). The
//         constructor adopts the term of stored entries (or of a snapshot,
//         1b) newer than a stored hard state, which such a crash leaves.
//         Writing c and d as one atomic record (src/log does) is fine too;
//   2. send `messages`; an InstallSnapshot from the core has empty `data`
//      and done == false: fill data with the bytes of the snapshot file for
//      message.meta at [offset, offset + n), n = min(config.snapshot_chunk_bytes,
//      size - offset), and set done iff offset + n == size. Drop the message
//      if offset >= size (the core does not know the file's size and may
//      ask ahead of its end) or if that snapshot is no longer kept (the core
//      restarts the transfer when compact() gives it a newer one);
//   3. if `snapshot` is set, reset the state machine to that snapshot; then
//      apply `committed_entries` in order (config entries too: the shell
//      learns committed membership from them);
//   4. hand out `read_states`: a read with ok may be served once the state
//      machine has applied up to its index;
// then call advance() with that same Ready. (Step 1 must precede step 2: a
// vote or an acknowledgement must never be sent for state that a crash could
// lose, §5.1 / thesis §3.8. One exception, thesis §10.2.1: a leader's
// AppendEntries may be sent before its entries are persisted, if the Ready
// does not change the term or vote, provided the caller steps no answer to
// them before that persist completes; the leader counts its own log toward
// a commit when it steps a follower's answer.) After a restart the caller discards any partial
// snapshot file and passes its current snapshot's meta to the constructor;
// a log that a crash left between 1b's rename and its log rewrite is
// repaired by the constructor, which uses entries_after_snapshot()
// (snapshot.h); the caller should store that same result.
//
// Snapshots (§7): outside a ready()/advance() pair, the caller may snapshot
// its state machine at its applied index (== log().applied_index()), store
// the file durably, and call compact(snapshot_meta_at(that index));
// afterwards it may delete stored entries up to that index. It keeps that
// file (to send it) until it stores a newer one, through compact() or 1b.
//
// Contract: single-threaded; the caller may tick/step/propose/compact between
// ready() and advance(), but must not call ready() again before advance().
// Misuse and impossible protocol states abort through DISPOTIFY_CHECK.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/conf_change.h"
#include "raft/config.h"
#include "raft/message.h"
#include "raft/progress.h"
#include "raft/raft_log.h"
#include "raft/rng.h"
#include "raft/snapshot.h"
#include "raft/state.h"

namespace dispotify::raft {

// The answer to read_index(context) (thesis §6.4). With ok, the caller may
// serve the reads of that batch once its state machine has applied up to
// `index`: the result is linearizable. Without ok (no known leader, the
// leader stepped down, too many reads pending, or no confirmation in time)
// the caller retries or fails the reads; `index` is then meaningless.
struct ReadState {
  uint64_t context = 0;
  LogIndex index;
  bool ok = false;
  friend bool operator==(const ReadState&, const ReadState&) = default;
};

struct Ready {
  std::optional<HardState> hard_state;  // set only when it changed
  std::vector<Entry> entries;           // to persist before sending messages
  std::vector<Message> messages;
  std::vector<Entry> committed_entries;  // to apply, in index order
  std::vector<ReadState> read_states;    // answered reads, after committed_entries are applied
  // Follower: chunks of a snapshot being received, to write (step 1a).
  std::vector<SnapshotChunk> snapshot_chunks;
  // Follower: a received snapshot to make current (1b) and to install into
  // the state machine before applying committed_entries (3).
  std::optional<SnapshotMeta> snapshot;
};

enum class Role { follower, pre_candidate, candidate, leader };
const char* role_name(Role role);

// Limits, so a burst of proposals or a lagging follower stays bounded.
inline constexpr size_t kAppendEntriesBatchMax = 64;       // entries per AppendEntries
inline constexpr size_t kReadyCommittedEntriesMax = 1024;  // entries to apply per Ready
inline constexpr uint64_t kUncommittedEntriesMax = 4096;   // leader refuses proposals beyond
// Reads waiting for a leadership confirmation (leader) or for the leader's
// answer (follower); beyond this read_index() fails at once.
inline constexpr size_t kPendingReadsMax = 1024;
// A read that is not answered within this many election timeouts fails
// (lost messages, a leader without a majority): no read hangs forever.
inline constexpr int64_t kReadTimeoutElectionsMax = 2;
// A learner is promoted only once its match index is within this many
// entries of the leader's last index (thesis §4.2.1: a new server must
// catch up first, or the cluster stalls while it does).
inline constexpr uint64_t kLearnerCatchUpEntriesMax = kAppendEntriesBatchMax;

// A leader's view of one other member, for status pages.
struct PeerProgress {
  NodeId node;
  bool learner = false;
  LogIndex match;
  LogIndex next;
  Progress::State state = Progress::State::probe;
  // Heard from within the current or the previous CheckQuorum round: the
  // round's own flag alone is false for every peer just after a round ends,
  // until the next heartbeat answers (a hand-over chose nobody ~1 time in 3).
  bool recent_active = false;
};

class RaftNode {
 public:
  // Starts (or restarts) as a follower from the persisted hard state, log
  // and latest snapshot; the log's entries follow the snapshot (any at or
  // below its index are ignored). The applied index is at least the
  // snapshot's: the caller restores its state machine from it.
  RaftNode(Config config, HardState hard_state, std::vector<Entry> log,
           std::optional<SnapshotMeta> snapshot = std::nullopt);

  void tick();
  void step(const Message& message);
  // Leader only: appends `data` and returns its index. Otherwise
  // Errc::unavailable with the known leader in the message (see leader_hint).
  Result<LogIndex> propose(std::string data);
  // Any role: asks for a linearizable read point for the batch of reads
  // identified by `context` (thesis §6.4). The answer comes later as a
  // ReadState in Ready::read_states (at once on a single-voter leader, or
  // with ok = false when it cannot be served). Contexts are the caller's;
  // reusing one while it is pending makes the answers ambiguous.
  void read_index(uint64_t context);
  // Leader only: hands leadership to `target`, a voter (thesis §3.10). The
  // leader refuses proposals (Errc::unavailable) while it brings the target
  // up to date and tells it to campaign (TimeoutNow); it gives up after an
  // election timeout. Errc::invalid_argument for ourselves or a non-voter.
  // Whether it worked shows as a new leader (leader_hint()).
  Status transfer_leadership(NodeId target);
  // The voter leadership is being handed to, or kNoNode.
  NodeId transfer_target() const { return transfer_target_; }
  // Leader only: appends a config entry and returns its index (thesis
  // §4.1: one server at a time). The new configuration takes effect at
  // once, on every server as soon as the entry is in its log, and is rolled
  // back if the entry is truncated. Errc::unavailable when not leader, while
  // transferring leadership, before an entry of this term is committed, while
  // another config entry is uncommitted, or when promoting a learner that has
  // not caught up (kLearnerCatchUpEntriesMax); Errc::invalid_argument for a
  // change that does not apply (see apply_conf_change). A leader that
  // removes itself steps down once the removal is committed (thesis §4.2.2).
  Result<LogIndex> propose_conf_change(ConfChange change);

  // Log compaction (§7): the caller has durably stored a snapshot of its
  // state machine at meta.index (<= applied index; build meta with
  // snapshot_meta_at). The core drops entries up to meta.index -
  // trailing_entries_kept and remembers meta as the snapshot to send to
  // followers that need dropped entries (restarting transfers of an older
  // one). A meta not newer than the current snapshot is ignored.
  void compact(const SnapshotMeta& meta, uint64_t trailing_entries_kept = kCompactionTrailingEntriesKept);
  // The meta of a snapshot at `index` (applied, not compacted).
  SnapshotMeta snapshot_meta_at(LogIndex index) const;
  // The latest snapshot: from the constructor, compact() or an install.
  const std::optional<SnapshotMeta>& snapshot() const { return snapshot_; }
  // The configuration in force at `index` (thesis §5.1: what a snapshot at
  // that index records); index must not be below the latest snapshot.
  ConfState conf_at(LogIndex index) const;

  bool has_ready() const;
  Ready ready();
  void advance(const Ready& ready);

  NodeId id() const { return config_.id; }
  Role role() const { return role_; }
  Term current_term() const { return current_term_; }
  NodeId voted_for() const { return voted_for_; }
  NodeId leader_hint() const { return leader_id_; }
  const RaftLog& log() const { return log_; }
  HardState hard_state() const { return {current_term_, voted_for_, log_.commit_index()}; }
  const std::vector<NodeId>& voters() const { return conf_.voters; }
  // The configuration in force: the latest in the log, else the initial one.
  ConfState conf_state() const { return conf_; }
  // The index of the config entry conf_state() comes from (0: initial).
  LogIndex conf_index() const { return conf_history_.empty() ? LogIndex() : conf_history_.back().index; }
  // Leader only: the follower's progress (for tests and status).
  const Progress& progress(NodeId peer) const;
  // Leader: every other member's progress, by node id; empty otherwise.
  std::vector<PeerProgress> peer_progress() const;

 private:
  // raft_node.cpp: dispatch.
  bool step_higher_term(const Message& m);
  void step_lower_term(const Message& m);
  void step_leader(const Message& m);
  void step_candidate(const Message& m);
  void step_follower(const Message& m);
  void send(NodeId to, Term term, Payload payload);
  size_t quorum_size() const { return conf_.voters.size() / 2 + 1; }
  void check_invariants() const;

  // election.cpp: §5.2, thesis §9.6 (PreVote), §6.2 (CheckQuorum).
  void tick_election();
  enum class Campaign { pre_vote, election, transfer };
  void campaign(Campaign kind);
  void handle_request_vote(const Message& m, const RequestVote& request);
  void handle_vote_response(const Message& m, const RequestVoteResponse& response);
  size_t count_votes(bool granted) const;
  void reset(Term term);
  void become_follower(Term term, NodeId leader);
  void become_pre_candidate();
  void become_candidate(bool transfer = false);
  void become_leader();

  // replication.cpp: §5.3.
  void tick_heartbeat();
  bool quorum_active();
  void broadcast_heartbeat();
  void broadcast_append();
  void broadcast_commit();
  bool send_append(NodeId to, bool send_if_empty);
  void handle_append_entries(const Message& m, const AppendEntries& request);
  void reject_append(const Message& m, const AppendEntries& request);
  void handle_append_response(const Message& m, const AppendEntriesResponse& response);
  void handle_append_rejection(NodeId from, Progress& progress, const AppendEntriesResponse& response);
  void send_heartbeat(NodeId to, Progress& progress);

  // snapshot.cpp: §7 log compaction, restart from a snapshot.
  static std::vector<Entry> entries_after(std::vector<Entry> log,
                                          const std::optional<SnapshotMeta>& snapshot);
  // After a snapshot is installed: its conf is the base, and config entries
  // the log kept after it (§7 rule 6) apply on top.
  void restore_conf(const ConfState& conf, LogIndex conf_index);
  // compact(): records at or below the snapshot fold into base_conf_.
  void fold_confs_into_base(LogIndex index);

  // snapshot_send.cpp: leader side of InstallSnapshot (§7).
  void start_snapshot(NodeId to);
  void send_snapshot_chunks(NodeId to);
  void tick_snapshot_transfer(NodeId to, Progress& progress);
  void handle_snapshot_response(const Message& m, const InstallSnapshotResponse& response);
  void snapshot_installed(NodeId from, Progress& progress, LogIndex index);

  // snapshot_receive.cpp: follower side of InstallSnapshot (§7).
  void handle_install_snapshot(const Message& m, const InstallSnapshot& request);
  void accept_snapshot_chunk(const Message& m, const InstallSnapshot& request);
  void install_snapshot(const SnapshotMeta& meta);
  void reply_snapshot(NodeId to, LogIndex index, uint64_t next_offset, bool rejected, bool installed);

  // commit.cpp: §5.3, §5.4.2.
  bool maybe_commit();
  bool committed_in_current_term() const;

  // membership.cpp: thesis §4.1, §4.2.
  struct ConfRecord {
    LogIndex index;
    Term term;
    ConfState conf;
  };
  bool is_voter(NodeId id) const { return is_voter_in(conf_, id); }
  bool is_member(NodeId id) const { return is_voter_in(conf_, id) || is_learner_in(conf_, id); }
  bool may_campaign() const;
  Status check_conf_change_allowed(const ConfChange& change) const;
  void track_conf_entries(const std::vector<Entry>& entries);
  void forget_truncated_confs();
  void apply_conf();
  std::set<NodeId> replication_targets() const;
  void sync_progress_with_conf();
  void maybe_step_down_removed();

  // transfer.cpp: thesis §3.10.
  void tick_transfer();
  void maybe_send_timeout_now();
  void handle_timeout_now(const Message& m);

  // read_index.cpp: thesis §6.4.
  struct PendingRead {
    uint64_t context = 0;
    NodeId requester;               // who gets the answer: us, or a follower
    uint64_t round = 0;             // leader: the heartbeat round that confirms it
    std::optional<LogIndex> index;  // leader: commit index, once committed in our term
    int64_t deadline_ticks = 0;
  };
  void leader_read(uint64_t context, NodeId requester);
  void handle_read_index_request(const Message& m, const ReadIndexRequest& request);
  void handle_read_index_response(const ReadIndexResponse& response);
  void record_read_ack(Progress& progress, uint64_t round);
  void advance_reads();
  bool read_confirmed(uint64_t round) const;
  void finish_read(const PendingRead& read, LogIndex index, bool ok);
  void fail_pending_reads();
  void expire_reads();

  Config config_;
  RaftLog log_;
  SplitMix64 rng_;

  Role role_ = Role::follower;
  Term current_term_;
  NodeId voted_for_;
  NodeId leader_id_;

  int64_t election_elapsed_ticks_ = 0;
  int64_t heartbeat_elapsed_ticks_ = 0;
  int64_t randomized_election_timeout_ticks_ = 0;

  std::map<NodeId, bool> votes_;         // candidate / pre-candidate
  std::map<NodeId, Progress> progress_;  // leader: replication_targets()

  ConfState conf_;  // in force: the last of conf_history_, else base_conf_
  // The configuration before the first record of conf_history_: the
  // latest snapshot's (thesis §5.1), else config_.initial_conf.
  ConfState base_conf_;
  // Every config entry after the latest snapshot, by index: the ones a
  // truncation could roll back, and the ones a snapshot at an applied index
  // may need to record. Few: membership changes are rare.
  std::vector<ConfRecord> conf_history_;

  NodeId transfer_target_;  // leader: handing leadership to it (thesis §3.10)
  int64_t transfer_elapsed_ticks_ = 0;
  int64_t now_ticks_ = 0;  // ticks since construction: deadlines of pending reads

  std::deque<PendingRead> pending_reads_;  // in round (and deadline) order
  std::vector<ReadState> read_states_;
  uint64_t read_round_ = 0;  // leader: last heartbeat round started for reads

  std::vector<Message> messages_;
  HardState last_ready_hard_state_;
  bool ready_outstanding_ = false;

  // Snapshots (§7).
  std::optional<SnapshotMeta> snapshot_;  // latest: what a leader sends
  // Follower: the transfer in progress. Keyed by sender and term as well as
  // meta: two leaders' snapshots of one index need not be the same bytes.
  struct SnapshotReceive {
    SnapshotMeta meta;
    NodeId from;
    Term term;
    uint64_t next_offset = 0;
  };
  std::optional<SnapshotReceive> receiving_;
  std::vector<SnapshotChunk> snapshot_chunks_;      // for the next Ready
  std::optional<SnapshotMeta> installed_snapshot_;  // for the next Ready
  // A snapshot was installed after ready(): the outstanding Ready's entries
  // and applies were overtaken, advance() must not record them.
  bool restored_since_ready_ = false;
};

}  // namespace dispotify::raft
