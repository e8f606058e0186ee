// ForwardBatcher: a follower's writes on their way to the leader, sent in
// batches (POST /peer/v1/propose-batch, propose_batch.h) instead of one peer
// request each. As in LevelDB's writer queue, no thread of its own: a
// writing thread queues its entry, and while fewer than
// kForwardBatchesInFlightMax batches are on the way, a waiting thread takes
// everything queued (up to a batch's limits), posts it, and hands every
// entry its answer; the others wait. Under load batches grow by themselves:
// what arrives while one batch is on the way leaves with the next.
//
// The carrier also waits, once for the whole batch, until this node has
// applied the entries the leader committed, so that its writers find them
// applied (read-your-writes, raft_proposer.h) without a wait of their own
// each.
//
// A leader that does not know the batch route (an older version during a
// rolling upgrade: 404) gets single POST /peer/v1/propose requests for a
// while (kSingleForwardsAfterRefusalMs), then batches are tried again.
//
// Thread-safety: forward() may be called from any number of threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cluster/leader_client.h"
#include "cluster/raft_runner.h"

namespace dispotify::cluster {

// Batches on the way to the leader at once from one node: more than one, so
// a batch gathers while the previous one commits (pipelining), few enough to
// stay well under the leader's kForwardedWritesInFlightMax.
inline constexpr size_t kForwardBatchesInFlightMax = 4;
// Entries waiting to be sent: beyond it a write is refused at once
// (Errc::unavailable, the client retries) rather than queued without bound.
inline constexpr size_t kForwardQueueEntriesMax = 4096;
inline constexpr uint64_t kSingleForwardsAfterRefusalMs = 10'000;

class ForwardBatcher {
 public:
  // Blocks until this node has applied `index` or timeout_ms passes.
  using WaitAppliedFn = std::function<Status(uint64_t index, uint64_t timeout_ms)>;
  ForwardBatcher(LeaderClient& leader, WaitAppliedFn wait_applied)
      : leader_(leader), wait_applied_(std::move(wait_applied)) {}

  // Sends `entry` (an encoded catalog entry) to the leader and returns its
  // answer: committed and applied there (with the catalog's verdict), or
  // Errc::unavailable (no leader, not reached, not committed in time: the
  // caller may retry with the same request id), within timeout_ms.
  [[nodiscard]] Result<Committed> forward(std::string entry, uint64_t timeout_ms);

 private:
  struct Pending {
    explicit Pending(std::string e) : entry(std::move(e)) {}
    const std::string entry;
    std::optional<Result<Committed>> answer;  // guarded by mutex_
    // Wakes this writer alone: its answer arrived, or it is the oldest
    // queued and a batch may leave (waking every writer at each answer
    // cost more than the forwarding itself under load).
    std::condition_variable answered;
    bool waiting = false;  // guarded by mutex_: its thread waits on `answered` (is not carrying)
  };
  using Batch = std::vector<std::shared_ptr<Pending>>;

  // Under mutex_: the oldest queued entries, within a batch's limits.
  Batch take_batch_locked();
  // Under mutex_: if a batch may leave, wakes the oldest queued writer
  // that waits, to carry it.
  void wake_next_carrier_locked();
  // Without mutex_: one request to the leader, one answer per entry.
  std::vector<Result<Committed>> send_batch(const Batch& batch, uint64_t timeout_ms);
  // Without mutex_: until this node has applied every committed answer.
  void wait_until_applied_here(const std::vector<Result<Committed>>& answers, uint64_t timeout_ms);
  [[nodiscard]] Result<Committed> forward_alone(const std::string& entry, uint64_t timeout_ms);
  bool batches_refused() const;

  LeaderClient& leader_;
  WaitAppliedFn wait_applied_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Pending>> queue_;     // guarded by mutex_
  size_t batches_in_flight_ = 0;                   // guarded by mutex_
  std::atomic<int64_t> batches_refused_at_ms_{0};  // steady ms of the last 404; 0 = never
};

}  // namespace dispotify::cluster
