// The one path by which the catalog changes: propose a command, wait until
// it is applied on this node, get the apply result.
//
// On a single node LocalProposer orders and applies commands at once; the
// Raft-backed proposer replaces it in a cluster without changing callers.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "catalog/catalog.h"
#include "catalog/command.h"

namespace dispotify::catalog {

// What propose_async hands back: the outcome, or (rarely: leadership moved
// while the command was on its way) the rest of the proposal, which may
// block and must run where blocking is allowed. It proposes under the same
// request id, so the command is still applied at most once.
struct AsyncProposal {
  std::optional<Status> outcome;
  std::function<Status()> finish_blocking;  // set when outcome is not
};

class Proposer {
 public:
  using AsyncDone = std::function<void(AsyncProposal)>;
  virtual ~Proposer() = default;
  // Returns once the command is committed and applied locally, with apply's
  // result (a deterministic rejection such as Errc::conflict), or with
  // Errc::unavailable when it could not be committed.
  [[nodiscard]] virtual Status propose(const Command& command) = 0;
  // True when propose_async() would hand the command to another thread at
  // once instead of blocking (a Raft leader); may change at any moment.
  virtual bool proposes_without_waiting() const { return false; }
  // The same as propose() without waiting: `done` is called exactly once,
  // from any thread, perhaps before this returns. It must be cheap (it runs
  // on the thread that applied the command). Blocks like propose() unless
  // proposes_without_waiting().
  virtual void propose_async(const Command& command, AsyncDone done) {
    done(AsyncProposal{propose(command), {}});
  }
  // Returns once this node's catalog reflects every command committed
  // before the call (a linearizable read may follow), or Errc::unavailable.
  // A single node is always up to date.
  [[nodiscard]] virtual Status read_barrier() { return ok_status(); }
};

// A cluster of one: the log is the catalog's own applied index.
//
// Group commit (as LevelDB's writer queue): concurrent proposers queue their
// commands; one of them, the applier, applies everything queued in one
// transaction (one fsync) while the others wait, then wakes them with their
// results. Thread-safe.
class LocalProposer final : public Proposer {
 public:
  static constexpr size_t kBatchCommandsMax = 256;

  explicit LocalProposer(Catalog& catalog) : catalog_(catalog) {}
  Status propose(const Command& command) override;

 private:
  struct Pending {
    const Command* command;
    std::optional<Status> outcome;
  };
  void apply_queued_batch(std::unique_lock<std::mutex>& lock);

  Catalog& catalog_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;  // guarded by mutex_; entries live on their proposers' stacks
  bool applying_ = false;       // guarded by mutex_: an applier is at work
};

}  // namespace dispotify::catalog

namespace dispotify::catalog {

// The client's idempotency key for the request this thread is handling
// (HTTP Idempotency-Key), so that a retried request proposes its commands
// under the same request ids and is not applied twice. The n-th command
// proposed within the scope gets "<key>#<n>". A proposer without a scope
// makes up a fresh id.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string key);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

  // The id for the next command proposed on this thread, if in a scope.
  static std::optional<std::string> next_request_id();

 private:
  std::string key_;
  int proposed_ = 0;
  RequestIdScope* outer_;
};

}  // namespace dispotify::catalog
