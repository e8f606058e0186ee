#include "storage/verified_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/check.h"

namespace dispotify::storage {

VerifiedLocalSource::VerifiedLocalSource(LocalBlobStore& store, SharedFd fd, std::string hash, uint64_t first,
                                         uint64_t end, Fallback fallback)
    : store_(store),
      fd_(std::move(fd)),
      hash_(std::move(hash)),
      next_offset_(first),
      end_(end),
      fallback_(std::move(fallback)) {
  DISPOTIFY_CHECK(first <= end);
}

Result<size_t> VerifiedLocalSource::read(std::span<char> buffer) {
  if (!checked_) {
    checked_ = true;
    if (!store_.verifier().known_good(fd_->get(), hash_)) {
      if (auto good = store_.verifier().verify(fd_->get(), hash_); !good.ok()) {
        if (good.error().code != Errc::corrupt) return std::move(good).error();
        store_.quarantine(hash_, good.error().message);
        if (!fallback_) return make_error(Errc::corrupt, "no good copy of blob " + hash_ + " to serve");
        remote_ = fallback_();
      }
    }
  }
  if (remote_) return remote_->read(buffer);
  if (next_offset_ >= end_) return size_t{0};
  const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end_ - next_offset_));
  for (;;) {
    const ssize_t n = ::pread(fd_->get(), buffer.data(), want, static_cast<off_t>(next_offset_));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Errc::io_error, "read blob " + hash_ + ": " + std::strerror(errno));
    if (n == 0) return make_error(Errc::corrupt, "blob " + hash_ + " ended early");
    next_offset_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
}

}  // namespace dispotify::storage
