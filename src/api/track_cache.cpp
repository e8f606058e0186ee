#include "api/track_cache.h"

namespace dispotify::api {

TrackCache::Entry TrackCache::find(const std::string& track_id, uint64_t applied_index) {
  std::lock_guard lock(mutex_);
  if (applied_index != applied_index_) return nullptr;
  auto it = entries_.find(track_id);
  return it == entries_.end() ? nullptr : it->second;
}

TrackCache::Entry TrackCache::insert(uint64_t applied_index, catalog::Track track) {
  track.lyrics.clear();
  auto entry = std::make_shared<const catalog::Track>(std::move(track));
  std::lock_guard lock(mutex_);
  // An older index than the cache's means a slower reader raced a newer
  // one: its row may be stale, so it is not kept (but still answers the
  // request it was read for, as the catalog would have a moment ago).
  if (applied_index < applied_index_) return entry;
  if (applied_index > applied_index_ || entries_.size() >= kEntriesMax) {
    entries_.clear();
    applied_index_ = applied_index;
  }
  entries_.insert_or_assign(entry->id, entry);
  return entry;
}

}  // namespace dispotify::api
