#include "storage/replicated_blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "base/check.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "storage/replica_source.h"
#include "storage/replicated_writer.h"

namespace dispotify::storage {

ReplicatedBlobStore::ReplicatedBlobStore(LocalBlobStore& local, StorageViewSource views,
                                         TransferOptions timeouts)
    : local_(local), views_(std::move(views)), timeouts_(timeouts) {}

Result<std::unique_ptr<BlobWriter>> ReplicatedBlobStore::begin_write(std::string_view placement_key) {
  std::shared_ptr<const StorageView> view = views_();
  DISPOTIFY_CHECK(view != nullptr);
  const std::string key = placement_key.empty() ? random_hex(16) : std::string(placement_key);
  bool local_is_target = false;
  std::vector<ReplicatedWriter::Remote> remotes;
  size_t targets = 0;
  size_t full = 0;  // members passed over for lack of disk
  std::string failures;
  // The first R members of the preference list that take the stream; one
  // that cannot be reached is replaced by the next, so a dead owner costs
  // a connect timeout, not the upload.
  // Members below --min-free-disk are passed over like unreachable ones.
  for (const std::string& node : view->ring->preference_list(key, view->members.size())) {
    if (targets == view->replication_factor) break;
    if (!view->takes_new_copies(node)) {
      failures += (failures.empty() ? "" : "; ") + node + ": below --min-free-disk";
      ++full;
      continue;
    }
    if (node == view->self_id) {
      // The committed flag lags the disk by a round of the repair loop.
      if (Status room = local_.has_room(0); !room.ok()) {
        failures += (failures.empty() ? "" : "; ") + node + ": " + room.error().message;
        ++full;
        continue;
      }
      local_is_target = true;
      ++targets;
      continue;
    }
    const StorageMember* member = view->member(node);
    DISPOTIFY_CHECK(member != nullptr);
    auto stream = open_blob_upload(member->peer_address, timeouts_);
    if (!stream.ok()) {
      // The next member takes the copy; the repair loop moves it to this
      // owner later. Said, so that an operator sees why copies move.
      log::warn("an owner cannot take an upload; the next member will",
                {{"node", node}, {"error", stream.error().message}});
      failures += (failures.empty() ? "" : "; ") + node + ": " + stream.error().message;
      continue;
    }
    remotes.push_back({node, std::move(*stream), {}});
    ++targets;
  }
  if (targets < view->write_quorum) {
    // 507 when disks, not failures, are what is missing (a lone full node).
    const Errc code = targets + full >= view->write_quorum ? Errc::insufficient_storage : Errc::unavailable;
    return make_error(code, "only " + std::to_string(targets) + " of the " +
                                std::to_string(view->write_quorum) +
                                " copies an upload needs can be written (" + failures + ")");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(auto local,
                             local_is_target ? local_.begin_write() : local_.begin_scratch_write());
  return std::unique_ptr<BlobWriter>(
      new ReplicatedWriter(std::move(view), std::move(local), local_is_target, std::move(remotes)));
}

std::vector<std::string> ReplicatedBlobStore::read_candidates(const BlobLocation& location) const {
  std::shared_ptr<const StorageView> view = views_();
  const std::string& key = location.placement_key.empty() ? location.hash : location.placement_key;
  std::vector<std::string> order = view->ring->preference_list(key, view->members.size());
  std::vector<std::string> candidates;
  // Recorded holders first, in preference order; then everyone else in
  // preference order (a copy may exist that the catalog does not list yet).
  for (const std::string& node : order) {
    if (node != view->self_id &&
        std::find(location.holders.begin(), location.holders.end(), node) != location.holders.end()) {
      candidates.push_back(node);
    }
  }
  for (const std::string& node : order) {
    if (node != view->self_id && std::find(candidates.begin(), candidates.end(), node) == candidates.end()) {
      candidates.push_back(node);
    }
  }
  return candidates;
}

Status ReplicatedBlobStore::fetch_to_file(const BlobLocation& location, const std::string& path) const {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return fs::errno_error("open", path, errno);
  auto source = open_remote(location, 0, location.size_bytes);
  Sha256 hasher;
  std::vector<char> buffer(256 * 1024);
  Status copied = [&]() -> Status {
    for (;;) {
      DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, source->read(buffer));
      if (n == 0) return ok_status();
      hasher.update({buffer.data(), n});
      for (size_t done = 0; done < n;) {
        const ssize_t w = ::write(fd.get(), buffer.data() + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return fs::errno_error("write", path, errno);
        done += static_cast<size_t>(w);
      }
    }
  }();
  if (copied.ok() && hasher.finish_hex() != location.hash) {
    copied = make_error(Errc::corrupt, "blob " + location.hash + " arrived corrupted");
  }
  if (!copied.ok()) ::unlink(path.c_str());
  return copied;
}

std::shared_ptr<ReplicaSource> ReplicatedBlobStore::open_remote(const BlobLocation& location, uint64_t first,
                                                                uint64_t end) const {
  return std::make_shared<ReplicaSource>(views_(), read_candidates(location), location.hash, first, end,
                                         timeouts_);
}

}  // namespace dispotify::storage
