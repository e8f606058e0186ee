// BlobStore on one local directory.
//
// Layout (docs/formats/blob_store.md):
//   ROOT/sha256/ab/abcdef...   a blob, named by its full hash, fanned out by
//                              the first two hex digits
//   ROOT/tmp/NAME.partial      a write in progress; all removed at open()
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <functional>
#include <mutex>

#include "storage/blob_store.h"
#include "storage/blob_verifier.h"
#include "storage/open_file_cache.h"

namespace dispotify::storage {

struct LocalBlobStoreOptions {
  std::string root;
  // Writes that would leave less free space than this fail with
  // Errc::insufficient_storage (--min-free-disk).
  uint64_t min_free_bytes = 0;
};

class LocalBlobStore final : public BlobStore {
 public:
  // Creates the directories and deletes leftover temporary files of a
  // previous crash.
  [[nodiscard]] static Result<std::unique_ptr<LocalBlobStore>> open(LocalBlobStoreOptions options);

  Result<std::unique_ptr<BlobWriter>> begin_write(std::string_view placement_key = {}) override;
  Result<BlobInfo> stat(std::string_view hash) const override;
  Result<UniqueFd> open(std::string_view hash) const override;
  Result<SharedFd> open_shared(std::string_view hash) const override;
  Status remove(std::string_view hash) override;
  Result<std::string> local_path(std::string_view hash) const override;

  // A writer for a transient copy that is never committed here (the bytes
  // of an upload this node relays to the owners, kept to read its tags):
  // it may dip into the --min-free-disk reserve, which exists for such
  // short-lived files, so a full node still relays uploads.
  Result<std::unique_ptr<BlobWriter>> begin_scratch_write();

  // A writer that continues an earlier, interrupted copy of blob `hash`
  // (`size_bytes` long) where it stopped: bytes_written() says where to
  // go on. Dropped without commit, it keeps its file for the next attempt;
  // a commit that finds the wrong hash deletes it, so that attempt starts
  // over. One writer per hash at a time (the repair loop's single thread).
  Result<std::unique_ptr<BlobWriter>> resume_write(std::string_view hash, uint64_t size_bytes);
  // Deletes interrupted copies nobody continued for `older_than_ms`.
  void forget_stale_resumes(int64_t older_than_ms, int64_t now_ms);

  // Free bytes on the store's file system.
  Result<uint64_t> free_bytes() const;
  // Errc::insufficient_storage when writing `incoming` more bytes would
  // leave less than --min-free-disk free.
  [[nodiscard]] Status has_room(uint64_t incoming) const;
  const LocalBlobStoreOptions& options() const { return options_; }
  // Path a blob of this hash has (or would have); hash must be valid hex.
  std::string blob_path(std::string_view hash) const;
  std::string temp_dir() const;
  std::string resume_dir() const;

  // Which local files were hashed and found good (see blob_verifier.h).
  BlobVerifier& verifier() const { return verifier_; }
  // Opens a blob and makes sure its bytes are what its name says, hashing
  // it unless the verifier already vouches for the file. A corrupt copy is
  // quarantined and reported as Errc::not_found, so callers go to another
  // holder. Blocks for the hash: not for an I/O thread.
  [[nodiscard]] Result<UniqueFd> open_verified(std::string_view hash);
  // Removes a copy found corrupt and tells the listener, which makes the
  // cluster forget this replica (and so repair it from a good one).
  void quarantine(const std::string& hash, const std::string& reason);
  void set_corruption_listener(std::function<void(const std::string& hash)> listener);

 private:
  explicit LocalBlobStore(LocalBlobStoreOptions options) : options_(std::move(options)) {}
  Result<std::unique_ptr<BlobWriter>> begin_writer(bool keep_reserve);
  LocalBlobStoreOptions options_;
  mutable BlobVerifier verifier_;     // thread-safe; remembering is not a change of the store
  mutable OpenFileCache open_files_;  // thread-safe; forgets what remove() deletes
  std::mutex listener_mutex_;
  std::function<void(const std::string&)> on_corrupt_;  // guarded by listener_mutex_
};

}  // namespace dispotify::storage
