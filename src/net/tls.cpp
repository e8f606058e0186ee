#include "net/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cstring>

#include "base/hex.h"
#include "net/tls_stream.h"

namespace dispotify::net {
namespace {

namespace ssl = boost::asio::ssl;

Error tls_error(std::string_view what, const boost::system::error_code& ec) {
  return make_error(Errc::invalid_argument, std::string(what) + ": " + ec.message());
}

PeerCertificate identity_of(X509* cert) {
  PeerCertificate out;
  char name[256] = {};
  const int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  if (length > 0) out.common_name.assign(name, static_cast<size_t>(length));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  out.serial_hex = to_hex(std::span<const unsigned char>(serial->data, static_cast<size_t>(serial->length)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &digest_length) == 1)
    out.sha256_hex = to_hex(std::span<const unsigned char>(digest, digest_length));
  return out;
}

Status restrict_versions(ssl::context& context, bool tls13_only) {
  SSL_CTX* native = context.native_handle();
  if (SSL_CTX_set_min_proto_version(native, tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION) != 1) {
    return make_error(Errc::internal, "cannot set the minimum TLS version");
  }
  // No session tickets: our clients do not resume, and a ticket would carry
  // a client's identity past a revocation.
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(native, 0);
  // No TLS 1.2 renegotiation: it would make a read produce output that
  // TlsConnection only sends with the next write (tls_connection.h).
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  return ok_status();
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsContext::~TlsContext() = default;

Result<std::shared_ptr<TlsContext>> make_server_tls(const TlsServerSettings& settings) {
  auto impl = std::make_unique<TlsContext::Impl>(ssl::context::tls_server);
  ssl::context& context = impl->context;
  DISPOTIFY_TRY(restrict_versions(context, settings.tls13_only));
  boost::system::error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::single_dh_use,
                      ec);
  context.use_certificate_chain(boost::asio::buffer(settings.certificate_chain_pem), ec);
  if (ec) return tls_error("the TLS certificate", ec);
  context.use_private_key(boost::asio::buffer(settings.private_key_pem), ssl::context::pem, ec);
  if (ec) return tls_error("the TLS private key", ec);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return make_error(Errc::invalid_argument, "the TLS private key does not match the certificate");
  }
  if (!settings.client_ca_pem.empty()) {
    context.add_certificate_authority(boost::asio::buffer(settings.client_ca_pem), ec);
    if (ec) return tls_error("the client certificate authority", ec);
    int mode = SSL_VERIFY_PEER;
    if (settings.require_client_certificate) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(context.native_handle(), mode, nullptr);
  }
  return std::make_shared<TlsContext>(std::move(impl));
}

Result<std::shared_ptr<TlsContext>> make_client_tls(const TlsClientSettings& settings) {
  auto impl = std::make_unique<TlsContext::Impl>(ssl::context::tls_client);
  ssl::context& context = impl->context;
  DISPOTIFY_TRY(restrict_versions(context, settings.tls13_only));
  boost::system::error_code ec;
  if (settings.system_authorities) {
    context.set_default_verify_paths(ec);
    if (ec) return tls_error("the system's certificate authorities", ec);
  }
  if (!settings.ca_pem.empty()) {
    context.add_certificate_authority(boost::asio::buffer(settings.ca_pem), ec);
    if (ec) return tls_error("the server certificate authority", ec);
  }
  if (!settings.ca_pem.empty() || settings.system_authorities) {
    context.set_verify_mode(ssl::verify_peer, ec);
    if (settings.accept_server) {
      // Called for each certificate of the chain; the leaf (depth 0) is the server's.
      context.set_verify_callback(
          [accept = settings.accept_server](bool preverified, ssl::verify_context& verify) {
            if (!preverified) return false;
            X509_STORE_CTX* store = verify.native_handle();
            if (X509_STORE_CTX_get_error_depth(store) != 0) return true;
            X509* cert = X509_STORE_CTX_get_current_cert(store);
            return cert != nullptr && accept(identity_of(cert));
          },
          ec);
      if (ec) return tls_error("the server certificate check", ec);
    }
  } else {
    context.set_verify_mode(ssl::verify_none, ec);
  }
  if (!settings.certificate_pem.empty()) {
    context.use_certificate_chain(boost::asio::buffer(settings.certificate_pem), ec);
    if (ec) return tls_error("the client certificate", ec);
    context.use_private_key(boost::asio::buffer(settings.private_key_pem), ssl::context::pem, ec);
    if (ec) return tls_error("the client private key", ec);
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
      return make_error(Errc::invalid_argument, "the client private key does not match its certificate");
    }
  }
  return std::make_shared<TlsContext>(std::move(impl));
}

