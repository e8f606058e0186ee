#include "storage/replica_source.h"

#include "base/check.h"
#include "base/log.h"

namespace dispotify::storage {

ReplicaSource::ReplicaSource(std::shared_ptr<const StorageView> view, std::vector<std::string> candidates,
                             std::string hash, uint64_t first, uint64_t end, TransferOptions timeouts)
    : view_(std::move(view)),
      candidates_(std::move(candidates)),
      hash_(std::move(hash)),
      next_offset_(first),
      end_(end),
      timeouts_(timeouts) {
  DISPOTIFY_CHECK(first <= end);
}

Status ReplicaSource::connect_next() {
  const int attempts_max = static_cast<int>(candidates_.size()) * kReplicaAttemptsPerCandidate;
  while (attempts_ < attempts_max) {
    const std::string& node = candidates_[next_candidate_];
    next_candidate_ = (next_candidate_ + 1) % candidates_.size();
    ++attempts_;
    const StorageMember* member = view_->member(node);
    if (member == nullptr) continue;
    auto opened = open_blob_download(member->peer_address, hash_, next_offset_, end_, timeouts_);
    if (opened.ok()) {
      current_ = std::move(*opened);
      return ok_status();
    }
    last_error_ = node + ": " + opened.error().message;
  }
  return make_error(Errc::unavailable, "no node could serve blob " + hash_ + " from byte " +
                                           std::to_string(next_offset_) +
                                           (last_error_.empty() ? "" : " (last: " + last_error_ + ")"));
}

Status ReplicaSource::connect() {
  if (current_ || next_offset_ >= end_) return ok_status();
  return connect_next();
}

Result<size_t> ReplicaSource::read(std::span<char> buffer) {
  if (next_offset_ >= end_) return size_t{0};
  const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end_ - next_offset_));
  for (;;) {
    if (!current_) DISPOTIFY_TRY(connect_next());
    auto got = current_->read(buffer.first(want));
    if (got.ok() && *got > 0) {
      next_offset_ += *got;
      return *got;
    }
    // A holder that fails or ends early: continue where it stopped.
    last_error_ = got.ok() ? "body ended early" : got.error().message;
    log::warn("blob stream switches holder",
              {{"hash", hash_}, {"offset", next_offset_}, {"error", last_error_}});
    current_.reset();
  }
}

}  // namespace dispotify::storage
