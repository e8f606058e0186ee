// Streaming node-to-node HTTP: a request body pushed while it is produced,
// and a response body pulled while it is consumed, so that a blob moves
// between nodes without ever being held whole in memory. Beast and Asio stay
// in http_stream.cpp.
//
// Each object owns one connection (not reused: a stream that stopped midway
// leaves the connection in an unknown state). Every wait is bounded by the
// request's connect_timeout_ms and io_timeout_ms. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "base/result.h"
#include "net/http_client.h"

namespace dispotify::net {

// A request whose body is sent with chunked transfer encoding as write() is
// called; finish() ends the body and reads the (small) response, or
// end_body() and read_answer() do it in two steps (so that several servers
// work on their bodies' ends at once).
class UploadStream {
 public:
  // Connects and sends the head. The request's body is ignored.
  // Errc::unavailable when the server cannot be reached. With a header
  // "Expect: 100-continue" it also waits for the server's 100 Continue; a
  // server that answers with a final status instead has refused the body:
  // see refusal().
  [[nodiscard]] static Result<std::unique_ptr<UploadStream>> open(const ClientRequest& request);
  ~UploadStream();
  UploadStream(const UploadStream&) = delete;
  UploadStream& operator=(const UploadStream&) = delete;

  // One chunk; an empty span sends nothing. After an error the stream is
  // broken and every further call fails.
  [[nodiscard]] Status write(std::span<const char> bytes);
  [[nodiscard]] Result<ClientResponse> finish();
  [[nodiscard]] Status end_body();
  [[nodiscard]] Result<ClientResponse> read_answer();
  // The answer the server gave instead of 100 Continue; write() then fails
  // and finish() and read_answer() return it.
  const std::optional<ClientResponse>& refusal() const;

 private:
  struct Impl;
  explicit UploadStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A response whose body is read in pieces. open() sends the request and
// reads the status and headers; an HTTP error status is still a success of
// open() (see status()).
class DownloadStream {
 public:
  [[nodiscard]] static Result<std::unique_ptr<DownloadStream>> open(const ClientRequest& request);
  ~DownloadStream();
  DownloadStream(const DownloadStream&) = delete;
  DownloadStream& operator=(const DownloadStream&) = delete;

  int status() const;
  std::optional<std::string_view> header(std::string_view name) const;
  // From Content-Length; nullopt for chunked bodies.
  std::optional<uint64_t> content_length() const;
  // Up to buffer.size() body bytes; 0 at the end of the body. Errc::timeout
  // when no byte came for io_timeout_ms, Errc::io_error when the connection
  // broke (including a body cut short).
  [[nodiscard]] Result<size_t> read(std::span<char> buffer);

 private:
  struct Impl;
  explicit DownloadStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispotify::net
