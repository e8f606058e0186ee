#include "net/http_stream.h"

#include <algorithm>
#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/client_connect.h"

namespace dispotify::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::kAsTuple;
using detail::ms;
using detail::socket_error;

constexpr uint32_t kResponseHeaderBytesMax = 64 * 1024;
// Socket reads of a download go through a buffer of this capacity.
constexpr size_t kDownloadBufferBytes = 256 * 1024;
// An upload's answer is a small JSON document.
constexpr uint64_t kUploadResponseBytesMax = 64 * 1024;

// Connects and writes the head, within the request's timeouts.
asio::awaitable<Status> connect_and_send_head(asio::io_context& ioc,
                                              std::optional<detail::DualStream>& stream,
                                              const ClientRequest& request, bool chunked) {
  auto connected = co_await detail::connect_stream(ioc, stream, request);
  if (!connected.ok()) co_return connected;
  const std::string head = detail::request_head(request, std::nullopt, chunked);
  stream->expires_after(ms(request.io_timeout_ms));
  auto [ec, n] = co_await asio::async_write(*stream, asio::buffer(head), kAsTuple);
  if (ec) co_return socket_error("write request", ec);
  co_return ok_status();
}

ClientResponse to_client_response(http::response<http::string_body> message) {
  ClientResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
  }
  response.body = std::move(message.body());
  return response;
}

bool expects_continue(const ClientRequest& request) {
  return std::any_of(request.headers.begin(), request.headers.end(), [](const Header& h) {
    return detail::iequals(h.name, "Expect") && detail::iequals(h.value, "100-continue");
  });
}

}  // namespace

// ---------------------------------------------------------------- upload

struct UploadStream::Impl {
  asio::io_context ioc{1};
  std::optional<detail::DualStream> stream;
  beast::flat_buffer buffer;
  ClientRequest request;
  bool broken = false;
  std::optional<ClientResponse> refusal;  // a final answer instead of 100 Continue
  bool body_ended = false;

  // After a head with "Expect: 100-continue": waits for the server's go or
  // its refusal (a final status before the body, e.g. 507 for a full disk).
  asio::awaitable<Status> await_continue() {
    http::response_parser<http::string_body> parser;
    parser.header_limit(kResponseHeaderBytesMax);
    parser.body_limit(kUploadResponseBytesMax);
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await http::async_read_header(*stream, buffer, parser, kAsTuple);
    if (ec) co_return socket_error("read 100 Continue", ec);
    if (parser.get().result() == http::status::continue_) co_return ok_status();
    while (!parser.is_done()) {
      stream->expires_after(ms(request.io_timeout_ms));
      auto [read_ec, got] = co_await http::async_read_some(*stream, buffer, parser, kAsTuple);
      if (read_ec) co_return socket_error("read response", read_ec);
    }
    refusal = to_client_response(parser.release());
    co_return ok_status();
  }

  asio::awaitable<Status> write_chunk(std::span<const char> bytes) {
    char size_line[24];
    const int line_length = std::snprintf(size_line, sizeof size_line, "%zx\r\n", bytes.size());
    const std::array<asio::const_buffer, 3> pieces = {
        asio::buffer(size_line, static_cast<size_t>(line_length)), asio::buffer(bytes.data(), bytes.size()),
        asio::buffer("\r\n", 2)};
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await asio::async_write(*stream, pieces, kAsTuple);
    if (ec) co_return socket_error("write request body", ec);
    co_return ok_status();
  }

  asio::awaitable<Status> end_body() {
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await asio::async_write(*stream, asio::buffer("0\r\n\r\n", 5), kAsTuple);
    if (ec) co_return socket_error("end request body", ec);
    co_return ok_status();
  }

  asio::awaitable<Result<ClientResponse>> read_answer() {
    http::response_parser<http::string_body> parser;
    parser.header_limit(kResponseHeaderBytesMax);
    parser.body_limit(kUploadResponseBytesMax);
    while (!parser.is_done()) {
      stream->expires_after(ms(request.io_timeout_ms));
      auto [read_ec, got] = co_await http::async_read_some(*stream, buffer, parser, kAsTuple);
      if (read_ec) co_return socket_error("read response", read_ec);
    }
    co_return to_client_response(parser.release());
  }
};

UploadStream::UploadStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UploadStream::~UploadStream() = default;

