// SnapshotStore: open (cleanup and verification), publish, read_chunk.
// Receiving from a leader is in snapshot_receive.cpp.
#include "log/snapshot_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <map>

#include "base/fs.h"
#include "base/log.h"
#include "log/crc32c.h"
#include "log/file_io.h"
#include "log/snapshot_files.h"

namespace dispotify::raftlog {
namespace {

constexpr std::string_view kTempDirName = "tmp";
constexpr uint64_t kMetaFileBytesMax = 1 << 20;
constexpr size_t kChecksumBlockBytes = 1 << 20;

Error corrupt(const std::string& path, std::string_view why) {
  return make_error(Errc::corrupt, "corrupt snapshot: " + path + ": " + std::string(why));
}

struct FileSum {
  uint64_t size_bytes = 0;
  uint32_t crc32c = 0;
};

// Reads the whole file once, in blocks, so a large snapshot is never held
// in memory.
Result<FileSum> checksum_file(int fd, const std::string& path) {
  FileSum sum;
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const std::string block,
                               read_at(fd, path, sum.size_bytes, kChecksumBlockBytes));
    sum.crc32c = crc32c_extend(sum.crc32c, block.data(), block.size());
    sum.size_bytes += block.size();
    if (block.size() < kChecksumBlockBytes) return sum;
  }
}

Status clean_temp_dir(const std::string& dir) {
  DISPOTIFY_ASSIGN_OR_RETURN(const std::vector<std::string> names, list_dir(dir));
  for (const std::string& name : names) DISPOTIFY_TRY(remove_file(dir + "/" + name));
  if (!names.empty()) log::info("removed temporary snapshot files", {{"dir", dir}, {"count", names.size()}});
  return {};
}

struct SnapshotPair {
  bool has_payload = false;
  bool has_meta = false;
};

using Listing = std::map<std::pair<raft::LogIndex, raft::Term>, SnapshotPair>;

Result<Listing> list_snapshots(const std::string& dir) {
  DISPOTIFY_ASSIGN_OR_RETURN(const std::vector<std::string> names, list_dir(dir));
  Listing listing;
  for (const std::string& name : names) {
    if (name == kTempDirName) continue;
    if (name.ends_with(".meta.tmp")) {  // an interrupted fs::write_file_atomic
      DISPOTIFY_TRY(remove_file(dir + "/" + name));
    } else if (auto parsed = parse_snapshot_file_name(name)) {
      SnapshotPair& pair = listing[{parsed->index, parsed->term}];
      (parsed->kind == SnapshotFileKind::payload ? pair.has_payload : pair.has_meta) = true;
    } else {
      log::warn("ignoring unknown file in the snapshot directory", {{"path", dir + "/" + name}});
    }
  }
  return listing;
}

}  // namespace

SnapshotStore::~SnapshotStore() { abandon_receiving(); }

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::open(const std::string& dir) {
  if (dir.empty()) return make_error(Errc::invalid_argument, "snapshot directory is empty");
  const std::string temp_dir = dir + "/" + std::string(kTempDirName);
  DISPOTIFY_TRY(fs::make_dirs(temp_dir));
  DISPOTIFY_TRY(fs::fsync_dir(fs::dirname(dir)));
  DISPOTIFY_TRY(clean_temp_dir(temp_dir));
  std::unique_ptr<SnapshotStore> store(new SnapshotStore(dir));
  DISPOTIFY_TRY(store->load_latest());
  return store;
}

