#include "cluster/peer_gate.h"

#include "base/log.h"
#include "cluster/node_id.h"
#include "cluster/peer_transport.h"

namespace dispotify::cluster {

Status admit_peer_request(const net::Request& request, const std::set<std::string>& revoked_serials) {
  const bool open_route = (request.method == "POST" && request.path == "/peer/v1/join") ||
                          (request.method == "GET" && request.path == kHelloPath);
  if (open_route) return ok_status();
  if (!request.peer_certificate) {
    return make_error(Errc::permission_denied, "the peer port needs a certificate of this cluster");
  }
  const net::PeerCertificate& cert = *request.peer_certificate;
  if (!raft_id_of(cert.common_name).ok()) {
    return make_error(Errc::permission_denied, "the certificate does not name a node");
  }
  if (revoked_serials.contains(cert.serial_hex)) {
    return make_error(Errc::permission_denied, "the certificate of node " + cert.common_name + " is revoked");
  }
  const auto from = request.header(kFromHeader);
  if (from && *from != cert.common_name) {
    return make_error(Errc::permission_denied,
                      "node " + cert.common_name + " may not speak for node " + std::string(*from));
  }
  return ok_status();
}

RevokedSerials::Serials RevokedSerials::current() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!fetched_ || now - fetched_at_ >= std::chrono::milliseconds(refresh_ms_)) {
    auto fresh = fetch_();
    if (fresh.ok()) {
      serials_ = std::make_shared<const std::set<std::string>>(fresh->begin(), fresh->end());
      fetched_at_ = now;
      fetched_ = true;
    } else {
      // Keep the last list: refusing every peer would stop the cluster.
      log::warn("cannot read the revoked certificates", {{"error", fresh.error().message}});
    }
  }
  return serials_;
}

}  // namespace dispotify::cluster
