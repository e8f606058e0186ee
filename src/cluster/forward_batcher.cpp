#include "cluster/forward_batcher.h"

#include <algorithm>
#include <future>
#include <optional>

#include "base/check.h"
#include "base/thread_name.h"
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

ForwardBatcher::ForwardBatcher(LeaderClient& leader, WaitAppliedFn wait_applied)
    : leader_(leader), wait_applied_(std::move(wait_applied)) {
  for (size_t i = 0; i < kForwardBatchesInFlightMax; ++i) {
    senders_.emplace_back([this] {
      name_this_thread("forward");
      run_sender();
    });
  }
}

ForwardBatcher::~ForwardBatcher() {
  std::deque<Pending> left;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  for (std::thread& sender : senders_) sender.join();
  for (Pending& p : left) p.done(unavailable("the node is shutting down"));
}

bool ForwardBatcher::batches_refused() const {
  const int64_t at = batches_refused_at_ms_.load();
  return at != 0 && steady_now_ms() - at < static_cast<int64_t>(kSingleForwardsAfterRefusalMs);
}

void ForwardBatcher::forward_async(std::string entry, uint64_t timeout_ms, Done done) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < kForwardQueueEntriesMax) {
      queue_.push_back(Pending{std::move(entry), deadline, std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(unavailable("too many writes waiting for the leader"));
}

Result<Committed> ForwardBatcher::forward(std::string entry, uint64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Result<Committed>>>();
  auto answer = promise->get_future();
  forward_async(std::move(entry), timeout_ms,
                [promise](Result<Committed> r) { promise->set_value(std::move(r)); });
  // Every path answers by the deadline (the leader's request and the
  // applied wait are bounded by it); the margin covers a busy machine.
  if (answer.wait_for(std::chrono::milliseconds(timeout_ms + 1'000)) != std::future_status::ready) {
    return unavailable("the write was not answered by the leader in time");
  }
  return answer.get();
}

void ForwardBatcher::run_sender() {
  while (true) {
    Batch batch;
    Batch expired;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      batch = take_batch_locked(expired);
    }
    // An entry whose time is up does not leave: it would have no time to
    // be answered. Its caller's retry (same request id) is safe either way.
    for (Pending& p : expired) p.done(unavailable("the write was not answered by the leader in time"));
    if (batch.empty()) continue;
    SteadyClock::time_point last = batch.front().deadline;
    for (const Pending& p : batch) last = std::max(last, p.deadline);
    std::vector<Result<Committed>> answers;
    if (batches_refused()) {
      for (const Pending& p : batch) answers.push_back(forward_alone(p.entry, remaining_ms(p.deadline)));
    } else {
      answers = send_batch(batch, remaining_ms(last));
    }
    DISPOTIFY_CHECK(answers.size() == batch.size());
    answer_when_applied(std::move(batch), std::move(answers));
  }
}

void ForwardBatcher::answer_when_applied(Batch batch, std::vector<Result<Committed>> answers) {
  uint64_t last_index = 0;
  SteadyClock::time_point last_deadline = SteadyClock::now();
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].ok()) continue;
    last_index = std::max(last_index, answers[i]->index);
    last_deadline = std::max(last_deadline, batch[i].deadline);
  }
  auto answer_all = [batch = std::make_shared<Batch>(std::move(batch)),
                     answers = std::make_shared<std::vector<Result<Committed>>>(std::move(answers))](Status) {
    // Too slow is no failure here: each writer then waits on its own.
    for (size_t i = 0; i < batch->size(); ++i) (*batch)[i].done(std::move((*answers)[i]));
  };
  if (last_index == 0) return answer_all(ok_status());
  wait_applied_(last_index, std::max<uint64_t>(remaining_ms(last_deadline), 1), std::move(answer_all));
}

ForwardBatcher::Batch ForwardBatcher::take_batch_locked(Batch& expired) {
  Batch batch;
  size_t bytes = 0;
  const auto now = SteadyClock::now();
  while (!queue_.empty() && batch.size() < kProposeBatchEntriesMax) {
    if (queue_.front().deadline <= now) {
      expired.push_back(std::move(queue_.front()));
      queue_.pop_front();
      continue;
    }
    const size_t size = queue_.front().entry.size();
    if (!batch.empty() && bytes + size > kProposeBatchBytesMax) break;  // a huge entry still goes, alone
    bytes += size;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

std::vector<Result<Committed>> ForwardBatcher::send_batch(const Batch& batch, uint64_t timeout_ms) {
  std::vector<std::string_view> entries;
  entries.reserve(batch.size());
  for (const Pending& p : batch) entries.push_back(p.entry);
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
  if (timeout_ms == 0) return unavailable("the write was not answered by the leader in time");
  DISPOTIFY_ASSIGN_OR_RETURN(net::ClientResponse response,
                             leader_.post("/peer/v1/propose", entry, timeout_ms));
  if (response.status != 200) return refusal(response);
  return decode_propose_answer(response.body);
}

}  // namespace dispotify::cluster