namespace detail {

namespace {

TlsBuffers* buffers_of(BIO* bio) { return static_cast<TlsBuffers*>(BIO_get_data(bio)); }

int bio_write(BIO* bio, const char* data, size_t length, size_t* written) {
  TlsBuffers* b = buffers_of(bio);
  // `out` must not move while a socket write reads it.
  (b->sending ? b->out_later : b->out).append(data, length);
  *written = length;
  return 1;
}

int bio_read(BIO* bio, char* data, size_t length, size_t* read) {
  TlsBuffers* b = buffers_of(bio);
  BIO_clear_retry_flags(bio);
  const size_t n = std::min(length, b->unread());
  if (n == 0) {
    BIO_set_retry_read(bio);  // SSL_ERROR_WANT_READ: the caller reads the socket
    *read = 0;
    return 0;
  }
  std::memcpy(data, b->in.data() + b->in_begin, n);
  b->in_begin += n;
  *read = n;
  return 1;
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH: return 1;  // sent by the write that follows
    case BIO_CTRL_PENDING: return static_cast<long>(buffers_of(bio)->unread());
    case BIO_CTRL_WPENDING:
      return static_cast<long>(buffers_of(bio)->out.size() + buffers_of(bio)->out_later.size());
    default: return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* buffers_bio_method() {
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "dispotify TLS buffers");
    DISPOTIFY_CHECK(m != nullptr);
    DISPOTIFY_CHECK(BIO_meth_set_write_ex(m, bio_write) == 1 && BIO_meth_set_read_ex(m, bio_read) == 1 &&
                    BIO_meth_set_ctrl(m, bio_ctrl) == 1 && BIO_meth_set_create(m, bio_create) == 1);
    return m;
  }();
  return method;
}

}  // namespace

boost::asio::mutable_buffer TlsBuffers::receive_space() {
  if (in_begin == in_end) {
    in_begin = in_end = 0;
  } else if (in_begin > 0) {
    std::memmove(in.data(), in.data() + in_begin, unread());
    in_end -= in_begin;
    in_begin = 0;
  }
  if (in_end == in.size())
    in.resize(in.size() * 2);  // OpenSSL left a whole buffer: cannot be, but never 0 bytes
  return boost::asio::buffer(in.data() + in_end, in.size() - in_end);
}

void TlsBuffers::received(size_t n) {
  DISPOTIFY_CHECK(in_end + n <= in.size());
  const bool filled = in_end + n == in.size();
  in_end += n;
  if (filled && in.size() < kReceiveBytesMax) in.resize(std::min(in.size() * 2, kReceiveBytesMax));
}

SslPtr make_tls_session(SSL_CTX* context, TlsBuffers* buffers) {
  SslPtr ssl(SSL_new(context));
  DISPOTIFY_CHECK(ssl != nullptr);
  // Idle connections give OpenSSL's record buffers back, as Asio's engine did.
  SSL_set_mode(ssl.get(), SSL_MODE_RELEASE_BUFFERS);
  BIO* bio = BIO_new(buffers_bio_method());
  DISPOTIFY_CHECK(bio != nullptr);
  BIO_set_data(bio, buffers);
  SSL_set_bio(ssl.get(), bio, bio);  // one reference, owned by the session
  return ssl;
}

std::optional<boost::system::error_code> tls_call_error(SSL* ssl, int result) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ: return std::nullopt;
    case SSL_ERROR_ZERO_RETURN: return boost::asio::error::eof;  // the peer's close_notify
    case SSL_ERROR_SSL:
      if (const unsigned long reason = ERR_get_error(); reason != 0) {
        return boost::system::error_code(static_cast<int>(reason), boost::asio::error::get_ssl_category());
      }
      [[fallthrough]];
    default: return boost::asio::ssl::error::unspecified_system_error;
  }
}

std::optional<PeerCertificate> peer_certificate_of(SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  return identity_of(cert);
}

}  // namespace detail
}  // namespace dispotify::net
