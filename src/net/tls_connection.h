// Internal to net/: TLS over a Beast tcp_stream, with OpenSSL reading and
// writing through buffers of ours (a BIO of our own, tls.cpp) instead of
// Asio's ssl::stream.
//
// Why not asio::ssl::stream: its engine moves every record through a
// 17 KiB BIO pair, so a 256 KiB write became 16 socket writes (each with
// its own timer arming and completion), and a read returned at most one
// record. A blob copy to another node (issue 5) paid that on every 16 KiB.
// Here a write encrypts up to kWriteBytesMax of plaintext into records and
// sends them in one socket write; a read decrypts as many records as the
// caller's buffers take from what one socket read brought.
//
// Semantics kept from Asio's stream: one read and one write may be in
// flight at once (never two of a kind); an end of stream without the
// peer's close_notify is ssl::error::stream_truncated; errors are in Asio's
// ssl category (their messages are OpenSSL's reasons). Output that OpenSSL
// produces while reading (a TLS 1.2 alert, say) goes out with the next
// write: our contexts have no renegotiation and no session tickets, and we
// never request a key update, so between our nodes it does not occur.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/append.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/check.h"

namespace dispotify::net::detail {

// What OpenSSL reads from and writes to (see make_tls_session).
struct TlsBuffers {
  static constexpr size_t kReceiveBytesMin = 32 * 1024;  // more than one record
  static constexpr size_t kReceiveBytesMax = 256 * 1024;

  std::vector<char> in = std::vector<char>(kReceiveBytesMin);
  size_t in_begin = 0;  // [in_begin, in_end): received, not yet taken by OpenSSL
  size_t in_end = 0;
  std::string out;        // records produced, not yet sent
  std::string out_later;  // records produced while `out` is being sent
  bool sending = false;

  size_t unread() const { return in_end - in_begin; }
  // Room for the next socket read: what OpenSSL left is moved to the front,
  // and the buffer grows while reads keep filling it (a bulk transfer).
  boost::asio::mutable_buffer receive_space();
  void received(size_t n);
};

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

// A new session of `context` whose BIO reads `buffers->in` and appends to
// `buffers->out` (or out_later while sending). Dies if OpenSSL cannot
// allocate it, as Asio's engine throws.
SslPtr make_tls_session(SSL_CTX* context, TlsBuffers* buffers);

// The error for an OpenSSL call that returned `result` <= 0: nullopt when it
// only needs more input (SSL_ERROR_WANT_READ).
std::optional<boost::system::error_code> tls_call_error(SSL* ssl, int result);

class TlsConnection {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using Role = boost::asio::ssl::stream_base::handshake_type;
  static constexpr size_t kWriteBytesMax = 256 * 1024;  // plaintext per socket write

  TlsConnection(boost::beast::tcp_stream tcp, SSL_CTX* context)
      : tcp_(std::move(tcp)),
        buffers_(std::make_unique<TlsBuffers>()),
        ssl_(make_tls_session(context, buffers_.get())) {}

  executor_type get_executor() { return tcp_.get_executor(); }
  boost::beast::tcp_stream& tcp() { return tcp_; }
  SSL* native_handle() { return ssl_.get(); }
  // Received bytes a read would take without waiting for the socket:
  // ciphertext not yet decrypted and plaintext OpenSSL holds.
  size_t buffered_bytes() const { return buffers_->unread() + static_cast<size_t>(SSL_pending(ssl_.get())); }

