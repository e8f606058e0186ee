// Serving bytes: GET|HEAD /api/v1/tracks/{id}/stream (ranges, ETag,
// sendfile, readable cross-origin), GET /api/v1/tracks/{id}/cover and /api/v1/albums/{id}/cover
// with optional ?size= thumbnails cached on local disk.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/errors.h"
#include "api/json_input.h"
#include "api/routes.h"
#include "api/serving.h"
#include "api/track_cache.h"
#include "api/track_stream.h"
#include "base/fs.h"
#include "base/sha256.h"
#include "media/thumbnail.h"
#include "net/range.h"
#include "storage/verified_source.h"

namespace dispotify::api {
namespace {

// Blobs never change under a name, so the content hash is a strong ETag and
// the bytes may be cached for as long as the client likes.
constexpr const char* kImmutableCaching = "private, max-age=31536000, immutable";

bool etag_matches(std::string_view header, std::string_view etag) {
  if (header == "*") return true;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view candidate = header.substr(pos, end - pos);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.substr(0, 2) == "W/") candidate.remove_prefix(2);  // weak comparison (RFC 9110 13.1.2)
    if (candidate == etag) return true;
    pos = end + 1;
  }
  return false;
}

// Where a blob's bytes come from: this node's file, or (on a cluster) a
// stream from the nodes that hold it.
struct BlobBytes {
  uint64_t size = 0;
  storage::SharedFd fd;                         // set: a local replica
  std::optional<storage::BlobLocation> remote;  // otherwise
  bool verified = false;                        // the local replica was found good and is unchanged since
};

storage::BlobLocation location_of(const catalog::BlobRecord& record) {
  return storage::BlobLocation{record.hash, record.size_bytes, record.placement_key, record.replicas};
}

// The hot path (a local copy already verified and unchanged) costs one
// fstat of a descriptor from the store's open-file cache; the catalog is
// read only to check a copy not yet vouched for, or to find the other
// holders.
Result<BlobBytes> find_blob(ApiContext& ctx, const std::string& hash) {
  auto fd = ctx.blobs.open_shared(hash);
  if (fd.ok()) {
    struct stat st {};
    if (::fstat((*fd)->get(), &st) != 0) return make_error(Errc::io_error, "cannot stat blob " + hash);
    const auto size = static_cast<uint64_t>(st.st_size);
    if (ctx.replicated == nullptr || ctx.replicated->local().verifier().known_good(st, hash)) {
      return BlobBytes{size, std::move(*fd), std::nullopt, true};
    }
    DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::BlobRecord> record, ctx.catalog.blob(hash));
    // Size 0 in the catalog: not recorded (covers of tracks added before
    // schema v5).
    if (!record || record->size_bytes == 0 || record->size_bytes == size) {
      std::optional<storage::BlobLocation> location;
      if (record) location = location_of(*record);
      return BlobBytes{size, std::move(*fd), std::move(location)};
    }
    // Shorter or longer than the catalog says: a damaged copy.
    ctx.replicated->local().quarantine(
        hash, "size " + std::to_string(size) + " instead of " + std::to_string(record->size_bytes));
    return BlobBytes{record->size_bytes, nullptr, location_of(*record)};
  }
  if (fd.error().code != Errc::not_found || ctx.replicated == nullptr) return std::move(fd).error();
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::BlobRecord> record, ctx.catalog.blob(hash));
  if (!record) return make_error(Errc::not_found, "blob " + hash + " is not in the catalog");
  return BlobBytes{record->size_bytes, nullptr, location_of(*record)};
}

Result<net::Body> body_of(ApiContext& ctx, BlobBytes& bytes, const std::string& hash, uint64_t first,
                          uint64_t length, net::Response& response) {
  if (bytes.fd && bytes.verified) return net::Body(net::FileBody{std::move(bytes.fd), first, length});
  // Streamed as it is read (and, for a local copy not vouched for yet,
  // after hashing it on the worker thread): the length is known, so the
  // client sees a plain Content-Length body, not chunks.
  response.set_header("Content-Length", std::to_string(length));
  const uint64_t end = first + length;
  if (!bytes.fd) {
    // Connected before the answer starts (on a worker: see serve_blob), so
    // that no holder reachable is a 503, not a body cut short.
    auto source = ctx.replicated->open_remote(*bytes.remote, first, end);
    DISPOTIFY_TRY(source->connect());
    return net::Body(std::shared_ptr<net::ChunkSource>(std::move(source)));
  }
  storage::ReplicatedBlobStore* replicated = ctx.replicated;
  storage::VerifiedLocalSource::Fallback other_holders;
  if (bytes.remote) {
    other_holders = [replicated, location = *bytes.remote, first, end] {
      return replicated->open_remote(location, first, end);
    };
  }
  return net::Body(std::make_shared<storage::VerifiedLocalSource>(
      replicated->local(), std::move(bytes.fd), hash, first, end, std::move(other_holders)));
}
}  // namespace

