// Serving a local replica whose bytes have not been vouched for yet, from
// an I/O thread that must not block: the response starts at once, and the
// first read() (on a worker thread) hashes the file. If the copy is good
// the range is sent from it; if not, it is quarantined and the same range
// comes from `fallback` (another holder), so the client never sees a
// wrong byte nor an error. Used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "net/http.h"
#include "storage/local_blob_store.h"

namespace dispotify::storage {

class VerifiedLocalSource final : public net::ChunkSource {
 public:
  using Fallback = std::function<std::shared_ptr<net::ChunkSource>()>;
  // Sends bytes [first, end) of `hash` from `fd`; `fallback` may be empty
  // (no other holder: a corrupt copy then ends the stream with an error).
  VerifiedLocalSource(LocalBlobStore& store, SharedFd fd, std::string hash, uint64_t first, uint64_t end,
                      Fallback fallback);
  Result<size_t> read(std::span<char> buffer) override;

 private:
  LocalBlobStore& store_;
  SharedFd fd_;  // never null
  std::string hash_;
  uint64_t next_offset_;
  uint64_t end_;
  Fallback fallback_;
  bool checked_ = false;
  std::shared_ptr<net::ChunkSource> remote_;  // set when the local copy was bad
};

}  // namespace dispotify::storage
