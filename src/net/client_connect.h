// Internal to net/: the Beast pieces the blocking clients share (connecting
// with a timeout, running one coroutine to completion). Include only from
// net/*.cpp, so that Beast stays out of every other translation unit.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "base/check.h"
#include "base/result.h"
#include "net/http_client.h"
#include "net/tls_stream.h"

#include <openssl/x509v3.h>

namespace dispotify::net::detail {

inline constexpr auto kAsTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

inline std::chrono::milliseconds ms(uint64_t value) { return std::chrono::milliseconds(value); }

inline Error socket_error(std::string_view what, const boost::beast::error_code& ec) {
  if (ec == boost::beast::error::timeout) return make_error(Errc::timeout, std::string(what) + ": timed out");
  if (ec == boost::beast::http::error::body_limit)
    return make_error(Errc::too_large, "response body too large");
  return make_error(Errc::io_error, std::string(what) + ": " + ec.message());
}

// Resolves and connects `stream` (emplaced on `ioc`) within timeout_ms,
// with TCP_NODELAY, then runs the TLS handshake when the request asks for
// TLS. Errc::unavailable when it cannot; Errc::permission_denied when the
// server's certificate is not the one named by request.tls_peer_name.
inline boost::asio::awaitable<Status> connect_stream(boost::asio::io_context& ioc,
                                                     std::optional<DualStream>& stream,
                                                     const ClientRequest& request) {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  const std::string where = request.host + ":" + std::to_string(request.port);
  tcp::resolver resolver(ioc);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(request.host, std::to_string(request.port), kAsTuple);
  if (resolve_ec)
    co_return make_error(Errc::unavailable, "resolve " + request.host + ": " + resolve_ec.message());
  boost::beast::tcp_stream plain(ioc);
  plain.expires_after(ms(request.connect_timeout_ms));
  auto [ec, endpoint] = co_await plain.async_connect(endpoints, kAsTuple);
  if (ec) co_return make_error(Errc::unavailable, "connect " + where + ": " + ec.message());
  boost::beast::error_code ignored;
  plain.socket().set_option(tcp::no_delay(true), ignored);
  if (!request.tls) {
    stream.emplace(std::move(plain));
    co_return ok_status();
  }
  stream.emplace(std::move(plain), request.tls);
  if (!request.tls_host_name.empty()) {
    SSL* ssl = stream->tls().native_handle();
    // SNI takes names only; an IP address is checked as one.
    boost::system::error_code not_ip;
    asio::ip::make_address(request.tls_host_name, not_ip);
    const char* name = request.tls_host_name.c_str();
    const bool set = not_ip ? SSL_set_tlsext_host_name(ssl, name) == 1 && SSL_set1_host(ssl, name) == 1
                            : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1;
    if (!set) {
      stream.reset();
      co_return make_error(Errc::invalid_argument, "bad TLS host name " + request.tls_host_name);
    }
  }
  auto [handshake_ec] = co_await stream->tls().async_handshake(asio::ssl::stream_base::client, kAsTuple);
  if (handshake_ec) {
    stream.reset();
    co_return make_error(Errc::unavailable, "TLS handshake with " + where + ": " + handshake_ec.message());
  }
  if (!request.tls_peer_name.empty()) {
    const auto peer = peer_certificate_of(stream->tls().native_handle());
    if (!peer || peer->common_name != request.tls_peer_name) {
      stream.reset();
      co_return make_error(Errc::permission_denied, "the server at " + where + " is not " +
                                                        request.tls_peer_name + " (certificate for '" +
                                                        (peer ? peer->common_name : std::string()) + "')");
    }
  }
  co_return ok_status();
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "METHOD target HTTP/1.1" and the request's headers, with Host added when
// missing and the body framing (Content-Length or chunked) ours alone.
inline std::string request_head(const ClientRequest& request, std::optional<uint64_t> content_length,
                                bool chunked) {
  std::string head = request.method + " " + request.target + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const auto& h : request.headers) {
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding")) continue;
    has_host = has_host || iequals(h.name, "Host");
    head += h.name + ": " + h.value + "\r\n";
  }
  if (!has_host) head += "Host: " + request.host + ":" + std::to_string(request.port) + "\r\n";
  if (content_length) head += "Content-Length: " + std::to_string(*content_length) + "\r\n";
  if (chunked) head += "Transfer-Encoding: chunked\r\n";
  head += "\r\n";
  return head;
}

// Runs `task` on `ioc` (which nothing else uses) until it finishes.
template <class T>
T run_to_completion(boost::asio::io_context& ioc, boost::asio::awaitable<T> task) {
  std::optional<T> out;
  boost::asio::co_spawn(
      ioc, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(task)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.restart();
  ioc.run();
  DISPOTIFY_CHECK(out.has_value());
  return std::move(*out);
}

}  // namespace dispotify::net::detail
