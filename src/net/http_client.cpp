// HttpConnection: each request is a coroutine run to completion on a private
// io_context, which is how Beast gives a blocking caller real timeouts
// (synchronous Beast calls cannot be bounded in time).
#include "net/http_client.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <vector>

#include "base/unique_fd.h"
#include "net/client_connect.h"

namespace dispotify::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using detail::kAsTuple;
using detail::ms;
using detail::socket_error;
// A response head larger than this is refused (servers send a few hundred bytes).
constexpr uint32_t kResponseHeaderBytesMax = 64 * 1024;
// Bytes read from an upload file per socket write.
constexpr size_t kUploadChunkBytes = 64 * 1024;

using detail::iequals;

bool method_sends_length(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

// Either body, opened for this attempt: the size and, for files, the fd.
struct OpenedBody {
  uint64_t size = 0;
  UniqueFd fd;
};

Result<OpenedBody> open_body(const ClientBody& body) {
  if (const auto* text = std::get_if<std::string>(&body)) return OpenedBody{text->size(), UniqueFd()};
  const auto& path = std::get<FileUpload>(body).path;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return make_error(Errc::io_error, "open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return make_error(Errc::io_error, "stat " + path + ": " + std::strerror(errno));
  return OpenedBody{static_cast<uint64_t>(st.st_size), std::move(fd)};
}

std::string format_request_head(const ClientRequest& request, uint64_t body_size) {
  const bool length = body_size > 0 || method_sends_length(request.method);
  return detail::request_head(request, length ? std::optional<uint64_t>(body_size) : std::nullopt, false);
}

// The outcome of one attempt; `retryable` when it failed before the server
// could have acted on it being read (stale keep-alive connection).
struct Attempt {
  std::optional<Result<ClientResponse>> result;
  bool retryable = false;
};

}  // namespace

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

struct HttpConnection::Impl {
  asio::io_context ioc{1};
  std::optional<detail::DualStream> stream;
  beast::flat_buffer buffer;
  std::string host;
  uint16_t port = 0;
  std::shared_ptr<TlsContext> tls;  // of the open connection
  std::string tls_peer_name;
  std::string tls_host_name;

  asio::awaitable<void> attempt(const ClientRequest& request, bool reused, Attempt& out);
  asio::awaitable<Status> connect(const ClientRequest& request);
  asio::awaitable<Status> write_body(const ClientRequest& request, OpenedBody& body);
  asio::awaitable<Result<ClientResponse>> read_response(const ClientRequest& request, bool& got_bytes);
  Attempt run_attempt(const ClientRequest& request, bool reused);
  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
    }
    stream.reset();
    buffer.clear();
  }
};

asio::awaitable<Status> HttpConnection::Impl::connect(const ClientRequest& request) {
  close();
  auto connected = co_await detail::connect_stream(ioc, stream, request);
  if (!connected.ok()) co_return connected;
  host = request.host;
  port = request.port;
  tls = request.tls;
  tls_peer_name = request.tls_peer_name;
  tls_host_name = request.tls_host_name;
  co_return ok_status();
}

asio::awaitable<Status> HttpConnection::Impl::write_body(const ClientRequest& request, OpenedBody& body) {
  if (const auto* text = std::get_if<std::string>(&request.body)) {
    if (text->empty()) co_return ok_status();
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await asio::async_write(*stream, asio::buffer(*text), kAsTuple);
    if (ec) co_return socket_error("write request body", ec);
    co_return ok_status();
  }
  std::vector<char> chunk(kUploadChunkBytes);
  uint64_t remaining = body.size;
  while (remaining > 0) {
    const ssize_t got = ::read(body.fd.get(), chunk.data(), std::min<uint64_t>(remaining, chunk.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) co_return make_error(Errc::io_error, "upload file shrank or failed while being sent");
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] =
        co_await asio::async_write(*stream, asio::buffer(chunk.data(), static_cast<size_t>(got)), kAsTuple);
    if (ec) co_return socket_error("write request body", ec);
    remaining -= static_cast<uint64_t>(got);
  }
  co_return ok_status();
}