// Keeps the newest complete snapshot, verified; deletes payloads without a
// meta file (interrupted publishes) and every older snapshot.
Status SnapshotStore::load_latest() {
  DISPOTIFY_ASSIGN_OR_RETURN(Listing listing, list_snapshots(dir_));
  std::optional<std::pair<raft::LogIndex, raft::Term>> newest;
  for (const auto& [key, pair] : listing) {
    const std::string payload =
        dir_ + "/" + snapshot_file_name(key.first, key.second, SnapshotFileKind::payload);
    if (!pair.has_meta) {
      DISPOTIFY_TRY(remove_file(payload));
      continue;
    }
    if (!pair.has_payload) return corrupt(payload, "payload file missing beside its meta file");
    newest = key;  // std::map iterates in ascending (index, term)
  }
  if (!newest) return fs::fsync_dir(dir_);
  const std::string meta_path =
      dir_ + "/" + snapshot_file_name(newest->first, newest->second, SnapshotFileKind::meta);
  const std::string payload_path =
      dir_ + "/" + snapshot_file_name(newest->first, newest->second, SnapshotFileKind::payload);
  auto bytes = read_whole_file(meta_path, kMetaFileBytesMax);
  if (!bytes.ok())
    return bytes.error().code == Errc::too_large ? corrupt(meta_path, "too large") : bytes.error();
  auto record = decode_snapshot_meta_file(*bytes);
  if (!record.ok()) return corrupt(meta_path, record.error().message);
  if (record->meta.index != newest->first || record->meta.term != newest->second) {
    return corrupt(meta_path, "index or term differs from the file name");
  }
  UniqueFd fd(::open(payload_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", payload_path, errno);
  DISPOTIFY_ASSIGN_OR_RETURN(const FileSum sum, checksum_file(fd.get(), payload_path));
  if (sum.size_bytes != record->size_bytes) return corrupt(payload_path, "size differs from its meta file");
  if (sum.crc32c != record->crc32c) return corrupt(payload_path, "checksum mismatch");
  latest_ = SnapshotFile{record->meta, payload_path, sum.size_bytes};
  delete_older_than(newest->first);
  return fs::fsync_dir(dir_);
}

std::string SnapshotStore::temp_path(std::string_view name) const {
  DISPOTIFY_CHECK_MSG(
      !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos,
      "temp_path takes a plain file name");
  return dir_ + "/" + std::string(kTempDirName) + "/" + std::string(name);
}

Status SnapshotStore::publish(const raft::SnapshotMeta& meta, const std::string& produced_path) {
  DISPOTIFY_CHECK_MSG(!meta.index.is_zero() && !meta.term.is_zero(), "snapshot at index or term 0");
  DISPOTIFY_CHECK_MSG(conf_state_is_valid(meta.conf), "snapshot configuration not sorted and disjoint");
  if (latest_ && meta.index <= latest_->meta.index) {
    return make_error(Errc::conflict, "snapshot at " + raft::to_string(meta.index) +
                                          " is not newer than the latest at " +
                                          raft::to_string(latest_->meta.index));
  }
  UniqueFd fd(::open(produced_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", produced_path, errno);
  DISPOTIFY_TRY(sync_all(fd.get(), produced_path));
  DISPOTIFY_ASSIGN_OR_RETURN(const FileSum sum, checksum_file(fd.get(), produced_path));
  return install(meta, produced_path, sum.size_bytes, sum.crc32c);
}

// The payload, already synced, is renamed in and the directory synced
// before the meta file, the commit point, is written.
Status SnapshotStore::install(const raft::SnapshotMeta& meta, const std::string& payload_path,
                              uint64_t size_bytes, uint32_t crc32c) {
  const std::string final_payload =
      dir_ + "/" + snapshot_file_name(meta.index, meta.term, SnapshotFileKind::payload);
  const std::string final_meta =
      dir_ + "/" + snapshot_file_name(meta.index, meta.term, SnapshotFileKind::meta);
  if (::rename(payload_path.c_str(), final_payload.c_str()) != 0) {
    return fs::errno_error("rename", payload_path, errno);
  }
  Status committed = fs::fsync_dir(dir_);
  if (committed.ok()) {
    committed = fs::write_file_atomic(final_meta, encode_snapshot_meta_file({meta, size_bytes, crc32c}));
  }
  if (!committed.ok()) {
    (void)remove_file(final_payload);  // without its meta it is not a snapshot
    return committed;
  }
  latest_ = SnapshotFile{meta, final_payload, size_bytes};
  delete_older_than(meta.index);
  if (auto synced = fs::fsync_dir(dir_); !synced.ok()) {
    log::warn("could not sync the snapshot directory", {{"error", synced.error().message}});
  }
  return {};
}

// Meta file first: a crash in between leaves a payload without meta, which
// open() deletes as an interrupted publish.
void SnapshotStore::delete_older_than(raft::LogIndex index) {
  auto listing = list_snapshots(dir_);
  if (!listing.ok()) return;
  for (const auto& [key, pair] : *listing) {
    if (key.first >= index) continue;
    for (SnapshotFileKind kind : {SnapshotFileKind::meta, SnapshotFileKind::payload}) {
      if (auto removed = remove_file(dir_ + "/" + snapshot_file_name(key.first, key.second, kind));
          !removed.ok()) {
        log::warn("could not delete an old snapshot", {{"error", removed.error().message}});
      }
    }
  }
}

Result<std::string> SnapshotStore::read_chunk(const SnapshotFile& file, uint64_t offset,
                                              size_t bytes_max) const {
  if (offset > file.size_bytes) {
    return make_error(Errc::invalid_argument,
                      "offset " + std::to_string(offset) + " past the end of " + file.path);
  }
  UniqueFd fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::errno_error("open", file.path, errno);
  const size_t want = static_cast<size_t>(std::min<uint64_t>(bytes_max, file.size_bytes - offset));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string chunk, read_at(fd.get(), file.path, offset, want));
  if (chunk.size() != want) return corrupt(file.path, "file shorter than its meta file says");
  return chunk;
}

}  // namespace dispotify::raftlog
