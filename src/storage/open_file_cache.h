// Open descriptors of recently served blobs, shared by every response that
// sends from them, as nginx's open_file_cache keeps them: a stream start
// then costs no open(2) and close(2) (a tenth of a node's CPU per 1-byte
// range request, docs/BENCHMARKS.md section 1).
//
// Safe because a blob's name is its content's hash: whatever file a cached
// descriptor refers to held the right bytes when it was opened, and the
// caller still checks the open file (fstat and the verifier's identity)
// before sending from it. The store forgets a blob's descriptor when it
// removes or quarantines the blob, so the disk space is freed at once; an
// entry is also dropped `valid_for` after it was opened, which bounds how
// long a file deleted behind the store's back stays open.
//
// Pure: the caller passes the time. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/unique_fd.h"

namespace dispotify::storage {

using SharedFd = std::shared_ptr<const UniqueFd>;

class OpenFileCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kDefaultCapacity = 256;
  static constexpr std::chrono::seconds kDefaultValidFor{10};

  explicit OpenFileCache(size_t capacity = kDefaultCapacity,
                         std::chrono::steady_clock::duration valid_for = kDefaultValidFor);

  // The descriptor cached for `name`, unless there is none or it was opened
  // `valid_for` or longer before `now`.
  SharedFd find(std::string_view name, Clock::time_point now);
  // Caches `fd` (opened at `now`) for `name`, replacing any older entry.
  // When full, the entries opened longest ago go first.
  void insert(std::string_view name, SharedFd fd, Clock::time_point now);
  // Drops the entry of `name`; the descriptor closes when the last response
  // sending from it is done.
  void forget(std::string_view name);
  size_t size() const;

 private:
  struct Entry {
    SharedFd fd;
    Clock::time_point opened;
  };
  void make_room(Clock::time_point now);  // with mutex_ held
  // Looked up by string_view without building a string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };

  const size_t capacity_;
  const Clock::duration valid_for_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, NameHash, std::equal_to<>> entries_;  // guarded by mutex_
};

}  // namespace dispotify::storage
