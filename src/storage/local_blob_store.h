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

#include "storage/blob_store.h"

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

  Result<std::unique_ptr<BlobWriter>> begin_write() override;
  Result<BlobInfo> stat(std::string_view hash) const override;
  Result<UniqueFd> open(std::string_view hash) const override;
  Status remove(std::string_view hash) override;
  Result<std::string> local_path(std::string_view hash) const override;

  // Free bytes on the store's file system.
  Result<uint64_t> free_bytes() const;
  const LocalBlobStoreOptions& options() const { return options_; }
  // Path a blob of this hash has (or would have); hash must be valid hex.
  std::string blob_path(std::string_view hash) const;
  std::string temp_dir() const;

 private:
  explicit LocalBlobStore(LocalBlobStoreOptions options) : options_(std::move(options)) {}
  LocalBlobStoreOptions options_;
};

}  // namespace dispotify::storage
