#include "storage/blob_verifier.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/sha256.h"

namespace dispotify::storage {
namespace {

constexpr size_t kHashChunkBytes = 1 << 20;

int64_t ns(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

}  // namespace

Result<std::pair<std::string, uint64_t>> hash_file(int fd) {
  Sha256 hasher;
  std::vector<char> buffer(kHashChunkBytes);
  uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Errc::io_error, std::string("read blob: ") + std::strerror(errno));
    if (n == 0) break;
    hasher.update({buffer.data(), static_cast<size_t>(n)});
    offset += static_cast<uint64_t>(n);
  }
  return std::pair<std::string, uint64_t>{hasher.finish_hex(), offset};
}

BlobVerifier::Identity BlobVerifier::identity_of(const struct stat& st) {
  Identity identity;
  identity.inode = static_cast<uint64_t>(st.st_ino);
  identity.size = static_cast<uint64_t>(st.st_size);
  identity.mtime_ns = ns(st.st_mtim);
  identity.ctime_ns = ns(st.st_ctim);
  return identity;
}

bool BlobVerifier::identity_of(int fd, Identity& out) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  out = identity_of(st);
  return true;
}

bool BlobVerifier::known_good(int fd, const std::string& hash) const {
  Identity now;
  return identity_of(fd, now) && remembered(hash, now);
}

bool BlobVerifier::known_good(const struct stat& st, const std::string& hash) const {
  return remembered(hash, identity_of(st));
}

bool BlobVerifier::remembered(const std::string& hash, const Identity& now) const {
  std::lock_guard lock(mutex_);
  auto it = verified_.find(hash);
  return it != verified_.end() && it->second == now;
}

Status BlobVerifier::verify(int fd, const std::string& hash) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto found, hash_file(fd));
  if (found.first != hash) {
    forget(hash);
    return make_error(Errc::corrupt, "blob " + hash + " holds " + std::to_string(found.second) +
                                         " bytes that hash to " + found.first);
  }
  remember(fd, hash);
  return ok_status();
}

void BlobVerifier::remember(int fd, const std::string& hash) {
  Identity identity;
  if (!identity_of(fd, identity)) return;
  std::lock_guard lock(mutex_);
  if (verified_.size() >= kVerifiedEntriesMax) {
    // Forget the older half: they are hashed again when next served.
    std::vector<uint64_t> orders;
    orders.reserve(verified_.size());
    for (const auto& [h, id] : verified_) orders.push_back(id.order);
    std::nth_element(orders.begin(), orders.begin() + static_cast<long>(orders.size() / 2), orders.end());
    const uint64_t median = orders[orders.size() / 2];
    std::erase_if(verified_, [&](const auto& entry) { return entry.second.order < median; });
  }
  identity.order = next_order_++;
  verified_[hash] = identity;
}

void BlobVerifier::forget(const std::string& hash) {
  std::lock_guard lock(mutex_);
  verified_.erase(hash);
}

}  // namespace dispotify::storage
