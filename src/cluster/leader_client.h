// Calls to the current leader's peer port, from any node: forwarded writes,
// joins and membership changes. The leader is the one the local Raft core
// last heard of; its address comes from the replicated member list.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "catalog/catalog.h"
#include "cluster/raft_runner.h"
#include "net/http_client.h"

namespace dispotify::cluster {

class LeaderClient {
 public:
  // `tls`: the peer port's client TLS (none = plain HTTP).
  LeaderClient(RaftRunner& runner, catalog::Catalog& catalog, std::shared_ptr<net::TlsSlot> tls)
      : runner_(runner), catalog_(catalog), tls_(std::move(tls)) {}

  // POSTs `body` to `path` on the leader. Errc::unavailable when no leader
  // is known, it has no known address, or it cannot be reached in time.
  // Any HTTP status is a successful result. Thread-safe (a connection per
  // calling thread, kept alive between calls).
  [[nodiscard]] Result<net::ClientResponse> post(std::string_view path, std::string body,
                                                 uint64_t timeout_ms);
  // The peer address of a member, from the catalog.
  [[nodiscard]] Result<std::string> peer_address_of(raft::NodeId node) const;

 private:
  RaftRunner& runner_;
  catalog::Catalog& catalog_;
  std::shared_ptr<net::TlsSlot> tls_;
};

// "host:port" into a request aimed at it, over the peer TLS in `tls` (none = plain).
[[nodiscard]] Result<net::ClientRequest> request_to(std::string_view address, std::string_view target,
                                                    const std::shared_ptr<net::TlsSlot>& tls);

}  // namespace dispotify::cluster
