// ForwardBatcher: a follower's writes on their way to the leader, sent in
// batches (POST /peer/v1/propose-batch, propose_batch.h) instead of one peer
// request each. Writers queue their entry and are called back; a few sender
// threads (kForwardBatchesInFlightMax, so that a batch gathers while the
// previous ones commit: pipelining) each take everything queued (up to a
// batch's limits), post it, and answer every entry of it. Under load
// batches grow by themselves: what arrives while a batch is on the way
// leaves with the next.
//
// A batch's answers are handed out once this node has applied the entries
// the leader committed (one wait for the whole batch, on the Raft runner,
// holding no thread), so that its writers find them applied
// (read-your-writes, raft_proposer.h).
//
// A leader that does not know the batch route (an older version during a
// rolling upgrade: 404) gets single POST /peer/v1/propose requests for a
// while (kSingleForwardsAfterRefusalMs), then batches are tried again.
//
// Thread-safety: forward() and forward_async() may be called from any
// number of threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "cluster/leader_client.h"
#include "cluster/raft_runner.h"

namespace dispotify::cluster {

// Batches on the way to the leader at once from one node (its sender
// threads): more than one, so a batch gathers while the previous one
// commits, few enough to stay well under the leader's
// kForwardedWritesInFlightMax.
inline constexpr size_t kForwardBatchesInFlightMax = 4;
// Entries waiting to be sent: beyond it a write is refused at once
// (Errc::unavailable, the client retries) rather than queued without bound.
inline constexpr size_t kForwardQueueEntriesMax = 4096;
inline constexpr uint64_t kSingleForwardsAfterRefusalMs = 10'000;

class ForwardBatcher {
 public:
  using Done = std::function<void(Result<Committed>)>;
  // Calls `done` once this node has applied `index`, or with an error
  // after timeout_ms; never blocks (RaftRunner::wait_applied_async).
  using WaitAppliedFn =
      std::function<void(uint64_t index, uint64_t timeout_ms, RaftRunner::AppliedDone done)>;
  ForwardBatcher(LeaderClient& leader, WaitAppliedFn wait_applied);
  ~ForwardBatcher();
  ForwardBatcher(const ForwardBatcher&) = delete;
  ForwardBatcher& operator=(const ForwardBatcher&) = delete;

  // Sends `entry` (an encoded catalog entry) to the leader; `done` gets its
  // answer: committed and applied there (with the catalog's verdict), or
  // Errc::unavailable (no leader, not reached, not committed in time: the
  // caller may retry with the same request id), within about timeout_ms.
  // Called exactly once, on a sender thread, the Raft runner's thread, or
  // here (refused at once); it must not block.
  void forward_async(std::string entry, uint64_t timeout_ms, Done done);
  // The same, waiting for the answer.
  [[nodiscard]] Result<Committed> forward(std::string entry, uint64_t timeout_ms);

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Pending {
    std::string entry;
    SteadyClock::time_point deadline;
    Done done;
  };
  using Batch = std::vector<Pending>;

  void run_sender();
  // Under mutex_: the oldest queued entries still in time, within a
  // batch's limits; the expired ones are moved to `expired`.
  Batch take_batch_locked(Batch& expired);
  // Without mutex_: one request to the leader, one answer per entry.
  std::vector<Result<Committed>> send_batch(const Batch& batch, uint64_t timeout_ms);
  [[nodiscard]] Result<Committed> forward_alone(const std::string& entry, uint64_t timeout_ms);
  // Hands out the answers once this node has applied what they committed.
  void answer_when_applied(Batch batch, std::vector<Result<Committed>> answers);
  bool batches_refused() const;

  LeaderClient& leader_;
  WaitAppliedFn wait_applied_;
  std::mutex mutex_;
  std::condition_variable wake_;  // entries queued, or stopping
  std::deque<Pending> queue_;     // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  std::vector<std::thread> senders_;
  std::atomic<int64_t> batches_refused_at_ms_{0};  // steady ms of the last 404; 0 = never
};

}  // namespace dispotify::cluster