asio::awaitable<Result<ClientResponse>> HttpConnection::Impl::read_response(const ClientRequest& request,
                                                                            bool& got_bytes) {
  http::response_parser<http::string_body> parser;
  parser.header_limit(kResponseHeaderBytesMax);
  parser.body_limit(request.response_body_bytes_max);
  if (request.method == "HEAD") parser.skip(true);
  while (!parser.is_done()) {
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await http::async_read_some(*stream, buffer, parser, kAsTuple);
    got_bytes = got_bytes || n > 0 || parser.got_some();
    if (ec) co_return socket_error("read response", ec);
  }
  ClientResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    response.headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
  }
  if (!parser.keep_alive()) close();
  response.body = std::move(parser.get().body());
  co_return response;
}

asio::awaitable<void> HttpConnection::Impl::attempt(const ClientRequest& request, bool reused, Attempt& out) {
  if (!reused) {
    if (auto connected = co_await connect(request); !connected.ok()) {
      out.result.emplace(std::move(connected).error());
      co_return;
    }
  }
  auto body = open_body(request.body);
  if (!body.ok()) {
    out.result.emplace(std::move(body).error());
    co_return;
  }
  const std::string head = format_request_head(request, body->size);
  // A text body goes with the head in one write: the server then finds the
  // whole request in one read (and may run it at once, http_server.h).
  const auto* text = std::get_if<std::string>(&request.body);
  const std::array<asio::const_buffer, 2> head_and_text = {
      asio::buffer(head), text != nullptr ? asio::buffer(*text) : asio::const_buffer()};
  stream->expires_after(ms(request.io_timeout_ms));
  auto [ec, n] = co_await asio::async_write(*stream, head_and_text, kAsTuple);
  // Plain statements around co_await: GCC 12 mishandles co_await inside a
  // conditional expression.
  bool got_bytes = false;
  Status written = ok_status();
  if (!ec && text == nullptr) written = co_await write_body(request, body.value());
  if (ec) {
    out.result.emplace(socket_error("write request", ec));
  } else if (!written.ok()) {
    out.result.emplace(std::move(written).error());
  } else {
    auto response = co_await read_response(request, got_bytes);
    out.result.emplace(std::move(response));
  }
  out.retryable = reused && !got_bytes && !out.result->ok() && out.result->error().code == Errc::io_error;
  if (!out.result->ok()) close();
}

Attempt HttpConnection::Impl::run_attempt(const ClientRequest& request, bool reused) {
  Attempt out;
  asio::co_spawn(ioc, attempt(request, reused, out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.restart();
  ioc.run();
  DISPOTIFY_CHECK(out.result.has_value());
  return out;
}

HttpConnection::HttpConnection() : impl_(std::make_unique<Impl>()) {}
HttpConnection::~HttpConnection() = default;

Result<ClientResponse> HttpConnection::request(const ClientRequest& request) {
  const bool reused = impl_->stream && impl_->host == request.host && impl_->port == request.port &&
                      impl_->tls == request.tls && impl_->tls_peer_name == request.tls_peer_name &&
                      impl_->tls_host_name == request.tls_host_name && impl_->stream->socket().is_open();
  Attempt first = impl_->run_attempt(request, reused);
  if (!first.retryable) return std::move(*first.result);
  return std::move(*impl_->run_attempt(request, false).result);
}

void HttpConnection::close() { impl_->close(); }

Result<ClientResponse> request(const ClientRequest& request) {
  HttpConnection connection;
  return connection.request(request);
}

Result<ServerUrl> parse_url(std::string_view url) {
  ServerUrl out;
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  if (url.size() >= kHttps.size() && iequals(url.substr(0, kHttps.size()), kHttps)) {
    out.https = true;
    out.port = 443;
    url.remove_prefix(kHttps.size());
  } else if (url.size() >= kHttp.size() && iequals(url.substr(0, kHttp.size()), kHttp)) {
    url.remove_prefix(kHttp.size());
  } else {
    return make_error(Errc::invalid_argument, "URL must start with http:// or https://");
  }
  const size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return make_error(Errc::invalid_argument, "URL must not have a query or fragment");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return make_error(Errc::invalid_argument, "unclosed [ in URL host");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return make_error(Errc::invalid_argument, "bad URL authority");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find('@') != std::string::npos) {
    return make_error(Errc::invalid_argument, "URL needs a host (and no user info)");
  }
  if (!port_text.empty() || authority.ends_with(':')) {
    uint32_t port = 0;
    for (const char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return make_error(Errc::invalid_argument, "bad URL port");
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port_text.empty() || port == 0 || port > 65535)
      return make_error(Errc::invalid_argument, "bad URL port");
    out.port = static_cast<uint16_t>(port);
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  out.prefix = std::string(path);
  return out;
}

}  // namespace dispotify::net
