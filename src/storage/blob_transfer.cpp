#include "storage/blob_transfer.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <vector>

#include "base/json_escape.h"
#include "base/sha256.h"
#include "net/peer_address.h"
#include "net/range.h"
#include "storage/local_blob_store.h"

namespace dispotify::storage {
namespace {

constexpr size_t kReceiveChunkBytes = 256 * 1024;

net::Response json_response(int status, std::string body, const char* route) {
  net::Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = std::move(body);
  r.route = route;
  return r;
}

int status_of(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return 400;
    case Errc::not_found: return 404;
    case Errc::too_large: return 413;
    case Errc::insufficient_storage: return 507;
    case Errc::unavailable:
    case Errc::timeout: return 503;
    default: return 500;
  }
}

net::Response error_response(const Error& e, const char* route) {
  std::string body = "{\"error\":{\"code\":";
  append_json_string(body, errc_name(e.code));
  body += ",\"message\":";
  append_json_string(body, e.message);
  body += "}}";
  return json_response(status_of(e.code), std::move(body), route);
}

Result<BlobInfo> receive(LocalBlobStore& store, net::BodyReader& body) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto writer, store.begin_write());
  std::vector<char> buffer(kReceiveChunkBytes);
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, body.read(buffer));
    if (n == 0) break;
    DISPOTIFY_TRY(writer->write({buffer.data(), n}));
  }
  return writer->commit();
}

net::Response put_blob(LocalBlobStore& store, net::Request& request) {
  constexpr const char* kRoute = "PUT /peer/v1/blobs";
  // Refused before the first body byte (and so before 100 Continue): the
  // sender passes on to the next owner at once.
  if (Status room = store.has_room(0); !room.ok()) return error_response(room.error(), kRoute);
  auto stored = receive(store, *request.body);
  if (!stored.ok()) return error_response(stored.error(), kRoute);
  std::string body =
      "{\"hash\":\"" + stored->hash + "\",\"size_bytes\":" + std::to_string(stored->size_bytes) + "}";
  return json_response(201, std::move(body), kRoute);
}

net::Response get_blob(LocalBlobStore& store, const net::Request& request, std::string_view hash) {
  constexpr const char* kRoute = "GET /peer/v1/blobs/{hash}";
  if (!is_sha256_hex(hash))
    return error_response(make_error(Errc::invalid_argument, "not a blob hash"), kRoute);
  // Verified before the first byte (this runs on a worker thread): a
  // corrupt copy is quarantined and answered 404, so the asking node reads
  // from another holder.
  auto fd = store.open_verified(hash);
  if (!fd.ok()) return error_response(fd.error(), kRoute);
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0)
    return error_response(make_error(Errc::io_error, "cannot stat blob"), kRoute);
  const auto size = static_cast<uint64_t>(st.st_size);
  net::RangeSpec range;
  if (auto header = request.header("Range")) range = net::parse_range(*header, size);
  net::Response r;
  r.route = kRoute;
  r.set_header("Content-Type", "application/octet-stream");
  switch (range.kind) {
    case net::RangeSpec::Kind::unsatisfiable:
      r.status = 416;
      r.set_header("Content-Range", net::content_range_unsatisfied(size));
      return r;
    case net::RangeSpec::Kind::partial:
      r.status = 206;
      r.set_header("Content-Range", net::content_range(range.first, range.last, size));
      r.body = net::FileBody{std::move(*fd), range.first, range.length()};
      return r;
    case net::RangeSpec::Kind::full: r.body = net::FileBody{std::move(*fd), 0, size}; return r;
  }
  return r;
}

Result<net::ClientRequest> peer_request(std::string_view peer_address, std::string method, std::string target,
                                        const TransferOptions& timeouts) {
  DISPOTIFY_ASSIGN_OR_RETURN(const net::PeerAddress where, net::parse_peer_address(peer_address));
  net::ClientRequest r;
  r.method = std::move(method);
  r.host = where.host;
  r.port = where.port;
  r.target = std::move(target);
  r.connect_timeout_ms = timeouts.connect_ms;
  r.io_timeout_ms = timeouts.io_ms;
  if (timeouts.tls) r.tls = timeouts.tls->get();
  return r;
}

