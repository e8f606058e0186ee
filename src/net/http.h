// The HTTP vocabulary shared by the server and the handlers.
//
// This header is deliberately free of Boost.Beast and Asio: handlers in api/
// see only these plain types, so most translation units compile fast and the
// request handling stays a function from Request to Response.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "net/deferred_response.h"

namespace dispotify::net {

struct Header {
  std::string name;
  std::string value;
};

// The body of an incoming request, pulled by the handler in chunks so that an
// upload is never held whole in memory. read() blocks the calling worker
// thread until bytes arrive, the body ends (returns 0) or the body read
// timeout expires (Errc::timeout). Not thread-safe: one reader at a time.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  [[nodiscard]] virtual Result<size_t> read(std::span<char> buffer) = 0;
  // From Content-Length; nullopt for chunked bodies.
  virtual std::optional<uint64_t> content_length() const = 0;
};

// A client certificate the server verified (TLS with client authentication).
struct PeerCertificate {
  std::string common_name;
  std::string serial_hex;  // lower-case hex of the serial number's bytes
  std::string sha256_hex;  // of the certificate's DER
};

struct Request {
  std::string method;  // upper case, as sent: "GET", "HEAD", "POST", ...
  std::string target;  // raw request target, e.g. "/api/v1/tracks?limit=10"
  std::string path;    // percent-decoded path, without the query string
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<Header> headers;
  std::string remote_address;  // "ip:port" of the client
  bool over_tls = false;
  std::optional<PeerCertificate> peer_certificate;  // verified; only on TLS with client authentication
  BodyReader* body = nullptr;                       // never null while a handler runs

  // Case-insensitive lookup of the first header with this name.
  std::optional<std::string_view> header(std::string_view name) const;
  // First query parameter with this exact name.
  std::optional<std::string_view> query_param(std::string_view name) const;
};

// A byte range of an open file, sent with sendfile(2) (zero-copy). The
// descriptor may be shared with other responses (a blob store's open-file
// cache): it is only read with explicit offsets, never moved.
struct FileBody {
  FileBody(UniqueFd owned, uint64_t offset, uint64_t length)
      : FileBody(std::make_shared<const UniqueFd>(std::move(owned)), offset, length) {}
  FileBody(std::shared_ptr<const UniqueFd> shared, uint64_t offset, uint64_t length)
      : fd(std::move(shared)), offset(offset), length(length) {}
  int descriptor() const { return fd->get(); }

  std::shared_ptr<const UniqueFd> fd;  // never null
  uint64_t offset = 0;
  uint64_t length = 0;
};

// A body produced while it is sent (transcoding, proxying). read() is called
// on a worker thread and may block; it returns 0 at the end. Sent with
// chunked transfer encoding unless the response sets Content-Length.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  [[nodiscard]] virtual Result<size_t> read(std::span<char> buffer) = 0;
};

using Body = std::variant<std::string, FileBody, std::shared_ptr<ChunkSource>>;

struct Response {
  int status = 200;
  std::vector<Header> headers;  // Content-Length is set by the server
  Body body;
  // Label for metrics and access logs, e.g. "GET /api/v1/tracks/{id}"; never sent.
  std::string route;
  // Set by a handler that runs inline on an I/O thread (see
  // ServerOptions::run_inline and handler_is_inline()) and finds that it
  // must block after all: the server calls it again on a worker thread.
  bool retry_on_worker = false;
  // Set by a handler that handed its work to another thread instead of
  // waiting for it (net/deferred_response.h): the server sends what
  // deferred->finish() returns once the work completes; status, headers
  // and body here are unused.
  std::shared_ptr<DeferredResponse> deferred;

  void set_header(std::string name, std::string value);
};

// Called on a worker thread for every request; may block (SQLite, fsync).
// For HEAD the handler answers as for GET; the server sends no body bytes but
// keeps the Content-Length of the body it would have sent.
using Handler = std::function<Response(Request&)>;

// True while the calling thread runs a handler inline on an I/O thread,
// where it must not block.
bool handler_is_inline();

// One line of the access log / one metrics observation, after the response
// has been written (or the connection failed while writing it).
struct AccessRecord {
  std::string method;
  std::string route;
  std::string path;
  std::string remote_address;
  int status = 0;
  uint64_t body_bytes_sent = 0;
  double duration_seconds = 0;
};

}  // namespace dispotify::net