Result<std::unique_ptr<UploadStream>> UploadStream::open(const ClientRequest& request) {
  auto impl = std::make_unique<Impl>();
  impl->request = request;
  impl->request.body = std::string();
  Status sent =
      detail::run_to_completion(impl->ioc, connect_and_send_head(impl->ioc, impl->stream, request, true));
  if (!sent.ok()) return std::move(sent).error();
  if (expects_continue(request)) {
    Status go = detail::run_to_completion(impl->ioc, impl->await_continue());
    if (!go.ok()) return std::move(go).error();
    impl->broken = impl->refusal.has_value();
  }
  return std::unique_ptr<UploadStream>(new UploadStream(std::move(impl)));
}

Status UploadStream::write(std::span<const char> bytes) {
  if (impl_->broken || impl_->body_ended) return make_error(Errc::io_error, "upload stream is broken");
  if (bytes.empty()) return ok_status();
  Status written = detail::run_to_completion(impl_->ioc, impl_->write_chunk(bytes));
  impl_->broken = !written.ok();
  return written;
}

const std::optional<ClientResponse>& UploadStream::refusal() const { return impl_->refusal; }

Status UploadStream::end_body() {
  if (impl_->refusal) return ok_status();  // there is no body to end
  if (impl_->broken || impl_->body_ended) return make_error(Errc::io_error, "upload stream is broken");
  impl_->body_ended = true;
  Status ended = detail::run_to_completion(impl_->ioc, impl_->end_body());
  impl_->broken = !ended.ok();
  return ended;
}

Result<ClientResponse> UploadStream::read_answer() {
  if (impl_->refusal) return *impl_->refusal;
  if (impl_->broken || !impl_->body_ended) return make_error(Errc::io_error, "upload stream is broken");
  impl_->broken = true;  // one answer per stream
  return detail::run_to_completion(impl_->ioc, impl_->read_answer());
}

Result<ClientResponse> UploadStream::finish() {
  if (!impl_->refusal) DISPOTIFY_TRY(end_body());
  return read_answer();
}

// -------------------------------------------------------------- download

struct DownloadStream::Impl {
  asio::io_context ioc{1};
  std::optional<detail::DualStream> stream;
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  ClientRequest request;
  std::vector<Header> headers;
  bool broken = false;

  asio::awaitable<Status> start() {
    auto sent = co_await connect_and_send_head(ioc, stream, request, false);
    if (!sent.ok()) co_return sent;
    // Beast reads at most the buffer's free capacity per socket read: a
    // small buffer would mean thousands of tiny reads per megabyte.
    buffer.reserve(kDownloadBufferBytes);
    parser.header_limit(kResponseHeaderBytesMax);
    parser.body_limit(boost::none);  // the caller bounds what it reads
    if (request.method == "HEAD") parser.skip(true);
    stream->expires_after(ms(request.io_timeout_ms));
    auto [ec, n] = co_await http::async_read_header(*stream, buffer, parser, kAsTuple);
    if (ec) co_return socket_error("read response head", ec);
    for (const auto& field : parser.get()) {
      headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
    }
    co_return ok_status();
  }

  // Reads until at least one body byte arrived or the body ended: a read
  // may consume only chunk framing.
  asio::awaitable<Result<size_t>> read(std::span<char> out) {
    while (!parser.is_done()) {
      parser.get().body().data = out.data();
      parser.get().body().size = out.size();
      stream->expires_after(ms(request.io_timeout_ms));
      auto [ec, n] = co_await http::async_read_some(*stream, buffer, parser, kAsTuple);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) co_return socket_error("read response body", ec);
      const size_t produced = out.size() - parser.get().body().size;
      if (produced > 0) co_return produced;
    }
    co_return size_t{0};
  }
};

DownloadStream::DownloadStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DownloadStream::~DownloadStream() = default;

Result<std::unique_ptr<DownloadStream>> DownloadStream::open(const ClientRequest& request) {
  auto impl = std::make_unique<Impl>();
  impl->request = request;
  Status started = detail::run_to_completion(impl->ioc, impl->start());
  if (!started.ok()) return std::move(started).error();
  return std::unique_ptr<DownloadStream>(new DownloadStream(std::move(impl)));
}

int DownloadStream::status() const { return static_cast<int>(impl_->parser.get().result_int()); }

std::optional<std::string_view> DownloadStream::header(std::string_view name) const {
  for (const auto& h : impl_->headers) {
    if (detail::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<uint64_t> DownloadStream::content_length() const {
  auto length = impl_->parser.content_length();
  if (!length) return std::nullopt;
  return static_cast<uint64_t>(*length);
}

Result<size_t> DownloadStream::read(std::span<char> buffer) {
  if (impl_->broken) return make_error(Errc::io_error, "download stream is broken");
  if (buffer.empty()) return size_t{0};
  Result<size_t> got = detail::run_to_completion(impl_->ioc, impl_->read(buffer));
  impl_->broken = !got.ok();
  return got;
}

}  // namespace dispotify::net
