#include "cluster/raft_proposer.h"

#include <chrono>
#include <thread>

#include "base/random.h"
#include "catalog/feature_level.h"
#include "cluster/catalog_entry.h"

namespace dispotify::cluster {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Between attempts while a leader is being elected or found.
constexpr auto kRetryPause = std::chrono::milliseconds(20);

uint64_t remaining_ms(SteadyClock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<uint64_t>(left.count()) : 0;
}

}  // namespace

Status RaftProposer::propose(const catalog::Command& command) {
  std::optional<std::string> id = catalog::RequestIdScope::next_request_id();
  return propose_with_id(command, id ? *id : random_hex(16), kWriteTimeoutMs);
}

void RaftProposer::propose_async(const catalog::Command& command, AsyncDone done) {
  std::optional<std::string> id = catalog::RequestIdScope::next_request_id();
  auto entry = entry_of(command, id ? *id : random_hex(16));
  if (!entry.ok()) return done(catalog::AsyncProposal{Status(std::move(entry).error()), {}});
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kWriteTimeoutMs);
  auto rest = [this, entry = *entry, deadline] { return propose_entry(entry, deadline); };
  if (runner_.leader().value() == 0) return done(catalog::AsyncProposal{std::nullopt, std::move(rest)});
  if (!runner_.is_leader()) return forward_async(*entry, deadline, std::move(rest), std::move(done));
  runner_.propose_async(*entry, kWriteTimeoutMs,
                        [rest, deadline, done = std::move(done)](Result<Committed> committed) {
                          if (committed.ok())
                            return done(catalog::AsyncProposal{std::move(committed->outcome), {}});
                          if (committed.error().code != Errc::unavailable || remaining_ms(deadline) == 0) {
                            return done(catalog::AsyncProposal{Status(std::move(committed).error()), {}});
                          }
                          // Leadership moved before it committed: the blocking
                          // path finds the new leader, under the same request id.
                          done(catalog::AsyncProposal{std::nullopt, rest});
                        });
}

void RaftProposer::forward_async(const std::string& entry, SteadyClock::time_point deadline,
                                 std::function<Status()> rest, AsyncDone done) {
  RaftRunner* runner = &runner_;
  forwarder_.forward_async(
      entry, remaining_ms(deadline), [runner, deadline, rest, done](Result<Committed> answer) {
        if (answer.ok()) {
          // Read-your-writes: answer once this node shows the write too (the
          // forwarder waited for its batch; this is the rare straggler).
          runner->wait_applied_async(answer->index, std::max<uint64_t>(remaining_ms(deadline), 1),
                                     [outcome = std::move(answer->outcome), done](Status applied) {
                                       done(catalog::AsyncProposal{applied.ok() ? outcome : applied, {}});
                                     });
          return;
        }
        if (answer.error().code != Errc::unavailable || remaining_ms(deadline) == 0) {
          return done(catalog::AsyncProposal{Status(std::move(answer).error()), {}});
        }
        // Another leader, perhaps: the blocking path finds it.
        done(catalog::AsyncProposal{std::nullopt, rest});
      });
}

Result<std::string> RaftProposer::entry_of(const catalog::Command& command, const std::string& request_id) {
  // A command of a feature level the cluster has not committed could reach
  // a member that cannot decode it (a rolling upgrade in progress). Only
  // such commands pay for the level read.
  if (catalog::required_level(command) > catalog::kFeatureLevelBaseline) {
    DISPOTIFY_ASSIGN_OR_RETURN(int64_t level, runner_.catalog().cluster_level());
    DISPOTIFY_TRY(catalog::check_proposable(command, level));
  }
  return encode_catalog_entry(request_id, command);
}

Status RaftProposer::propose_with_id(const catalog::Command& command, const std::string& request_id,
                                     uint64_t timeout_ms) {
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string data, entry_of(command, request_id));
  return propose_entry(data, SteadyClock::now() + std::chrono::milliseconds(timeout_ms));
}

Status RaftProposer::propose_entry(const std::string& data, SteadyClock::time_point deadline) {
  Error last = make_error(Errc::unavailable, "no leader could be reached");
  while (remaining_ms(deadline) > 0) {
    if (runner_.leaderless_ms() >= kLeaderlessGiveUpMs) {
      return make_error(Errc::unavailable,
                        "this node cannot reach a majority of the cluster (no leader for " +
                            std::to_string(runner_.leaderless_ms()) + " ms)");
    }
    if (runner_.is_leader()) {
      auto committed = runner_.propose(data, remaining_ms(deadline));
      if (committed.ok()) return std::move(committed->outcome);
      if (committed.error().code != Errc::unavailable) return std::move(committed).error();
      last = std::move(committed).error();
    } else {
      auto answer = forwarder_.forward(data, remaining_ms(deadline));
      if (answer.ok()) {
        // Read-your-writes: answer once this node shows the write too.
        DISPOTIFY_TRY(runner_.wait_applied(answer->index, std::max<uint64_t>(remaining_ms(deadline), 1)));
        return std::move(answer->outcome);
      }
      if (answer.error().code != Errc::unavailable) return std::move(answer).error();
      last = std::move(answer).error();
    }
    std::this_thread::sleep_for(kRetryPause);
  }
  return make_error(Errc::unavailable, "the write could not be committed in time: " + last.message);
}

}  // namespace dispotify::cluster
