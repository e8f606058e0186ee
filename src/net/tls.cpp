#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <boost/asio/buffer.hpp>

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

std::optional<PeerCertificate> peer_certificate_of(SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  return identity_of(cert);
}

}  // namespace detail
}  // namespace dispotify::net
