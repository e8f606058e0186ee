// RaftNode: the Raft consensus algorithm as a pure state machine, in the
// style of etcd's raft/RawNode. No I/O, clock, threads or hidden randomness.
//
// Inputs: tick() (logical time), step(message), propose(bytes),
// propose_conf_change(), read_index(context), transfer_leadership(target).
// Output: ready() returns what the caller must do, in this order:
//   1. persist hard_state and append `entries` to stable storage (truncating
//      any stored suffix from entries.front().index), and fsync; a crash
//      must keep both or neither (the commit index may point into `entries`);
//   2. send `messages`;
//   3. apply `committed_entries` to the state machine in order (config
//      entries too: the shell learns committed membership from them);
//   4. hand out `read_states`: a read with ok may be served once the state
//      machine has applied up to its index;
// then call advance() with that same Ready. (Step 1 must precede step 2: a
// vote or an acknowledgement must never be sent for state that a crash could
// lose, §5.1 / thesis §3.8.)
//
// Contract: single-threaded; the caller may tick/step/propose between ready()
// and advance(), but must not call ready() again before advance(). Misuse
// and impossible protocol states abort through DISPOTIFY_CHECK.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/conf_change.h"
#include "raft/config.h"
#include "raft/message.h"
#include "raft/progress.h"
#include "raft/raft_log.h"
#include "raft/rng.h"
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
  bool recent_active = false;
};

class RaftNode {
 public:
  // Starts (or restarts) as a follower from the persisted hard state and log.
  RaftNode(Config config, HardState hard_state, std::vector<Entry> log);

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
  void send_heartbeat(NodeId to, const Progress& progress);
  void broadcast_append();
  bool send_append(NodeId to, bool send_if_empty);
  void handle_append_entries(const Message& m, const AppendEntries& request);
  void reject_append(const Message& m, const AppendEntries& request);
  void handle_append_response(const Message& m, const AppendEntriesResponse& response);
  void handle_append_rejection(NodeId from, Progress& progress, const AppendEntriesResponse& response);

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
  void forget_committed_confs();
  void apply_conf();
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
  std::map<NodeId, Progress> progress_;  // leader: every voter but us

  ConfState conf_;  // in force: the last of conf_history_, else config_.initial_conf
  // Config entries in the log that a truncation could still roll back to or
  // from: the last committed one and every one after it, by index.
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
};

}  // namespace dispotify::raft
