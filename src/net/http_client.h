// A small blocking HTTP/1.1 client over plain TCP, for the CLI (`dispotify
// import`) and node-to-node calls. Beast and Asio stay in http_client.cpp.
//
// Every wait is bounded: connecting by connect_timeout_ms, and each read or
// write by io_timeout_ms without progress. Response bodies are held in
// memory and capped by response_body_bytes_max; request bodies can stream
// from a file so that a large upload is never read whole.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "net/http.h"
#include "net/tls.h"

namespace dispotify::net {

// A request body read from this file as it is sent; Content-Length is the
// file's size when the request starts.
struct FileUpload {
  std::string path;
};

using ClientBody = std::variant<std::string, FileUpload>;

inline constexpr uint64_t kResponseBodyBytesMaxDefault = 16ULL << 20;

struct ClientRequest {
  std::string method = "GET";
  std::string host = "127.0.0.1";
  uint16_t port = 80;
  std::string target = "/";     // already percent-encoded, e.g. "/api/v1/tracks?limit=10"
  std::vector<Header> headers;  // Host and Content-Length are set by the client
  ClientBody body;
  uint64_t connect_timeout_ms = 5'000;
  uint64_t io_timeout_ms = 30'000;  // no progress reading or writing for this long: Errc::timeout
  uint64_t response_body_bytes_max = kResponseBodyBytesMaxDefault;  // Errc::too_large above
  // TLS with this context when set (the handshake counts against
  // connect_timeout_ms); a failed handshake is Errc::unavailable.
  std::shared_ptr<TlsContext> tls;
  // When not empty, the server certificate's common name must be exactly
  // this (a node id): Errc::permission_denied otherwise.
  std::string tls_peer_name;
  // When not empty, sent as the server name (SNI) and the certificate must
  // be valid for it (a public server's host name or IP address).
  std::string tls_host_name;
};

struct ClientResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  // Case-insensitive lookup of the first header with this name.
  std::optional<std::string_view> header(std::string_view name) const;
};

// "http://host:port/prefix" or "https://..." split into parts; the port
// defaults to 80 or 443; the prefix has no trailing slash ("" for the root).
struct ServerUrl {
  std::string host;
  uint16_t port = 80;
  std::string prefix;
  bool https = false;
};
[[nodiscard]] Result<ServerUrl> parse_url(std::string_view url);

// One keep-alive connection, reused across requests to the same host and
// port (it reconnects when the target changes or the server closed it).
// A request on a reused connection that fails before any response byte is
// retried once on a fresh connection (the server may have closed it idle).
// Not thread-safe: one connection per thread.
class HttpConnection {
 public:
  HttpConnection();
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Errors: Errc::unavailable (cannot connect), Errc::timeout, Errc::too_large
  // (response body), Errc::invalid_argument (bad request or response),
  // Errc::io_error (the upload file, the socket). An HTTP error status is a
  // successful ClientResponse.
  [[nodiscard]] Result<ClientResponse> request(const ClientRequest& request);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a connection of its own.
[[nodiscard]] Result<ClientResponse> request(const ClientRequest& request);

}  // namespace dispotify::net
