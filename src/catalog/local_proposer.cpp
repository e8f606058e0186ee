#include "catalog/proposer.h"

#include <vector>

namespace dispotify::catalog {

Status LocalProposer::propose(const Command& command) {
  Pending self{&command, std::nullopt};
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  done_.wait(lock, [&] { return self.outcome.has_value() || !applying_; });
  if (!self.outcome) {
    applying_ = true;
    while (!self.outcome) apply_queued_batch(lock);
    applying_ = false;
    done_.notify_all();  // a waiter whose command is still queued becomes the applier
  }
  return std::move(*self.outcome);
}

// Called by the applier with the lock held; releases it while applying.
void LocalProposer::apply_queued_batch(std::unique_lock<std::mutex>& lock) {
  DISPOTIFY_CHECK(applying_ && !queue_.empty());
  std::vector<Pending*> batch;
  std::vector<Command> commands;
  while (!queue_.empty() && batch.size() < kBatchCommandsMax) {
    batch.push_back(queue_.front());
    commands.push_back(*queue_.front()->command);
    queue_.pop_front();
  }
  lock.unlock();
  auto outcomes = catalog_.apply_batch(catalog_.applied_index() + 1, commands);
  lock.lock();
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->outcome = outcomes.ok() ? std::move((*outcomes)[i]) : Status(outcomes.error());
  }
  done_.notify_all();
}

}  // namespace dispotify::catalog

namespace dispotify::catalog {
namespace {
thread_local RequestIdScope* current_scope = nullptr;
}

RequestIdScope::RequestIdScope(std::string key) : key_(std::move(key)), outer_(current_scope) {
  current_scope = this;
}

RequestIdScope::~RequestIdScope() {
  DISPOTIFY_CHECK(current_scope == this);
  current_scope = outer_;
}

std::optional<std::string> RequestIdScope::next_request_id() {
  if (current_scope == nullptr) return std::nullopt;
  return current_scope->key_ + "#" + std::to_string(current_scope->proposed_++);
}

}  // namespace dispotify::catalog