// The receiver's error document, as an Error of the same kind.
Error peer_error(const std::string& body, int status, std::string_view what) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (!ec && doc.is_object()) {
    const auto* e = doc.as_object().if_contains("error");
    if (e != nullptr && e->is_object()) {
      const auto* code = e->as_object().if_contains("code");
      const auto* message = e->as_object().if_contains("message");
      if (code != nullptr && code->is_string() && message != nullptr && message->is_string()) {
        return make_error(errc_from_name(code->as_string()),
                          std::string(what) + ": " + std::string(message->as_string()));
      }
    }
  }
  return make_error(status == 404 ? Errc::not_found : Errc::unavailable,
                    std::string(what) + ": HTTP " + std::to_string(status));
}

}  // namespace

Result<std::unique_ptr<net::UploadStream>> open_blob_upload(std::string_view peer_address,
                                                            const TransferOptions& timeouts) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto request,
                             peer_request(peer_address, "PUT", std::string(kPeerBlobsPath), timeouts));
  request.headers.push_back({"Expect", "100-continue"});
  DISPOTIFY_ASSIGN_OR_RETURN(auto stream, net::UploadStream::open(request));
  if (const auto& refusal = stream->refusal())
    return peer_error(refusal->body, refusal->status, "blob upload");
  return stream;
}

Result<BlobInfo> read_upload_answer(const net::ClientResponse& response) {
  if (response.status != 201) return peer_error(response.body, response.status, "blob upload");
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(response.body, ec);
  const boost::json::object* o = ec ? nullptr : doc.if_object();
  const boost::json::value* hash = o == nullptr ? nullptr : o->if_contains("hash");
  const boost::json::value* size = o == nullptr ? nullptr : o->if_contains("size_bytes");
  if (hash == nullptr || !hash->is_string() || size == nullptr || !size->is_number()) {
    return make_error(Errc::invalid_argument, "blob upload answer is not {hash, size_bytes}");
  }
  boost::system::error_code size_ec;
  BlobInfo info{std::string(hash->as_string()), size->to_number<uint64_t>(size_ec)};
  if (size_ec || !is_sha256_hex(info.hash)) {
    return make_error(Errc::invalid_argument, "blob upload answer has a bad hash or size");
  }
  return info;
}

Result<std::unique_ptr<net::DownloadStream>> open_blob_download(std::string_view peer_address,
                                                                std::string_view hash, uint64_t first,
                                                                uint64_t end,
                                                                const TransferOptions& timeouts) {
  DISPOTIFY_CHECK(end == 0 || end > first);
  DISPOTIFY_CHECK(is_sha256_hex(hash));
  DISPOTIFY_ASSIGN_OR_RETURN(
      auto request,
      peer_request(peer_address, "GET", std::string(kPeerBlobsPath) + "/" + std::string(hash), timeouts));
  const bool ranged = first > 0 || end > 0;
  if (ranged) {
    request.headers.push_back({"Range", "bytes=" + std::to_string(first) + "-" +
                                            (end > 0 ? std::to_string(end - 1) : std::string())});
  }
  DISPOTIFY_ASSIGN_OR_RETURN(auto stream, net::DownloadStream::open(request));
  const int expected = ranged ? 206 : 200;
  if (stream->status() != expected) {
    std::string body;
    char buffer[4096];
    for (auto n = stream->read(buffer); n.ok() && *n > 0 && body.size() < 65536; n = stream->read(buffer)) {
      body.append(buffer, *n);
    }
    return peer_error(body, stream->status(), "blob download");
  }
  return stream;
}

std::optional<net::Response> handle_blob_request(LocalBlobStore& store, net::Request& request) {
  if (!request.path.starts_with(kPeerBlobsPath)) return std::nullopt;
  const std::string_view rest = std::string_view(request.path).substr(kPeerBlobsPath.size());
  if (rest.empty() && request.method == "PUT") return put_blob(store, request);
  if (rest.size() > 1 && rest[0] == '/' && (request.method == "GET" || request.method == "HEAD")) {
    return get_blob(store, request, rest.substr(1));
  }
  return std::nullopt;
}

}  // namespace dispotify::storage
