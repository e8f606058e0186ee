// SnapshotStore: the node's snapshots as files (Raft paper §7, thesis §5),
// written atomically and verified at open (docs/formats/raft_log.md,
// "Snapshots"). It keeps only the newest complete snapshot.
//
// Two ways in:
// - publish(): the state machine wrote a file at temp_path() (for example
//   SQLite's VACUUM INTO); it is fsynced, checksummed and renamed in.
// - receive_chunk(): InstallSnapshot chunks from the leader, written to a
//   partial file and published after the last one.
// One way out: read_chunk(), for sending InstallSnapshot chunks.
//
// Thread-safety: none; one owner calls everything. read_chunk() only opens
// the file by path, so a SnapshotFile outlived by a newer publish gives
// Errc::not_found rather than stale bytes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"
#include "raft/state.h"

namespace dispotify::raftlog {

// Limits on what a leader can make us store.
inline constexpr uint64_t kSnapshotBytesMax = 64ULL << 30;
inline constexpr size_t kSnapshotChunkBytesMax = 16U << 20;

struct SnapshotFile {
  raft::SnapshotMeta meta;
  std::string path;  // the payload, as the state machine produced it
  uint64_t size_bytes = 0;
};

class SnapshotStore {
 public:
  // Creates `dir` if needed, deletes temporary and partial files, verifies
  // the newest snapshot's size and checksum (Errc::corrupt naming the file
  // if they differ) and deletes older ones.
  static Result<std::unique_ptr<SnapshotStore>> open(const std::string& dir);

  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;
  ~SnapshotStore();

  std::optional<SnapshotFile> latest() const { return latest_; }
  const std::string& dir() const { return dir_; }

  // A path in the store's temporary directory (same file system, cleaned at
  // open) for the state machine to produce a snapshot into. `name` is a
  // plain file name.
  std::string temp_path(std::string_view name) const;

  // Moves `produced_path` (on the store's file system, normally from
  // temp_path()) in as the snapshot for `meta`: fsync, checksum, rename,
  // directory fsync, meta file, then the older snapshot is deleted.
  // Errc::conflict if meta.index is not above the latest snapshot's.
  [[nodiscard]] Status publish(const raft::SnapshotMeta& meta, const std::string& produced_path);

  // Up to bytes_max bytes of `file`'s payload at `offset` (fewer at the
  // end). Errc::invalid_argument past the end.
  [[nodiscard]] Result<std::string> read_chunk(const SnapshotFile& file, uint64_t offset,
                                               size_t bytes_max) const;

  // One InstallSnapshot chunk from the leader. Chunks must come in order: a
  // chunk at another offset than the next expected one is ignored; a new
  // meta abandons the transfer in progress (and needs offset 0). Returns the
  // next expected offset. On `done` the file is fsynced, re-read to verify
  // the checksum computed while receiving, and published; the return value
  // is then its size. A chunk for the latest snapshot itself (a resent
  // last chunk) returns its size.
  [[nodiscard]] Result<uint64_t> receive_chunk(const raft::SnapshotMeta& meta, uint64_t offset,
                                               std::string_view data, bool done);

 private:
  struct Receiving {
    raft::SnapshotMeta meta;
    std::string path;
    UniqueFd fd;
    uint64_t next_offset = 0;
    uint32_t crc32c = 0;  // of bytes [0, next_offset)
  };

  explicit SnapshotStore(std::string dir) : dir_(std::move(dir)) {}

  Status load_latest();
  Status install(const raft::SnapshotMeta& meta, const std::string& payload_path, uint64_t size_bytes,
                 uint32_t crc32c);
  void delete_older_than(raft::LogIndex index);
  Status start_receiving(const raft::SnapshotMeta& meta);
  Result<uint64_t> finish_receiving();
  void abandon_receiving();

  std::string dir_;
  std::optional<SnapshotFile> latest_;
  std::optional<Receiving> receiving_;
};

}  // namespace dispotify::raftlog
