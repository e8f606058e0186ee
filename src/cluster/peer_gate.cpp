#include "cluster/peer_gate.h"

#include "base/log.h"
#include "cluster/node_id.h"
#include "cluster/peer_transport.h"

namespace dispotify::cluster {

CertificateRecords records_from(const std::vector<catalog::Member>& members,
                                const std::vector<std::string>& revoked, const std::string& self_node_id) {
  CertificateRecords out;
  for (const catalog::Member& m : members) {
    out.members[m.node_id] = {m.certificate_serial, m.next_certificate_serial};
    out.enforced = out.enforced || m.node_id == self_node_id;
  }
  out.revoked.insert(revoked.begin(), revoked.end());
  return out;
}

Status admit_certificate(const net::PeerCertificate& cert, const CertificateRecords& records) {
  if (!raft_id_of(cert.common_name).ok()) {
    return make_error(Errc::permission_denied, "the certificate does not name a node");
  }
  if (records.revoked.contains(cert.serial_hex)) {
    return make_error(Errc::permission_denied, "the certificate of node " + cert.common_name + " is revoked");
  }
  if (!records.enforced) return ok_status();
  const auto member = records.members.find(cert.common_name);
  if (member == records.members.end()) {
    return make_error(Errc::permission_denied, "node " + cert.common_name + " is not a member");
  }
  const CertificateRecords::Recorded& recorded = member->second;
  if (!recorded.current.empty() && cert.serial_hex != recorded.current && cert.serial_hex != recorded.next) {
    return make_error(Errc::permission_denied,
                      "the certificate is not the one recorded for node " + cert.common_name);
  }
  return ok_status();
}

Status admit_peer_request(const net::Request& request, const CertificateRecords& records) {
  const bool open_route = (request.method == "POST" && request.path == "/peer/v1/join") ||
                          (request.method == "GET" && request.path == kHelloPath);
  if (open_route) return ok_status();
  if (!request.peer_certificate) {
    return make_error(Errc::permission_denied, "the peer port needs a certificate of this cluster");
  }
  const net::PeerCertificate& cert = *request.peer_certificate;
  DISPOTIFY_TRY(admit_certificate(cert, records));
  const auto from = request.header(kFromHeader);
  if (from && *from != cert.common_name) {
    return make_error(Errc::permission_denied,
                      "node " + cert.common_name + " may not speak for node " + std::string(*from));
  }
  return ok_status();
}

std::shared_ptr<const CertificateRecords> RecordedCertificates::refreshed(bool missed) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const uint64_t version = version_();  // before the read: a change during it is read again later
  const bool stale =
      version != fetched_version_ && (missed || now - fetched_at_ >= std::chrono::milliseconds(refresh_ms_));
  if (!fetched_ || stale) {
    auto fresh = fetch_();
    if (fresh.ok()) {
      records_ = std::make_shared<const CertificateRecords>(std::move(*fresh));
      fetched_at_ = now;
      fetched_version_ = version;
      fetched_ = true;
    } else {
      // Keep the last records: refusing every peer would stop the cluster.
      log::warn("cannot read the recorded peer certificates", {{"error", fresh.error().message}});
    }
  }
  return records_;
}

template <class Check>
Status RecordedCertificates::admit_with(Check check) {
  Status admitted = check(*refreshed(false));
  if (admitted.ok()) return admitted;
  // Perhaps recorded since the last read (a node that just joined or renewed).
  return check(*refreshed(true));
}

Status RecordedCertificates::admit(const net::PeerCertificate& cert) {
  return admit_with([&](const CertificateRecords& records) { return admit_certificate(cert, records); });
}

Status RecordedCertificates::admit(const net::Request& request) {
  return admit_with([&](const CertificateRecords& records) { return admit_peer_request(request, records); });
}

}  // namespace dispotify::cluster
