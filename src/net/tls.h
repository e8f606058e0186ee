// TLS for our HTTP server and clients: immutable contexts built from PEM
// text, and a slot that holds the current one so that a certificate can be
// replaced (SIGHUP, a renewed node certificate) without touching the
// connections that already use the old one. Asio and OpenSSL stay in
// net/*.cpp: this header is plain C++.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::net {

// One OpenSSL context with our settings. Shared by every connection made
// with it; kept alive by each of them.
class TlsContext {
 public:
  struct Impl;
  explicit TlsContext(std::unique_ptr<Impl> impl);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct TlsServerSettings {
  std::string certificate_chain_pem;  // leaf first
  std::string private_key_pem;
  // When set, clients may present a certificate, which must chain to these
  // authorities (a wrong one fails the handshake); its identity reaches the
  // handler as Request::peer_certificate. With require_client_certificate a
  // client without one fails the handshake too.
  std::string client_ca_pem;
  bool require_client_certificate = false;
  bool tls13_only = false;  // else TLS 1.2 and 1.3
};

struct TlsClientSettings {
  // The server must present a certificate chaining to these authorities;
  // empty = no verification (only for a caller that authenticates the
  // answer by other means, like a joining node's token proof).
  std::string ca_pem;
  // Also trust the system's authorities (/etc/ssl/certs): for a public
  // server's certificate, as a browser would.
  bool system_authorities = false;
  std::string certificate_pem;  // our client certificate, if any
  std::string private_key_pem;
  bool tls13_only = true;
  // When set, asked about the server's certificate once it chains to ca_pem:
  // false fails the handshake (a cluster accepts only the certificates its
  // member list records, cluster/peer_gate.h).
  std::function<bool(const PeerCertificate&)> accept_server;
};

[[nodiscard]] Result<std::shared_ptr<TlsContext>> make_server_tls(const TlsServerSettings& settings);
[[nodiscard]] Result<std::shared_ptr<TlsContext>> make_client_tls(const TlsClientSettings& settings);

// The context new connections use. Thread-safe.
class TlsSlot {
 public:
  explicit TlsSlot(std::shared_ptr<TlsContext> context) : context_(std::move(context)) {}
  std::shared_ptr<TlsContext> get() const {
    std::lock_guard lock(mutex_);
    return context_;
  }
  void set(std::shared_ptr<TlsContext> context) {
    std::lock_guard lock(mutex_);
    context_ = std::move(context);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<TlsContext> context_;  // guarded by mutex_
};

}  // namespace dispotify::net
