// The cluster's blob store: copies on the placement ring, written to
// several nodes while the bytes arrive, read from whichever holder answers
// (DESIGN.md "Data", issue 5).
//
// Writes: begin_write(key) picks the first R reachable members of the
// key's preference list (this node, if one of them, writes locally) and
// opens an upload stream to each; every chunk goes to all of them; commit()
// succeeds only when at least W of them stored the same bytes durably (each
// answers the SHA-256 it computed, compared with ours). A node refusing or
// failing is dropped and the write goes on with the rest, so one slow or
// dead owner costs nothing while a quorum remains.
//
// Reads: the local replica when there is one (open(), sendfile), else
// open_remote(): a stream that reads from one holder and, if that holder
// fails midway, continues at the same byte offset on the next.
//
// Thread-safety: the store may be used from many threads; each writer and
// each stream is used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/http.h"
#include "storage/blob_store.h"
#include "storage/blob_transfer.h"
#include "storage/local_blob_store.h"
#include "storage/replica_source.h"
#include "storage/storage_view.h"

namespace dispotify::storage {

using StorageViewSource = std::function<std::shared_ptr<const StorageView>()>;

// A blob's known location, from the catalog.
struct BlobLocation {
  std::string hash;
  uint64_t size_bytes = 0;
  std::string placement_key;         // empty: the hash
  std::vector<std::string> holders;  // recorded replicas, any order
};

class ReplicatedBlobStore final : public BlobStore {
 public:
  ReplicatedBlobStore(LocalBlobStore& local, StorageViewSource views, TransferOptions timeouts = {});

  Result<std::unique_ptr<BlobWriter>> begin_write(std::string_view placement_key = {}) override;
  Result<BlobInfo> stat(std::string_view hash) const override { return local_.stat(hash); }
  Result<UniqueFd> open(std::string_view hash) const override { return local_.open(hash); }
  Result<SharedFd> open_shared(std::string_view hash) const override { return local_.open_shared(hash); }
  Status remove(std::string_view hash) override { return local_.remove(hash); }
  Result<std::string> local_path(std::string_view hash) const override { return local_.local_path(hash); }

  // Bytes [first, end) of a blob, streamed from the other nodes that may
  // hold it: its recorded holders first, then the rest of its preference
  // list. Connects lazily, on the first read(). A read() fails only when no
  // candidate can continue the stream.
  [[nodiscard]] std::shared_ptr<ReplicaSource> open_remote(const BlobLocation& location, uint64_t first,
                                                           uint64_t end) const;
  // Streams a whole blob this node lacks into a new file at `path`
  // (hashed on the way: Errc::corrupt if the bytes are not the blob's), for
  // tools that need a file, like ffmpeg. Not fsynced: a scratch copy.
  [[nodiscard]] Status fetch_to_file(const BlobLocation& location, const std::string& path) const;
  // Nodes to read a blob from, best first, without this node.
  std::vector<std::string> read_candidates(const BlobLocation& location) const;

  LocalBlobStore& local() { return local_; }
  std::shared_ptr<const StorageView> view() const { return views_(); }

 private:
  LocalBlobStore& local_;
  StorageViewSource views_;
  TransferOptions timeouts_;
};

}  // namespace dispotify::storage
