// Content-addressed storage of immutable blobs (audio and cover art).
//
// A blob is named by the SHA-256 hex of its bytes. Writers stream into a
// temporary file while hashing; commit() fsyncs the file, renames it into
// place and fsyncs the directory, so a blob is either complete and correct
// or absent, whatever instant the process dies at. Identical content is
// stored once.
//
// This is the interface that the replicated store (placement ring, quorum
// writes, proxying) implements later; LocalBlobStore is the single-disk one.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "storage/open_file_cache.h"

namespace dispotify::storage {

struct BlobInfo {
  std::string hash;  // sha256 hex
  uint64_t size_bytes = 0;
  // After a replicated write: the nodes that hold it durably (node ids).
  // Empty for a store that does not know about nodes.
  std::vector<std::string> holders;
};

// One blob being written. Not thread-safe. Destroying an uncommitted writer
// deletes its temporary file.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // Errc::insufficient_storage when the disk is full or the write would
  // leave less than the store's free-space floor; Errc::io_error otherwise.
  [[nodiscard]] virtual Status write(std::span<const char> bytes) = 0;
  virtual uint64_t bytes_written() const = 0;
  // No more bytes will be written: returns the path of a file holding them,
  // to read (e.g. probe for tags) before commit; it stays valid until
  // commit() or destruction. A replicated writer also ends the streams to
  // the other owners here, so that they hash and fsync while this node
  // reads. Idempotent; write() after it is a bug.
  [[nodiscard]] virtual Result<std::string> finish_writing() = 0;
  // Makes the blob durable and visible under its hash. If `expected_hash` is
  // not empty and differs, nothing becomes visible and Errc::corrupt is
  // returned.
  [[nodiscard]] virtual Result<BlobInfo> commit(std::string_view expected_hash = {}) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // `placement_key` decides where a replicated store puts the copies (the
  // content hash is not known until the last byte, but the copies are
  // written while the bytes arrive); empty: the store picks one.
  [[nodiscard]] virtual Result<std::unique_ptr<BlobWriter>> begin_write(
      std::string_view placement_key = {}) = 0;
  // Errc::not_found when absent.
  [[nodiscard]] virtual Result<BlobInfo> stat(std::string_view hash) const = 0;
  // An open read-only descriptor, for sendfile(2). Errc::not_found when absent.
  [[nodiscard]] virtual Result<UniqueFd> open(std::string_view hash) const = 0;
  // The same, shared with other readers of the blob: for sending, from the
  // store's open-file cache when it has one (storage/open_file_cache.h).
  [[nodiscard]] virtual Result<SharedFd> open_shared(std::string_view hash) const = 0;
  // Idempotent: removing an absent blob succeeds.
  [[nodiscard]] virtual Status remove(std::string_view hash) = 0;
  // Local path of a present blob (for tools that need a path, like ffmpeg).
  [[nodiscard]] virtual Result<std::string> local_path(std::string_view hash) const = 0;
};

}  // namespace dispotify::storage
