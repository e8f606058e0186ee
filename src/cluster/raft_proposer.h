// The catalog's Proposer in a cluster: every command goes through the Raft
// log. On the leader it is proposed directly; elsewhere it is forwarded to
// the leader's peer port, with the other writes waiting there, in one
// POST /peer/v1/propose-batch (forward_batcher.h), and the answer waits
// until this node has applied it too, so a client reads its own writes from
// the node it wrote to.
//
// Each command gets a request id that travels with it through every retry
// (to a new leader, after a lost answer): the catalog applies an id once,
// so a retry never applies a write twice.
//
// Every call is bounded by kWriteTimeoutMs: a node that cannot reach a
// majority answers Errc::unavailable (503 with Retry-After) in time.
#pragma once

#include "catalog/proposer.h"
#include "cluster/forward_batcher.h"
#include "cluster/leader_client.h"
#include "cluster/raft_runner.h"

namespace dispotify::cluster {

// Below the 2 s within which a client must get its answer (docs/API.md):
// the route's own work (parsing, hashing a password) comes on top.
inline constexpr uint64_t kWriteTimeoutMs = 1'500;
inline constexpr uint64_t kReadTimeoutMs = 1'500;

class RaftProposer final : public catalog::Proposer {
 public:
  RaftProposer(RaftRunner& runner, LeaderClient& leader)
      : runner_(runner),
        forwarder_(leader, [&runner](uint64_t index, uint64_t timeout_ms, RaftRunner::AppliedDone done) {
          runner.wait_applied_async(index, timeout_ms, std::move(done));
        }) {}
  Status propose(const catalog::Command& command) override;
  // The command goes to the runner (on the leader) or to the forwarder (on
  // a follower), and `done` is called once it is applied here; the caller
  // holds no thread meanwhile. Only a retry after leadership moved, or a
  // write while no leader is known, is left to finish where it may block.
  bool proposes_without_waiting() const override { return true; }
  void propose_async(const catalog::Command& command, AsyncDone done) override;
  Status read_barrier() override { return runner_.read_barrier(kReadTimeoutMs); }

  // The same with a caller-chosen request id (an Idempotency-Key, or the
  // id a forwarding node chose) and deadline.
  [[nodiscard]] Status propose_with_id(const catalog::Command& command, const std::string& request_id,
                                       uint64_t timeout_ms);

 private:
  // The entry for `command`, if the cluster can decode it.
  [[nodiscard]] Result<std::string> entry_of(const catalog::Command& command, const std::string& request_id);
  void forward_async(const std::string& entry, std::chrono::steady_clock::time_point deadline,
                     std::function<Status()> rest, AsyncDone done);
  // Proposes or forwards `entry` until it commits, fails for good, or the
  // deadline passes. Blocks.
  [[nodiscard]] Status propose_entry(const std::string& entry,
                                     std::chrono::steady_clock::time_point deadline);

  RaftRunner& runner_;
  ForwardBatcher forwarder_;
};

}  // namespace dispotify::cluster
