#include "storage/replicated_writer.h"

#include "base/check.h"
#include "base/log.h"

namespace dispotify::storage {

ReplicatedWriter::ReplicatedWriter(std::shared_ptr<const StorageView> view, std::unique_ptr<BlobWriter> local,
                                   bool local_is_target, std::vector<Remote> remotes)
    : view_(std::move(view)),
      local_(std::move(local)),
      local_is_target_(local_is_target),
      remotes_(std::move(remotes)) {
  DISPOTIFY_CHECK(view_ != nullptr && local_ != nullptr);
}

size_t ReplicatedWriter::live_targets() const {
  size_t live = local_is_target_ ? 1 : 0;
  for (const Remote& r : remotes_) live += r.failure.empty() ? 1 : 0;
  return live;
}

std::string ReplicatedWriter::failures() const {
  std::string text;
  for (const Remote& r : remotes_) {
    if (r.failure.empty()) continue;
    text += (text.empty() ? "" : "; ") + r.node_id + ": " + r.failure;
  }
  return text.empty() ? "no other node could be reached" : text;
}

Status ReplicatedWriter::check_quorum_possible() const {
  if (live_targets() >= view_->write_quorum) return ok_status();
  return make_error(Errc::unavailable, "only " + std::to_string(live_targets()) + " of the " +
                                           std::to_string(view_->write_quorum) +
                                           " copies an upload needs could be written (" + failures() + ")");
}

Status ReplicatedWriter::write(std::span<const char> bytes) {
  DISPOTIFY_TRY(local_->write(bytes));
  // A local target hashes what it writes already: one SHA-256 pass, not two.
  if (!local_is_target_) hasher_.update(bytes);
  for (Remote& r : remotes_) {
    if (!r.failure.empty()) continue;
    if (auto sent = r.stream->write(bytes); !sent.ok()) fail(r, sent.error().message);
  }
  // Give up as soon as the quorum cannot be reached: the client learns at
  // once instead of after sending the whole file.
  return check_quorum_possible();
}

void ReplicatedWriter::fail(Remote& remote, std::string why) {
  remote.failure = std::move(why);
  log::warn("blob copy failed", {{"node", remote.node_id}, {"error", remote.failure}});
}

Result<std::string> ReplicatedWriter::finish_writing() {
  if (!bodies_ended_) {
    bodies_ended_ = true;
    for (Remote& r : remotes_) {
      if (!r.failure.empty()) continue;
      if (auto ended = r.stream->end_body(); !ended.ok()) fail(r, ended.error().message);
    }
  }
  return local_->finish_writing();
}

Result<BlobInfo> ReplicatedWriter::commit(std::string_view expected_hash) {
  DISPOTIFY_TRY(finish_writing());
  std::string hash;
  if (local_is_target_) {
    // Refused (Errc::corrupt, nothing visible) if it is not the expected blob.
    DISPOTIFY_ASSIGN_OR_RETURN(BlobInfo stored, local_->commit(expected_hash));
    hash = stored.hash;
  } else {
    hash = hasher_.finish_hex();
    if (!expected_hash.empty() && expected_hash != hash) {
      return make_error(Errc::corrupt,
                        "content hash " + hash + " does not match expected " + std::string(expected_hash));
    }
  }
  DISPOTIFY_CHECK(is_sha256_hex(hash));
  BlobInfo info{hash, local_->bytes_written(), {}};
  if (local_is_target_) info.holders.push_back(view_->self_id);
  for (Remote& r : remotes_) {
    if (!r.failure.empty()) continue;
    auto answer = r.stream->read_answer();
    Result<BlobInfo> stored = answer.ok() ? read_upload_answer(*answer) : Result<BlobInfo>(answer.error());
    if (!stored.ok()) {
      fail(r, stored.error().message);
    } else if (stored->hash != hash || stored->size_bytes != info.size_bytes) {
      // Bytes changed on the way: that copy is garbage under another name.
      fail(r, "stored " + stored->hash + " instead of " + hash);
    } else {
      info.holders.push_back(r.node_id);
    }
  }
  DISPOTIFY_TRY(check_quorum_possible());
  DISPOTIFY_CHECK(info.holders.size() >= view_->write_quorum);
  return info;
}

}  // namespace dispotify::storage
