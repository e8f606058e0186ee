#include "storage/open_file_cache.h"

#include <algorithm>
#include <vector>

#include "base/check.h"

namespace dispotify::storage {

OpenFileCache::OpenFileCache(size_t capacity, Clock::duration valid_for)
    : capacity_(capacity), valid_for_(valid_for) {
  DISPOTIFY_CHECK(capacity_ >= 1);
}

SharedFd OpenFileCache::find(std::string_view name, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.opened >= valid_for_) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.fd;
}

void OpenFileCache::insert(std::string_view name, SharedFd fd, Clock::time_point now) {
  DISPOTIFY_CHECK(fd != nullptr && fd->valid());
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    it->second = Entry{std::move(fd), now};
    return;
  }
  if (entries_.size() >= capacity_) make_room(now);
  entries_.emplace(std::string(name), Entry{std::move(fd), now});
  DISPOTIFY_CHECK(entries_.size() <= capacity_);
}

void OpenFileCache::forget(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(name); it != entries_.end()) entries_.erase(it);
}

size_t OpenFileCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

// Drops the expired entries, and if that frees nothing, the older half: a
// full cache is then swept once per capacity/2 inserts, not per insert.
void OpenFileCache::make_room(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& entry) { return now - entry.second.opened >= valid_for_; });
  if (entries_.size() < capacity_) return;
  std::vector<Clock::time_point> opened;
  opened.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) opened.push_back(entry.opened);
  auto middle = opened.begin() + static_cast<std::ptrdiff_t>(opened.size() / 2);
  std::nth_element(opened.begin(), middle, opened.end());
  const auto cut = *middle;
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.opened < cut; });
  // Equal times (one clock tick) could leave it full: then drop any one.
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
}

}  // namespace dispotify::storage
