// "No wrong byte is ever served": a local replica is hashed before it is
// served, unless it was already found good and its file has not changed
// since (same inode, size, mtime and ctime). Anything that rewrites or
// truncates the file changes those, so it is hashed again; rot that leaves
// them alone is the scrubber's to find (storage/scrubber.h), at its rate.
//
// Thread-safe. The memory is bounded: beyond kVerifiedEntriesMax entries
// the oldest half is forgotten (and hashed again when next served).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "base/result.h"

namespace dispotify::storage {

inline constexpr size_t kVerifiedEntriesMax = 200'000;

class BlobVerifier {
 public:
  // True when the open file `fd` of blob `hash` was verified and has not
  // changed since. Cheap (one fstat): safe on an I/O thread.
  bool known_good(int fd, const std::string& hash) const;
  // The same for a file the caller has already fstat'ed (`st`, from the
  // open descriptor): one system call fewer per stream start.
  bool known_good(const struct stat& st, const std::string& hash) const;
  // Hashes the whole file. OK and remembered when it matches; Errc::corrupt
  // (naming what was found) when it does not.
  [[nodiscard]] Status verify(int fd, const std::string& hash);
  // Called for a file that verify() or the scrubber found good.
  void remember(int fd, const std::string& hash);
  void forget(const std::string& hash);

 private:
  struct Identity {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    uint64_t order = 0;  // insertion order, for eviction
    bool operator==(const Identity& o) const {
      return inode == o.inode && size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
    }
  };
  static Identity identity_of(const struct stat& st);
  static bool identity_of(int fd, Identity& out);
  // True when `hash` was found good as the file `now` describes.
  bool remembered(const std::string& hash, const Identity& now) const;

  mutable std::mutex mutex_;
  std::map<std::string, Identity> verified_;  // guarded by mutex_
  uint64_t next_order_ = 0;                   // guarded by mutex_
};

// Hashes everything readable from `fd` from offset 0 (pread: the file
// position is left alone). Returns the hex digest and the byte count.
[[nodiscard]] Result<std::pair<std::string, uint64_t>> hash_file(int fd);

}  // namespace dispotify::storage
