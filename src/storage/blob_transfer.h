// The blob protocol between nodes, on the peer port (docs/API.md, "Peer
// port"):
//
//   PUT  /peer/v1/blobs          body: the bytes (chunked). The receiver
//                                hashes while it writes, fsyncs, renames into
//                                place and answers 201 {"hash","size_bytes"};
//                                507 when it is below --min-free-disk.
//   GET  /peer/v1/blobs/{hash}   the bytes, with Range (206); 404 if absent.
//   HEAD /peer/v1/blobs/{hash}   presence and size.
//
// A blob is named by its content, so the answer of a PUT is its integrity
// check: the sender compares the hash the receiver computed with its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http.h"
#include "net/http_stream.h"
#include "storage/blob_store.h"

namespace dispotify::storage {

class LocalBlobStore;

inline constexpr std::string_view kPeerBlobsPath = "/peer/v1/blobs";

struct TransferOptions {
  uint64_t connect_ms = 1'000;
  // No progress for this long and the peer counts as failed; an upload
  // continues on the other owners, a stream switches owner.
  uint64_t io_ms = 5'000;
  // The peer port's client TLS (cluster/peer_credentials.h); none = plain.
  std::shared_ptr<net::TlsSlot> tls;
};

// Sender side.
[[nodiscard]] Result<std::unique_ptr<net::UploadStream>> open_blob_upload(std::string_view peer_address,
                                                                          const TransferOptions& timeouts);
// The receiver's answer to a finished upload: what it stored.
[[nodiscard]] Result<BlobInfo> read_upload_answer(const net::ClientResponse& response);
// Bytes [first, end) of the blob (end 0: to the end of the blob).
// Errc::not_found when the peer lacks it.
[[nodiscard]] Result<std::unique_ptr<net::DownloadStream>> open_blob_download(
    std::string_view peer_address, std::string_view hash, uint64_t first, uint64_t end,
    const TransferOptions& timeouts);

// Receiver side: answers the three routes above from `store`, or returns
// nullopt for any other path.
[[nodiscard]] std::optional<net::Response> handle_blob_request(LocalBlobStore& store, net::Request& request);

}  // namespace dispotify::storage
