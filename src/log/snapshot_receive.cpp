// SnapshotStore: receiving a snapshot from the leader, one InstallSnapshot
// chunk at a time (thesis §5.3), into tmp/receiving-<index>-<term>.partial.
// The partial file lives only as long as the store: open() deletes it, and
// the leader restarts from offset 0 when told so.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/fs.h"
#include "log/crc32c.h"
#include "log/file_io.h"
#include "log/fixed_decimal.h"
#include "log/snapshot_files.h"
#include "log/snapshot_store.h"

namespace dispotify::raftlog {

Result<uint64_t> SnapshotStore::receive_chunk(const raft::SnapshotMeta& meta, uint64_t offset,
                                              std::string_view data, bool done) {
  if (meta.index.is_zero() || meta.term.is_zero() || !conf_state_is_valid(meta.conf)) {
    return make_error(Errc::invalid_argument, "snapshot meta from the leader is invalid");
  }
  if (data.size() > kSnapshotChunkBytesMax) return make_error(Errc::too_large, "snapshot chunk too large");
  if (latest_ && meta == latest_->meta) return latest_->size_bytes;  // already installed
  if (latest_ && meta.index <= latest_->meta.index) {
    return make_error(Errc::conflict,
                      "snapshot at " + raft::to_string(meta.index) + " is not newer than ours");
  }
  if (!receiving_ || receiving_->meta != meta) {
    abandon_receiving();
    if (offset != 0) return uint64_t{0};  // the leader must start over
    DISPOTIFY_TRY(start_receiving(meta));
  }
  Receiving& r = *receiving_;
  if (offset != r.next_offset) return r.next_offset;  // duplicate or out of order: ignored
  if (r.next_offset + data.size() > kSnapshotBytesMax) {
    abandon_receiving();
    return make_error(Errc::too_large,
                      "snapshot larger than " + std::to_string(kSnapshotBytesMax) + " bytes");
  }
  if (auto written = write_all_at(r.fd.get(), r.path, data, offset); !written.ok()) {
    abandon_receiving();
    return std::move(written).error();
  }
  r.next_offset += data.size();
  r.crc32c = crc32c_extend(r.crc32c, data.data(), data.size());
  if (!done) return r.next_offset;
  return finish_receiving();
}

Status SnapshotStore::start_receiving(const raft::SnapshotMeta& meta) {
  const std::string path = temp_path("receiving-" + fixed_decimal(meta.index.value()) + "-" +
                                     fixed_decimal(meta.term.value()) + ".partial");
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return fs::errno_error("create", path, errno);
  receiving_ = Receiving{meta, path, std::move(fd), 0, 0};
  return {};
}

// Re-reads what was written: the checksum of the bytes received must be the
// checksum of the bytes on disk before the file becomes the snapshot.
Result<uint64_t> SnapshotStore::finish_receiving() {
  Receiving& r = *receiving_;
  Status verified = sync_all(r.fd.get(), r.path);
  uint32_t on_disk = 0;
  for (uint64_t offset = 0; verified.ok() && offset < r.next_offset;) {
    auto block = read_at(r.fd.get(), r.path, offset,
                         static_cast<size_t>(std::min<uint64_t>(1 << 20, r.next_offset - offset)));
    if (!block.ok()) {
      verified = std::move(block).error();
    } else if (block->empty()) {
      verified =
          make_error(Errc::corrupt, "received snapshot " + r.path + " is shorter than what was written");
    } else {
      on_disk = crc32c_extend(on_disk, block->data(), block->size());
      offset += block->size();
    }
  }
  if (verified.ok() && on_disk != r.crc32c) {
    verified = make_error(Errc::corrupt, "received snapshot " + r.path + " does not read back as written");
  }
  if (verified.ok()) verified = install(r.meta, r.path, r.next_offset, r.crc32c);
  const uint64_t size = r.next_offset;
  if (verified.ok()) {
    receiving_.reset();  // the file was renamed into place
    return size;
  }
  abandon_receiving();
  return std::move(verified).error();
}

void SnapshotStore::abandon_receiving() {
  if (!receiving_) return;
  (void)remove_file(receiving_->path);
  receiving_.reset();
}

}  // namespace dispotify::raftlog