  template <class Token>
  auto async_handshake(Role role, Token&& token) {
    if (role == boost::asio::ssl::stream_base::client) {
      SSL_set_connect_state(ssl_.get());
    } else {
      SSL_set_accept_state(ssl_.get());
    }
    return boost::asio::async_compose<Token, void(boost::system::error_code)>(HandshakeOp{this}, token, tcp_);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        ReadOp<MutableBuffers>{this, buffers}, token, tcp_);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        WriteOp<ConstBuffers>{this, buffers}, token, tcp_);
  }

 private:
  enum class Step { start, receiving, sending, posted };

  // Completes through the executor: a handler is never called from inside
  // the call that started the operation.
  template <class Self, class... Args>
  static void complete_later(Self& self, Args... args) {
    boost::asio::post(boost::asio::append(std::move(self), args...));
  }

  // A socket read that ended: the peer closing without close_notify cuts
  // the stream short, as Asio's stream reports it.
  boost::system::error_code receive_error(boost::system::error_code ec) const {
    if (ec == boost::asio::error::eof && (SSL_get_shutdown(ssl_.get()) & SSL_RECEIVED_SHUTDOWN) == 0) {
      return boost::asio::ssl::error::stream_truncated;
    }
    return ec;
  }

  // Decrypts into `buffers` what the received bytes hold. nullopt: nothing
  // decrypted yet, more ciphertext needed.
  template <class MutableBuffers>
  std::optional<std::pair<boost::system::error_code, size_t>> decrypt(const MutableBuffers& buffers) {
    size_t total = 0;
    bool stopped = false;  // OpenSSL wants more input, or failed
    boost::system::error_code error;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      auto* data = static_cast<char*>(it->data());
      size_t left = it->size();
      while (left > 0) {
        size_t got = 0;
        ERR_clear_error();
        const int result = SSL_read_ex(ssl_.get(), data, left, &got);
        if (result == 1) {
          data += got;
          left -= got;
          total += got;
          continue;
        }
        if (auto failed = tls_call_error(ssl_.get(), result)) error = *failed;
        stopped = true;
        break;
      }
      if (stopped) break;
    }
    if (total > 0) return std::pair{boost::system::error_code{}, total};
    if (error) return std::pair{error, size_t{0}};
    return std::nullopt;
  }

  template <class MutableBuffers>
  struct ReadOp {
    TlsConnection* c;
    MutableBuffers buffers;
    Step step = Step::start;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
      if (step == Step::posted) return self.complete(ec, n);
      if (step == Step::receiving) {
        if (ec) return self.complete(c->receive_error(ec), 0);
        c->buffers_->received(n);
      } else if (boost::asio::buffer_size(buffers) == 0) {
        step = Step::posted;
        return complete_later(self, boost::system::error_code{}, size_t{0});
      }
      if (auto done = c->decrypt(buffers)) {
        if (step == Step::receiving) return self.complete(done->first, done->second);
        step = Step::posted;
        return complete_later(self, done->first, done->second);
      }
      step = Step::receiving;
      c->tcp_.async_read_some(c->buffers_->receive_space(), std::move(self));
    }
  };

  template <class ConstBuffers>
  struct WriteOp {
    TlsConnection* c;
    ConstBuffers buffers;
    Step step = Step::start;
    size_t taken = 0;  // plaintext bytes encrypted into records

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t = 0) {
      TlsBuffers& b = *c->buffers_;
      if (step == Step::posted) return self.complete(ec, taken);
      if (step == Step::start) {
        DISPOTIFY_CHECK(!b.sending);  // one write at a time
        const auto prefix = boost::beast::buffers_prefix(kWriteBytesMax, buffers);
        for (auto it = boost::asio::buffer_sequence_begin(prefix);
             it != boost::asio::buffer_sequence_end(prefix); ++it) {
          const boost::asio::const_buffer piece = *it;
          if (piece.size() == 0) continue;
          size_t written = 0;
          ERR_clear_error();
          const int result = SSL_write_ex(c->ssl_.get(), piece.data(), piece.size(), &written);
          if (result != 1) {
            step = Step::posted;
            taken = 0;
            auto failed = tls_call_error(c->ssl_.get(), result);
            return complete_later(self, failed.value_or(boost::asio::ssl::error::unspecified_system_error));
          }
          taken += written;
        }
        if (b.out.empty()) {
          step = Step::posted;
          return complete_later(self, boost::system::error_code{});
        }
      } else {  // Step::sending: `out` went out, or failed
        b.out.clear();
        b.sending = false;
        if (ec) {
          b.out_later.clear();
          return self.complete(ec, 0);
        }
        if (b.out_later.empty()) return self.complete(ec, taken);
        b.out.swap(b.out_later);
      }
      step = Step::sending;
      b.sending = true;
      boost::asio::async_write(c->tcp_, boost::asio::buffer(b.out), std::move(self));
    }
  };

  struct HandshakeOp {
    TlsConnection* c;
    Step step = Step::start;
    int last = 0;                      // SSL_do_handshake's last result
    boost::system::error_code failed;  // sent with the alert that reports it

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
      TlsBuffers& b = *c->buffers_;
      if (step == Step::posted) return self.complete(ec);
      if (step == Step::receiving) {
        if (ec) return self.complete(c->receive_error(ec));
        b.received(n);
      } else if (step == Step::sending) {
        b.out.clear();
        b.sending = false;
        if (failed) return self.complete(failed);
        if (ec) return self.complete(ec);
        if (last == 1) return self.complete(ec);
      }
      ERR_clear_error();
      last = SSL_do_handshake(c->ssl_.get());
      if (last != 1) {
        if (auto error = tls_call_error(c->ssl_.get(), last)) failed = *error;
      }
      if (!b.out.empty()) {  // our next flight (or the alert of a failure) first
        step = Step::sending;
        b.sending = true;
        return boost::asio::async_write(c->tcp_, boost::asio::buffer(b.out), std::move(self));
      }
      if (failed || last == 1) {
        if (step == Step::start) {
          step = Step::posted;
          return complete_later(self, failed);
        }
        return self.complete(failed);
      }
      step = Step::receiving;
      c->tcp_.async_read_some(b.receive_space(), std::move(self));
    }
  };

  boost::beast::tcp_stream tcp_;
  std::unique_ptr<TlsBuffers> buffers_;  // stable address: the BIO points to it
  SslPtr ssl_;
};

}  // namespace dispotify::net::detail
