// Internal to net/: a connection that is plain TCP or TLS over TCP, chosen
// at run time, with the stream interface Beast's HTTP reads and writes
// want. Include only from net/*.cpp, so that Beast and OpenSSL stay out of
// every other translation unit.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/check.h"
#include "net/http.h"
#include "net/tls.h"
#include "net/tls_connection.h"

namespace dispotify::net {

struct TlsContext::Impl {
  explicit Impl(boost::asio::ssl::context::method method) : context(method) {}
  boost::asio::ssl::context context;
};

namespace detail {

// The identity of the certificate the other side presented and OpenSSL
// verified; nullopt without one.
std::optional<PeerCertificate> peer_certificate_of(SSL* ssl);

class DualStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit DualStream(boost::beast::tcp_stream plain) : plain_(std::move(plain)) {}
  // Keeps `context` alive as long as the connection.
  DualStream(boost::beast::tcp_stream plain, std::shared_ptr<TlsContext> context)
      : context_(std::move(context)) {
    DISPOTIFY_CHECK(context_ != nullptr);
    tls_.emplace(std::move(plain), context_->impl().context.native_handle());
  }

  executor_type get_executor() { return tcp().get_executor(); }
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->tcp() : *plain_; }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  void expires_after(std::chrono::milliseconds timeout) { tcp().expires_after(timeout); }
  void expires_at(std::chrono::steady_clock::time_point when) { tcp().expires_at(when); }
  bool is_tls() const { return tls_.has_value(); }
  // Received bytes a read would take without waiting for the socket (TLS
  // only: plain TCP keeps nothing back).
  size_t buffered_bytes() const { return tls_ ? tls_->buffered_bytes() : 0; }
  TlsConnection& tls() {
    DISPOTIFY_CHECK(tls_.has_value());
    return *tls_;
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_->async_read_some(buffers, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
    return plain_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  std::shared_ptr<TlsContext> context_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsConnection> tls_;
};

}  // namespace detail
}  // namespace dispotify::net
