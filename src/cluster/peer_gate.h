// Who may use the peer port. With peer TLS every client either presents a
// certificate of the cluster's CA (checked in the handshake) or none; then
// per request:
//  - without a certificate, only the routes a node needs before it has one:
//    POST /peer/v1/join (authenticated by the join token, join_proof.h) and
//    GET /peer/v1/hello (is a cluster here?);
//  - with one, its name must be a node id, its serial not revoked (a
//    removed member's, or one its newer certificate replaced), and the
//    sender a request names (X-Dispotify-From) must be that node.
// Checked per request, not per connection, so a revocation also cuts off a
// connection that is already open.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::cluster {

inline constexpr std::string_view kHelloPath = "/peer/v1/hello";

// Pure: ok, or Errc::permission_denied with the reason.
[[nodiscard]] Status admit_peer_request(const net::Request& request,
                                        const std::set<std::string>& revoked_serials);

// The revoked serials, read from the catalog at most every refresh_ms (a
// revocation takes effect that long after this node applies it). Thread-safe.
// Every peer request (each Raft message) asks for the list, so current()
// hands out the shared immutable set instead of a copy.
class RevokedSerials {
 public:
  using Fetch = std::function<Result<std::vector<std::string>>()>;
  RevokedSerials(Fetch fetch, uint64_t refresh_ms) : fetch_(std::move(fetch)), refresh_ms_(refresh_ms) {}
  using Serials = std::shared_ptr<const std::set<std::string>>;
  Serials current();

 private:
  const Fetch fetch_;
  const uint64_t refresh_ms_;
  std::mutex mutex_;
  Serials serials_ = std::make_shared<const std::set<std::string>>();  // guarded by mutex_
  std::chrono::steady_clock::time_point fetched_at_{};                 // guarded by mutex_
  bool fetched_ = false;                                               // guarded by mutex_
};

}  // namespace dispotify::cluster
