// One upload fanned out to the blob's owners (see replicated_blob_store.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "net/http_stream.h"
#include "storage/blob_store.h"
#include "storage/blob_transfer.h"
#include "storage/storage_view.h"

namespace dispotify::storage {

class ReplicatedWriter final : public BlobWriter {
 public:
  // `local`: this node's writer; its file is committed only when this node
  // is one of the targets, else it is a scratch copy (for probing tags).
  // `remotes`: open upload streams, by node id.
  struct Remote {
    std::string node_id;
    std::unique_ptr<net::UploadStream> stream;
    std::string failure;  // non-empty once it failed
  };
  ReplicatedWriter(std::shared_ptr<const StorageView> view, std::unique_ptr<BlobWriter> local,
                   bool local_is_target, std::vector<Remote> remotes);

  Status write(std::span<const char> bytes) override;
  uint64_t bytes_written() const override { return local_->bytes_written(); }
  // Ends the body of every upload stream first: each owner then hashes and
  // fsyncs its copy while this node reads its own, and fsyncs it in commit().
  Result<std::string> finish_writing() override;
  // Errc::unavailable when fewer than W targets hold the blob; the copies
  // that were made are then unreferenced and collected later.
  Result<BlobInfo> commit(std::string_view expected_hash) override;

 private:
  size_t live_targets() const;
  Status check_quorum_possible() const;
  std::string failures() const;
  void fail(Remote& remote, std::string why);

  std::shared_ptr<const StorageView> view_;
  std::unique_ptr<BlobWriter> local_;
  bool local_is_target_;
  std::vector<Remote> remotes_;
  Sha256 hasher_;  // the bytes as sent, when no local target hashes them
  bool bodies_ended_ = false;
};

}  // namespace dispotify::storage