// Serves a whole blob or the requested range of it.
net::Response serve_blob(ApiContext& ctx, const net::Request& request, const std::string& hash,
                         const std::string& content_type) {
  const std::string etag = "\"" + hash + "\"";
  net::Response response;
  response.headers.reserve(8);  // the five below and the route's (CORS, Content-Range)
  response.set_header("ETag", etag);
  response.set_header("Cache-Control", kImmutableCaching);
  response.set_header("Accept-Ranges", "bytes");
  if (auto inm = request.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    response.status = 304;
    return response;
  }
  API_ASSIGN_OR_RESPOND(BlobBytes bytes, find_blob(ctx, hash));
  const uint64_t size = bytes.size;
  if (!bytes.fd && net::handler_is_inline()) {
    net::Response later;
    later.retry_on_worker = true;  // connecting to another node blocks
    return later;
  }

  net::RangeSpec range;
  const auto if_range = request.header("If-Range");
  if (auto header = request.header("Range"); header && (!if_range || *if_range == etag)) {
    range = net::parse_range(*header, size);
  }
  response.set_header("Content-Type", content_type);
  switch (range.kind) {
    case net::RangeSpec::Kind::unsatisfiable: {
      net::Response refused = error_response(Errc::range_not_satisfiable, "range outside the resource");
      refused.set_header("Content-Range", net::content_range_unsatisfied(size));
      refused.set_header("Accept-Ranges", "bytes");
      return refused;
    }
    case net::RangeSpec::Kind::partial: {
      response.status = 206;
      response.set_header("Content-Range", net::content_range(range.first, range.last, size));
      API_ASSIGN_OR_RESPOND(response.body, body_of(ctx, bytes, hash, range.first, range.length(), response));
      return response;
    }
    case net::RangeSpec::Kind::full: {
      API_ASSIGN_OR_RESPOND(response.body, body_of(ctx, bytes, hash, 0, size, response));
      return response;
    }
  }
  return error_response(Errc::internal, "unreachable range kind");
}

namespace {

// The track a stream asks for, from the cache when nothing was applied
// since it was read (api/track_cache.h); null when the catalog has none.
Result<TrackCache::Entry> find_track(ApiContext& ctx, TrackCache& tracks, const std::string& id) {
  // Read before the lookup: the row is at least as fresh as this index.
  const uint64_t index = ctx.catalog.applied_index();
  if (auto hit = tracks.find(id, index)) return hit;
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::Track> track, ctx.catalog.track(id));
  if (!track) return TrackCache::Entry();
  return tracks.insert(index, std::move(*track));
}

net::Response stream_track(ApiContext& ctx, TrackCache& tracks, Call& call) {
  API_ASSIGN_OR_RESPOND(auto track, find_track(ctx, tracks, call.param(0)));
  if (!track) {
    // Uploaded through another node a moment ago, and not applied here yet?
    // Catch up with the cluster once before answering 404 (the barrier
    // blocks: not on an I/O thread). In a minority it fails: 404 as before.
    if (net::handler_is_inline()) {
      net::Response later;
      later.retry_on_worker = true;
      return later;
    }
    if (ctx.proposer.read_barrier().ok()) {
      API_ASSIGN_OR_RESPOND(track, find_track(ctx, tracks, call.param(0)));
    }
    if (!track) return error_response(Errc::not_found, "no track " + call.param(0));
  }
  StreamRequest wanted;
  wanted.format = std::string(call.request.query_param("format").value_or(""));
  API_ASSIGN_OR_RESPOND(wanted.max_bitrate_kbps, query_int(call.request, "max_bitrate", 0, 0, 100'000));
  API_ASSIGN_OR_RESPOND(wanted.time_offset_s, query_int(call.request, "time_offset", 0, 0, 24 * 3600));
  API_ASSIGN_OR_RESPOND(net::Response response, serve_track(ctx, call.request, *track, wanted));
  return response;
}

// Covers are small: one this node lacks is copied whole into the local
// cache (never into the blob store, whose copies the cluster accounts for),
// so that it can be sniffed and thumbnailed like a local one.
constexpr uint64_t kCachedCoverBytesMax = 32ULL << 20;

Result<std::string> local_copy(ApiContext& ctx, const std::string& hash) {
  auto path = ctx.blobs.local_path(hash);
  if (path.ok() || path.error().code != Errc::not_found || ctx.replicated == nullptr) return path;
  const std::string cached = ctx.options.cache_dir + "/blobs/" + hash;
  struct stat st {};
  if (::stat(cached.c_str(), &st) == 0) return cached;
  DISPOTIFY_ASSIGN_OR_RETURN(BlobBytes bytes, find_blob(ctx, hash));
  if (bytes.size > kCachedCoverBytesMax)
    return make_error(Errc::too_large, "cover " + hash + " is too large");
  auto source = ctx.replicated->open_remote(*bytes.remote, 0, bytes.size);
  std::string content;
  char buffer[64 * 1024];
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, source->read(buffer));
    if (n == 0) break;
    content.append(buffer, n);
  }
  if (sha256_hex(content) != hash) return make_error(Errc::corrupt, "cover " + hash + " arrived corrupted");
  DISPOTIFY_TRY(fs::make_dirs(ctx.options.cache_dir + "/blobs"));
  DISPOTIFY_TRY(fs::write_file_atomic(cached, content));
  return cached;
}

