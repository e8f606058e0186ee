// Remembers the tracks that streams asked for, so that starting a stream
// (on an I/O thread, api/stream_routes.cpp) costs no SQLite read
// transaction and no 35-column row, only a map lookup.
//
// Correct without invalidation messages, like AuthCache: the whole cache
// belongs to one catalog applied index (Catalog::applied_index). A lookup
// at the same index returns what the catalog held at that index, and the
// first lookup at a newer index (any applied command) empties it. Misses
// are not cached, so a track added a moment ago is found at once, and a
// deleted one is gone as soon as its deletion is applied. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "catalog/types.h"

namespace dispotify::api {

class TrackCache {
 public:
  // Bounds memory (a track is a few hundred bytes without its lyrics):
  // past it the cache is emptied and starts again.
  static constexpr size_t kEntriesMax = 8192;

  // Shared, read-only: a hit costs a reference count, not a copy.
  using Entry = std::shared_ptr<const catalog::Track>;

  Entry find(const std::string& track_id, uint64_t applied_index);
  // Keeps `track` without its lyrics (streams never read them).
  Entry insert(uint64_t applied_index, catalog::Track track);

 private:
  std::mutex mutex_;
  uint64_t applied_index_ = 0;                      // guarded by mutex_: the index every entry was read at
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace dispotify::api
