// A node's peer-port identity: the cluster's CA and this node's own
// certificate, kept in <data-dir>/cluster/ (directory 0700, keys 0600):
//   ca.crt ca.key  the cluster CA; every member holds the key, so that
//                  whichever node leads can certify a joining node
//   node.pem       this node's certificate (CN = its node id) and its key,
//                  in one file so that a renewal replaces both at once
//   node.key       a joining node's key while it waits for its certificate
// and the TLS contexts built from them: a server that asks every client
// for a certificate of this CA (the peer handler decides per route who may
// come in without one, see peer_gate.h) and a client that presents ours and
// accepts only servers of this CA, TLS 1.3 only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "net/tls.h"

namespace dispotify::cluster {

// Node certificates last a year; a node renews its own when less than a
// month is left (at start, or on demand).
inline constexpr int64_t kNodeCertificateDays = 365;
inline constexpr int64_t kNodeCertificateRenewDays = 30;
inline constexpr int64_t kCaCertificateDays = 3650 * 3;

struct PeerCredentials {
  std::string ca_certificate_pem;
  std::string ca_private_key_pem;
  std::string certificate_pem;
  std::string private_key_pem;
};

// Where the files are: <data-dir>/cluster.
std::string credentials_dir(const std::string& data_dir);

// nullopt when the node has none yet (it has not founded or joined a cluster).
[[nodiscard]] Result<std::optional<PeerCredentials>> load_peer_credentials(const std::string& data_dir);
// Each file written atomically (temp, fsync, rename); node.key and ca.key 0600.
[[nodiscard]] Status save_peer_credentials(const std::string& data_dir, const PeerCredentials& credentials);
// A joining node's key, made before it asks so that every attempt (and a
// restart in the middle) asks for the same key: <data-dir>/cluster/node.key.
[[nodiscard]] Result<std::string> load_or_make_node_key(const std::string& data_dir);

// A new cluster's CA and this founder's certificate.
[[nodiscard]] Result<PeerCredentials> found_credentials(const std::string& node_id,
                                                        const std::string& cluster_name, int64_t now_unix);

// A certificate for `public_key_pem` naming `node_id`, issued with the CA in `ca`.
struct IssuedNodeCertificate {
  std::string certificate_pem;
  std::string serial_hex;
};
[[nodiscard]] Result<IssuedNodeCertificate> certify_node(const PeerCredentials& ca,
                                                         const std::string& node_id,
                                                         const std::string& public_key_pem, int64_t now_unix);

// The contexts; Errc::invalid_argument when the files do not make a valid
// identity (a key that does not match its certificate).
[[nodiscard]] Result<std::shared_ptr<net::TlsContext>> peer_server_tls(const PeerCredentials& credentials);
// `accept_server`, when set, must also accept the server's certificate (the
// member list's records, peer_gate.h).
[[nodiscard]] Result<std::shared_ptr<net::TlsContext>> peer_client_tls(
    const PeerCredentials& credentials, std::function<bool(const net::PeerCertificate&)> accept_server = {});
// Before a node has credentials: a server with a throwaway self-signed
// certificate (nobody can verify it, so nothing reaches it over TLS but
// join questions, which need no certificate) and a client that asks
// without checking the server (the join answer is authenticated by the
// token, join_proof.h).
[[nodiscard]] Result<std::shared_ptr<net::TlsContext>> provisional_server_tls(const std::string& node_id);
[[nodiscard]] Result<std::shared_ptr<net::TlsContext>> unverified_client_tls();

}  // namespace dispotify::cluster