std::string sniff_image_type(ApiContext& ctx, const std::string& hash) {
  auto path = local_copy(ctx, hash);
  UniqueFd fd;
  if (path.ok()) fd = UniqueFd(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
  char head[4] = {};
  if (!fd.valid() || ::pread(fd.get(), head, sizeof head, 0) != static_cast<ssize_t>(sizeof head)) {
    return "application/octet-stream";
  }
  const std::string_view magic(head, sizeof head);
  if (magic.substr(0, 2) == "\xFF\xD8") return "image/jpeg";
  if (magic == "\x89PNG") return "image/png";
  return "application/octet-stream";
}

// Thumbnails are a local cache keyed by (cover hash, size): computed once,
// written atomically, never replicated.
net::Response serve_thumbnail(ApiContext& ctx, const net::Request& request, const std::string& hash,
                              int64_t size) {
  const std::string dir = ctx.options.cache_dir + "/thumbnails";
  const std::string path = dir + "/" + hash + "-" + std::to_string(size) + ".jpg";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    API_ASSIGN_OR_RESPOND(auto source, local_copy(ctx, hash));
    API_ASSIGN_OR_RESPOND(auto jpeg, media::make_thumbnail(source, static_cast<int>(size)));
    API_TRY(fs::make_dirs(dir));
    API_TRY(fs::write_file_atomic(path, jpeg));
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0)
    return error_response(Errc::io_error, "cannot open thumbnail");
  net::Response response;
  const std::string etag = "\"" + hash + "-" + std::to_string(size) + "\"";
  response.set_header("ETag", etag);
  response.set_header("Cache-Control", kImmutableCaching);
  if (auto inm = request.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    response.status = 304;
    return response;
  }
  response.set_header("Content-Type", "image/jpeg");
  response.body = net::FileBody{std::move(fd), 0, static_cast<uint64_t>(st.st_size)};
  return response;
}

}  // namespace

net::Response serve_cover_sized(ApiContext& ctx, const net::Request& request, const std::string& cover_hash,
                                int64_t size_px) {
  if (cover_hash.empty()) return error_response(Errc::not_found, "no cover art");
  if (size_px != 0) return serve_thumbnail(ctx, request, cover_hash, size_px);
  return serve_blob(ctx, request, cover_hash, sniff_image_type(ctx, cover_hash));
}

namespace {

net::Response serve_cover(ApiContext& ctx, const net::Request& request, const std::string& cover_hash) {
  API_ASSIGN_OR_RESPOND(auto size,
                        query_int(request, "size", 0, media::kThumbnailSizeMin, media::kThumbnailSizeMax));
  return serve_cover_sized(ctx, request, cover_hash, size);
}

}  // namespace

void add_stream_routes(Router& router, ApiContext& ctx) {
  // Streams and covers read this node's catalog as it is: a node cut off
  // from the majority still plays what it has.
  auto tracks = std::make_shared<TrackCache>();
  router.add(
      "GET", "/api/v1/tracks/{id}/stream", Permission::listen,
      [&ctx, tracks](Call& c) { return stream_track(ctx, *tracks, c); }, Consistency::local);
  // A player whose own node went away goes on streaming from another one
  // (an <audio crossorigin> element fed through Web Audio needs CORS).
  router.allow_cross_origin_reads("/api/v1/tracks/{id}/stream");
  router.add(
      "GET", "/api/v1/tracks/{id}/cover", Permission::listen,
      [&](Call& c) {
        API_ASSIGN_OR_RESPOND(auto track, ctx.catalog.track(c.param(0)));
        if (!track) return error_response(Errc::not_found, "no track " + c.param(0));
        return serve_cover(ctx, c.request, track->cover_hash);
      },
      Consistency::local);
  router.add(
      "GET", "/api/v1/albums/{id}/cover", Permission::listen,
      [&](Call& c) {
        API_ASSIGN_OR_RESPOND(auto album, ctx.catalog.album(c.param(0)));
        if (!album) return error_response(Errc::not_found, "no album " + c.param(0));
        return serve_cover(ctx, c.request, album->album.cover_hash);
      },
      Consistency::local);
}

}  // namespace dispotify::api
