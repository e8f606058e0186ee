// What the route handlers work with: the node's services and options.
// Owned by the node (cli/serve.cpp); outlives the HTTP server.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "api/auth_cache.h"
#include "api/login_limiter.h"
#include "api/metrics.h"
#include "api/upload_limiter.h"
#include "base/secret_box.h"
#include "catalog/catalog.h"
#include "catalog/proposer.h"
#include "cluster/cluster_service.h"
#include "media/transcode.h"
#include "storage/blob_store.h"
#include "storage/replicated_blob_store.h"

namespace dispotify::api {

struct ApiOptions {
  std::string node_id;
  uint64_t upload_bytes_max = 2ULL << 30;            // --max-upload-size: 413 above
  int64_t session_ttl_ms = 30LL * 24 * 3600 * 1000;  // login tokens expire after 30 days
  std::string cache_dir;                             // local, never replicated (thumbnails)
  std::string web_dir;                               // --web-dir: the built web app ("": the default)
};

struct ApiContext {
  catalog::Catalog& catalog;
  catalog::Proposer& proposer;
  storage::BlobStore& blobs;
  Metrics& metrics;
  ApiOptions options;
  cluster::ClusterService* cluster = nullptr;  // null: no cluster routes (tests of the API alone)
  // Seals Subsonic passwords (cli/cluster_key.h). Empty: none can be set or
  // opened (tests of the API alone).
  std::optional<SecretKey> cluster_key;
  // The same store as `blobs` when it is replicated: blobs this node lacks
  // are streamed from their holders. Null: local blobs only.
  storage::ReplicatedBlobStore* replicated = nullptr;
  std::atomic<bool> ready{false};  // /readyz: catalog open and serving
  // /readyz?caught_up=1: set once a read barrier succeeded (this node had
  // applied what the leader had committed), and never cleared.
  std::atomic<bool> caught_up{false};
  AuthCache auth_cache{};
  LoginLimiter login_limiter{};        // failed passwords, per user and address (REST and Subsonic)
  UploadLimiter upload_limiter{};      // uploads in flight and bytes/s per user (set_limits at start-up)
  media::TranscodeCache transcodes{};  // under options.cache_dir/transcodes, configured at first use
};

}  // namespace dispotify::api
