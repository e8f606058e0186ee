// Who may use the peer port. With peer TLS every client either presents a
// certificate of the cluster's CA (checked in the handshake) or none; then
// per request:
//  - without a certificate, only the routes a node needs before it has one:
//    POST /peer/v1/join (authenticated by the join token, join_proof.h) and
//    GET /peer/v1/hello (is a cluster here?);
//  - with one, its name must be a node id, its serial not revoked, and the
//    sender a request names (X-Dispotify-From) must be that node;
//  - and the certificate must be one the member list records for that node
//    (its current one, or the next one while it renews). Every member holds
//    the CA key, so the CA's signature alone proves only that a member, or
//    someone who read a member's data dir, made it: a certificate minted
//    with a leaked CA key, for a new id or for a member's, is refused.
// Checked per request, not per connection, so a revocation also cuts off a
// connection that is already open. Our clients check servers the same way
// (admit_certificate, through net::TlsClientSettings::accept_server).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::cluster {

inline constexpr std::string_view kHelloPath = "/peer/v1/hello";

// What the catalog records about peer certificates.
struct CertificateRecords {
  struct Recorded {
    std::string current;  // '' for a member recorded before schema v9: any serial of its name
    std::string next;
  };
  // False until this node finds itself in its own member list: a joining
  // node that has not caught up knows no certificates yet, and accepts any
  // of the CA (as it accepted its join answer's).
  bool enforced = false;
  std::map<std::string, Recorded> members;  // by node id
  std::set<std::string> revoked;
};

CertificateRecords records_from(const std::vector<catalog::Member>& members,
                                const std::vector<std::string>& revoked, const std::string& self_node_id);

// Pure: ok, or Errc::permission_denied with the reason.
[[nodiscard]] Status admit_certificate(const net::PeerCertificate& cert, const CertificateRecords& records);
[[nodiscard]] Status admit_peer_request(const net::Request& request, const CertificateRecords& records);

// The records, read again from the catalog when it has applied something
// since (`version`, its applied index): at most every refresh_ms for a
// certificate they accept (a revocation takes effect that long after this
// node applies it), at once for one they refuse (a node that just joined or
// renewed is known as soon as this node has applied it). A stream of
// refused certificates costs a read per applied entry, no more.
// Thread-safe; every peer request and handshake asks.
class RecordedCertificates {
 public:
  using Fetch = std::function<Result<CertificateRecords>()>;
  using Version = std::function<uint64_t()>;
  RecordedCertificates(Fetch fetch, Version version, uint64_t refresh_ms)
      : fetch_(std::move(fetch)), version_(std::move(version)), refresh_ms_(refresh_ms) {}

  [[nodiscard]] Status admit(const net::PeerCertificate& cert);
  [[nodiscard]] Status admit(const net::Request& request);
  std::shared_ptr<const CertificateRecords> current() { return refreshed(false); }

 private:
  std::shared_ptr<const CertificateRecords> refreshed(bool missed);
  template <class Check>
  Status admit_with(Check check);

  const Fetch fetch_;
  const Version version_;
  const uint64_t refresh_ms_;
  std::mutex mutex_;
  std::shared_ptr<const CertificateRecords> records_ =
      std::make_shared<const CertificateRecords>();     // guarded by mutex_
  std::chrono::steady_clock::time_point fetched_at_{};  // guarded by mutex_
  uint64_t fetched_version_ = 0;                        // guarded by mutex_
  bool fetched_ = false;                                // guarded by mutex_
};

}  // namespace dispotify::cluster
