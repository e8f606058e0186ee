// A proxied read of a blob this node does not hold: bytes [first, end)
// streamed from one holder after another. When a holder fails midway (dies,
// stalls past the I/O timeout, cuts the body short), the stream goes on at
// the same byte offset on the next candidate, so the client sees one
// unbroken body. Used by one thread at a time (the server's worker).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/http.h"
#include "net/http_stream.h"
#include "storage/blob_transfer.h"
#include "storage/storage_view.h"

namespace dispotify::storage {

// Each candidate is tried at most this many times per stream, so a stream
// whose holders all fail ends with an error instead of spinning.
inline constexpr int kReplicaAttemptsPerCandidate = 2;

class ReplicaSource final : public net::ChunkSource {
 public:
  ReplicaSource(std::shared_ptr<const StorageView> view, std::vector<std::string> candidates,
                std::string hash, uint64_t first, uint64_t end, TransferOptions timeouts);

  // Errc::unavailable when no candidate can continue the stream.
  Result<size_t> read(std::span<char> buffer) override;
  // Connects to the first candidate that answers now, instead of at the
  // first read(): Errc::unavailable when none does. Blocks.
  [[nodiscard]] Status connect();

 private:
  Status connect_next();

  std::shared_ptr<const StorageView> view_;
  std::vector<std::string> candidates_;
  std::string hash_;
  uint64_t next_offset_;
  uint64_t end_;
  TransferOptions timeouts_;
  std::unique_ptr<net::DownloadStream> current_;
  size_t next_candidate_ = 0;
  int attempts_ = 0;
  std::string last_error_;
};

}  // namespace dispotify::storage
