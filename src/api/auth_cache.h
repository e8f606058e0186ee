// Remembers which user a token hash resolved to, so that a stream of
// requests with the same token costs one catalog lookup, not two per request.
//
// Correct without invalidation messages: the whole cache belongs to one
// catalog auth epoch (Catalog::auth_epoch), which advances whenever an
// applied command may change what a token resolves to. A lookup at the same
// epoch returns exactly what the catalog would, and the first lookup at a
// newer epoch empties it; unrelated writes (uploads, playlists) keep it.
// Misses are not cached, so a new token is found at once. Expiry times are
// still checked by the caller on every use. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "catalog/types.h"

namespace dispotify::api {

class AuthCache {
 public:
  // Bounds memory against a flood of distinct tokens: past it the cache is
  // emptied and starts again.
  static constexpr size_t kEntriesMax = 4096;

  using Entry = std::pair<catalog::User, catalog::Token>;

  std::optional<Entry> find(const std::string& token_hash, uint64_t applied_index);
  void insert(const std::string& token_hash, uint64_t applied_index, Entry entry);

 private:
  std::mutex mutex_;
  uint64_t applied_index_ = 0;                      // guarded by mutex_: the index every entry was read at
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace dispotify::api
