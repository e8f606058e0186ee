// RaftNode: the Raft consensus algorithm as a pure state machine, in the
// style of etcd's raft/RawNode. No I/O, clock, threads or hidden randomness.
//
// Inputs: tick() (logical time), step(message), propose(bytes), and
// compact(meta) after the caller took a snapshot of its state machine.
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
//         whose commit index points at lost entries (write it last);
//   2. send `messages`; an InstallSnapshot from the core has empty `data`
//      and done == false: fill data with the bytes of the snapshot file for
//      message.meta at [offset, offset + n), n = min(config.snapshot_chunk_bytes,
//      size - offset), and set done iff offset + n == size. Drop the message
//      if offset >= size (the core does not know the file's size and may
//      ask ahead of its end) or if that snapshot is no longer kept (the core
//      restarts the transfer when compact() gives it a newer one);
//   3. if `snapshot` is set, reset the state machine to that snapshot; then
//      apply `committed_entries` in order;
// then call advance() with that same Ready. (Step 1 must precede step 2: a
// vote or an acknowledgement must never be sent for state that a crash could
// lose, §5.1 / thesis §3.8.) After a restart the caller discards any partial
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

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/config.h"
#include "raft/message.h"
#include "raft/progress.h"
#include "raft/raft_log.h"
#include "raft/rng.h"
#include "raft/snapshot.h"
#include "raft/state.h"

namespace dispotify::raft {

struct Ready {
  std::optional<HardState> hard_state;  // set only when it changed
  std::vector<Entry> entries;           // to persist before sending messages
  std::vector<Message> messages;
  std::vector<Entry> committed_entries;  // to apply, in index order
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
  // The configuration a snapshot taken now records (thesis §5.1). For now the
  // static voters; membership changes will replace this.
  ConfState current_conf() const;

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
  const std::vector<NodeId>& voters() const { return config_.voters; }
  // Leader only: the follower's progress (for tests and status).
  const Progress& progress(NodeId peer) const;

 private:
  // raft_node.cpp: dispatch.
  bool step_higher_term(const Message& m);
  void step_lower_term(const Message& m);
  void step_leader(const Message& m);
  void step_candidate(const Message& m);
  void step_follower(const Message& m);
  void send(NodeId to, Term term, Payload payload);
  bool is_voter(NodeId id) const;
  size_t quorum_size() const { return config_.voters.size() / 2 + 1; }
  void check_invariants() const;

  // election.cpp: §5.2, thesis §9.6 (PreVote), §6.2 (CheckQuorum).
  void tick_election();
  void campaign(bool pre_vote);
  void handle_request_vote(const Message& m, const RequestVote& request);
  void handle_vote_response(const Message& m, const RequestVoteResponse& response);
  size_t count_votes(bool granted) const;
  void reset(Term term);
  void become_follower(Term term, NodeId leader);
  void become_pre_candidate();
  void become_candidate();
  void become_leader();

  // replication.cpp: §5.3.
  void tick_heartbeat();
  bool quorum_active();
  void broadcast_heartbeat();
  void broadcast_append();
  bool send_append(NodeId to, bool send_if_empty);
  void handle_append_entries(const Message& m, const AppendEntries& request);
  void reject_append(const Message& m, const AppendEntries& request);
  void handle_append_response(const Message& m, const AppendEntriesResponse& response);
  void handle_append_rejection(NodeId from, Progress& progress, const AppendEntriesResponse& response);
  void send_heartbeat(NodeId to, Progress& progress);

  // snapshot.cpp: §7 log compaction, restart from a snapshot.
  static std::vector<Entry> entries_after(std::vector<Entry> log,
                                          const std::optional<SnapshotMeta>& snapshot);
  void restore_conf(const ConfState& conf);

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
  std::map<NodeId, Progress> progress_;  // leader: every voter but us

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
