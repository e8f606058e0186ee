#include "cluster/forward_batcher.h"

#include <algorithm>

#include "base/check.h"
#include "cluster/propose_answer.h"
#include "cluster/propose_batch.h"

namespace dispotify::cluster {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now().time_since_epoch()).count();
}

uint64_t remaining_ms(SteadyClock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<uint64_t>(left.count()) : 0;
}

Error unavailable(std::string message) { return make_error(Errc::unavailable, std::move(message)); }

// The leader's answer to a request, as the error every entry of it gets
// when there is no per-entry answer.
Error refusal(const net::ClientResponse& response) {
  if (response.status == 503) return unavailable("the leader is busy: " + response.body);
  return make_error(Errc::internal, "the leader refused forwarded writes (" +
                                        std::to_string(response.status) + "): " + response.body);
}

}  // namespace

bool ForwardBatcher::batches_refused() const {
  const int64_t at = batches_refused_at_ms_.load();
  return at != 0 && steady_now_ms() - at < static_cast<int64_t>(kSingleForwardsAfterRefusalMs);
}

Result<Committed> ForwardBatcher::forward(std::string entry, uint64_t timeout_ms) {
  if (batches_refused()) return forward_alone(entry, timeout_ms);
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  auto pending = std::make_shared<Pending>(std::move(entry));
  std::unique_lock lock(mutex_);
  if (queue_.size() >= kForwardQueueEntriesMax) return unavailable("too many writes waiting for the leader");
  queue_.push_back(pending);
  while (!pending->answer) {
    // A thread whose own time is up carries nothing: the batch would leave
    // with no time to be answered.
    const bool may_carry = remaining_ms(deadline) > 0;
    if (may_carry && batches_in_flight_ < kForwardBatchesInFlightMax && !queue_.empty()) {
      // This thread carries the next batch (perhaps not holding its own
      // entry, which then leaves with a later one).
      Batch batch = take_batch_locked();
      ++batches_in_flight_;
      lock.unlock();
      std::vector<Result<Committed>> answers = send_batch(batch, remaining_ms(deadline));
      lock.lock();
      --batches_in_flight_;  // the next batch may leave while this one is applied here
      wake_next_carrier_locked();
      lock.unlock();
      wait_until_applied_here(answers, remaining_ms(deadline));
      lock.lock();
      DISPOTIFY_CHECK(answers.size() == batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        batch[i]->answer.emplace(std::move(answers[i]));
        batch[i]->answered.notify_one();
      }
      continue;
    }
    bool timed_out = !may_carry;
    if (may_carry) {
      pending->waiting = true;
      timed_out = pending->answered.wait_until(lock, deadline) == std::cv_status::timeout;
      pending->waiting = false;
    }
    if (timed_out && !pending->answer) {
      // Still queued: it never leaves. On the way: its carrier fills an
      // answer nobody reads; the caller's retry (same request id) is safe.
      std::erase(queue_, pending);
      wake_next_carrier_locked();  // in case it was the one woken to carry
      return unavailable("the write was not answered by the leader in time");
    }
  }
  return std::move(*pending->answer);
}

void ForwardBatcher::wake_next_carrier_locked() {
  if (batches_in_flight_ >= kForwardBatchesInFlightMax) return;
  for (const auto& queued : queue_) {
    if (!queued->waiting) continue;
    queued->answered.notify_one();
    return;
  }
}

void ForwardBatcher::wait_until_applied_here(const std::vector<Result<Committed>>& answers,
                                             uint64_t timeout_ms) {
  uint64_t last = 0;
  for (const auto& answer : answers) {
    if (answer.ok()) last = std::max(last, answer->index);
  }
  // Too slow is no failure here: each writer then waits on its own.
  if (last > 0 && timeout_ms > 0) (void)wait_applied_(last, timeout_ms);
}

ForwardBatcher::Batch ForwardBatcher::take_batch_locked() {
  Batch batch;
  size_t bytes = 0;
  while (!queue_.empty() && batch.size() < kProposeBatchEntriesMax) {
    const size_t size = queue_.front()->entry.size();
    if (!batch.empty() && bytes + size > kProposeBatchBytesMax) break;  // a huge entry still goes, alone
    bytes += size;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  DISPOTIFY_CHECK(!batch.empty());
  return batch;
}

std::vector<Result<Committed>> ForwardBatcher::send_batch(const Batch& batch, uint64_t timeout_ms) {
  std::vector<std::string_view> entries;
  entries.reserve(batch.size());
  for (const auto& p : batch) entries.push_back(p->entry);
  auto response = leader_.post(kProposeBatchPath, encode_propose_batch(entries), timeout_ms);
  std::optional<Error> common;
  if (!response.ok()) {
    common = response.error();
  } else if (response->status == 404) {
    // An older leader: single forwards for a while; these entries are
    // retried by their callers.
    batches_refused_at_ms_.store(std::max<int64_t>(steady_now_ms(), 1));
    common = unavailable("the leader does not take batches of writes; retrying one by one");
  } else if (response->status != 200) {
    common = refusal(*response);
  } else {
    auto answers = decode_batch_answers(response->body, batch.size());
    if (answers.ok()) return std::move(*answers);
    common = answers.error();
  }
  return std::vector<Result<Committed>>(batch.size(), *common);
}

Result<Committed> ForwardBatcher::forward_alone(const std::string& entry, uint64_t timeout_ms) {
  DISPOTIFY_ASSIGN_OR_RETURN(net::ClientResponse response,
                             leader_.post("/peer/v1/propose", entry, timeout_ms));
  if (response.status != 200) return refusal(response);
  return decode_propose_answer(response.body);
}

}  // namespace dispotify::cluster
