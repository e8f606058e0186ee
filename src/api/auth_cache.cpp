#include "api/auth_cache.h"

namespace dispotify::api {

std::optional<AuthCache::Entry> AuthCache::find(const std::string& token_hash, uint64_t applied_index) {
  std::lock_guard lock(mutex_);
  if (applied_index != applied_index_) return std::nullopt;
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void AuthCache::insert(const std::string& token_hash, uint64_t applied_index, Entry entry) {
  std::lock_guard lock(mutex_);
  // An older index than the cache's means a slower reader raced a newer
  // one: its answer may be stale, so it is not kept.
  if (applied_index < applied_index_) return;
  if (applied_index > applied_index_ || entries_.size() >= kEntriesMax) {
    entries_.clear();
    applied_index_ = applied_index;
  }
  entries_.insert_or_assign(token_hash, std::move(entry));
}

}  // namespace dispotify::api
