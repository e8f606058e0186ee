#include "cluster/peer_credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "base/clock.h"
#include "base/fs.h"
#include "base/x509.h"

namespace dispotify::cluster {
namespace {

constexpr uint64_t kPemBytesMax = 64 * 1024;

constexpr const char* kPendingKey = "node.key";
constexpr const char* kNodeFile = "node.pem";

// node.pem is the certificate followed by the key.
std::string node_file(const PeerCredentials& c) { return c.certificate_pem + c.private_key_pem; }

Result<std::pair<std::string, std::string>> split_node_file(const std::string& text,
                                                            const std::string& path) {
  const size_t key = text.find("-----BEGIN PRIVATE KEY-----");
  if (key == std::string::npos || key == 0) {
    return make_error(Errc::corrupt, path + " does not hold a certificate and then its key");
  }
  return std::pair{text.substr(0, key), text.substr(key)};
}

Status make_private_dir(const std::string& dir) {
  DISPOTIFY_TRY(fs::make_dirs(dir));
  if (::chmod(dir.c_str(), 0700) != 0) return make_error(Errc::io_error, "cannot chmod " + dir);
  return ok_status();
}

}  // namespace

std::string credentials_dir(const std::string& data_dir) { return data_dir + "/cluster"; }

Result<std::optional<PeerCredentials>> load_peer_credentials(const std::string& data_dir) {
  const std::string dir = credentials_dir(data_dir);
  auto ca = fs::read_file(dir + "/ca.crt", kPemBytesMax);
  if (!ca.ok() && ca.error().code == Errc::not_found) return std::optional<PeerCredentials>();
  if (!ca.ok()) return std::move(ca).error();
  PeerCredentials out;
  out.ca_certificate_pem = std::move(*ca);
  for (const char* name : {"ca.key", kNodeFile}) {
    auto text = fs::read_file(dir + "/" + name, kPemBytesMax);
    if (!text.ok() && text.error().code == Errc::not_found) {
      return make_error(Errc::corrupt,
                        dir + "/" + name + " is missing while ca.crt is there; restore it from a backup");
    }
    if (!text.ok()) return std::move(text).error();
    if (std::string_view(name) == "ca.key") {
      out.ca_private_key_pem = std::move(*text);
    } else {
      DISPOTIFY_ASSIGN_OR_RETURN(auto parts, split_node_file(*text, dir + "/" + name));
      out.certificate_pem = std::move(parts.first);
      out.private_key_pem = std::move(parts.second);
    }
  }
  return std::optional<PeerCredentials>(std::move(out));
}

Status save_peer_credentials(const std::string& data_dir, const PeerCredentials& credentials) {
  const std::string dir = credentials_dir(data_dir);
  DISPOTIFY_TRY(make_private_dir(dir));
  // ca.crt last: its presence says the set is complete (load_peer_credentials).
  DISPOTIFY_TRY(fs::write_file_atomic(dir + "/" + kNodeFile, node_file(credentials), 0600));
  DISPOTIFY_TRY(fs::write_file_atomic(dir + "/ca.key", credentials.ca_private_key_pem, 0600));
  DISPOTIFY_TRY(fs::write_file_atomic(dir + "/ca.crt", credentials.ca_certificate_pem, 0644));
  // A joiner's pending key now lives in node.pem.
  ::unlink((dir + "/" + kPendingKey).c_str());
  return ok_status();
}

Result<std::string> load_or_make_node_key(const std::string& data_dir) {
  const std::string dir = credentials_dir(data_dir);
  auto existing = fs::read_file(dir + "/" + kPendingKey, kPemBytesMax);
  if (existing.ok()) return existing;
  if (existing.error().code != Errc::not_found) return std::move(existing).error();
  DISPOTIFY_ASSIGN_OR_RETURN(x509::KeyPair key, x509::generate_key());
  DISPOTIFY_TRY(make_private_dir(dir));
  DISPOTIFY_TRY(fs::write_file_atomic(dir + "/" + kPendingKey, key.private_key_pem, 0600));
  return key.private_key_pem;
}

Result<PeerCredentials> found_credentials(const std::string& node_id, const std::string& cluster_name,
                                          int64_t now_unix) {
  DISPOTIFY_ASSIGN_OR_RETURN(x509::KeyPair ca_key, x509::generate_key());
  DISPOTIFY_ASSIGN_OR_RETURN(
      x509::Issued ca,
      x509::self_signed_ca(ca_key, "Dispotify cluster " + cluster_name, now_unix, kCaCertificateDays));
  PeerCredentials out{ca.certificate_pem, ca_key.private_key_pem, "", ""};
  DISPOTIFY_ASSIGN_OR_RETURN(x509::KeyPair node_key, x509::generate_key());
  DISPOTIFY_ASSIGN_OR_RETURN(IssuedNodeCertificate mine,
                             certify_node(out, node_id, node_key.public_key_pem, now_unix));
  out.certificate_pem = mine.certificate_pem;
  out.private_key_pem = node_key.private_key_pem;
  return out;
}

Result<IssuedNodeCertificate> certify_node(const PeerCredentials& ca, const std::string& node_id,
                                           const std::string& public_key_pem, int64_t now_unix) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      x509::Issued issued, x509::issue(ca.ca_certificate_pem, ca.ca_private_key_pem, public_key_pem, node_id,
                                       now_unix, kNodeCertificateDays));
  return IssuedNodeCertificate{issued.certificate_pem, issued.serial_hex};
}

Result<std::shared_ptr<net::TlsContext>> peer_server_tls(const PeerCredentials& c) {
  // The certificate is asked for but not required at the handshake: a
  // joining node has none yet. The peer handler refuses every other route
  // to a client without one (peer_gate.h).
  return net::make_server_tls(
      net::TlsServerSettings{c.certificate_pem, c.private_key_pem, c.ca_certificate_pem, false, true});
}

Result<std::shared_ptr<net::TlsContext>> peer_client_tls(
    const PeerCredentials& c, std::function<bool(const net::PeerCertificate&)> accept_server) {
  net::TlsClientSettings settings;
  settings.ca_pem = c.ca_certificate_pem;
  settings.certificate_pem = c.certificate_pem;
  settings.private_key_pem = c.private_key_pem;
  settings.tls13_only = true;
  settings.accept_server = std::move(accept_server);
  return net::make_client_tls(settings);
}

Result<std::shared_ptr<net::TlsContext>> provisional_server_tls(const std::string& node_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(PeerCredentials throwaway,
                             found_credentials(node_id, "provisional", now_unix_ms() / 1000));
  return net::make_server_tls(
      net::TlsServerSettings{throwaway.certificate_pem, throwaway.private_key_pem, "", false, true});
}

Result<std::shared_ptr<net::TlsContext>> unverified_client_tls() {
  net::TlsClientSettings settings;
  settings.tls13_only = true;
  return net::make_client_tls(settings);
}

}  // namespace dispotify::cluster
