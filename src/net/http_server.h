// HTTP/1.1 server: Boost.Beast sessions as C++20 coroutines on an I/O thread,
// handlers on a bounded worker pool. Beast is confined to http_server.cpp.
//
// A session only reads (with header/body limits and timeouts), dispatches
// to the handler, and writes (sendfile for FileBody, chunked for ChunkSource).
// Thread-safety: start(), run() and stop() may be called from different
// threads; stop() is idempotent and makes run() return after in-flight
// requests finish or shutdown_grace_ms passes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "net/http.h"
#include "net/request_head.h"
#include "net/tls.h"

namespace dispotify::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4533;  // 0 picks a free port; see HttpServer::port()
  size_t io_threads = 1;
  size_t worker_threads = 16;
  // Prefix of the I/O threads' names ("http-io0", ...).
  std::string name = "http";
  size_t connections_max = 4096;
  // Open connections from one client IP: beyond it, a new one gets 503 and
  // is closed, so one address cannot take them all (0: no limit).
  size_t connections_per_address_max = 256;
  size_t header_bytes_max = 16 * 1024;     // request line + headers: 431 above
  RequestLimits request_limits;            // header count (431), target size (414), query (400)
  uint64_t body_bytes_max = 2ULL << 30;    // any request body: 413 above
  uint64_t header_timeout_ms = 10'000;     // slow headers: connection closed
  uint64_t idle_timeout_ms = 60'000;       // keep-alive between requests
  uint64_t body_read_timeout_ms = 30'000;  // no body bytes for this long: Errc::timeout
  uint64_t write_timeout_ms = 60'000;      // client not reading for this long: closed
  uint64_t shutdown_grace_ms = 5'000;
  std::function<void(const AccessRecord&)> on_access;  // optional, any thread
  // Optional: requests for which it returns true run the handler on the I/O
  // thread instead of the worker pool, if their body is already read (none,
  // or a small one with a Content-Length that had arrived whole by the time
  // the header was read).
  // Only for handlers that never block for long (point lookups, handing a
  // message to a queue), since the I/O thread serves every other connection
  // meanwhile.
  std::function<bool(const Request&)> run_inline;
  // TLS on every connection when set, with the slot's context at accept
  // time (so a replaced certificate applies to new connections only). The
  // handshake must finish within header_timeout_ms. File bodies are then
  // read and encrypted instead of sent with sendfile(2).
  std::shared_ptr<TlsSlot> tls;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; errors (address in use, bad address) as values.
  [[nodiscard]] Status start();
  // The bound port (useful with port 0). Valid after start().
  uint16_t port() const;
  // Serves until stop(); blocks the caller.
  void run();
  // Graceful: stop accepting, let in-flight requests finish, then return from run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispotify::net
