// Blocking node-to-node calls that are not Raft traffic: forwarding a write
// to the leader, asking to join a cluster. The caller gives a list of peer
// addresses; PeerClient tries them in rotation, backing off with full jitter
// after each full round, until one answers or the deadline passes.
//
// Retries happen only when the request cannot have had an effect:
//  - the connection could not be made (Errc::unavailable);
//  - the peer answered 503 (it cannot serve now: no leader, not caught up);
//  - with RetryPolicy::idempotent also a timeout or a broken connection,
//    after which the request may or may not have been carried out.
// Any other status (including 4xx and other 5xx) is the answer and is
// returned at once, as is any other error.
//
// Thread-safety: call() may run on many threads at once; each call uses a
// connection of its own, taken from a small pool of idle keep-alive
// connections (guarded by mutex_) and given back when the call is done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "net/http_client.h"
#include "net/peer_address.h"

namespace dispotify::cluster {

using net::parse_peer_address;
using net::PeerAddress;

struct RetryPolicy {
  // The whole call: every attempt and every wait. An attempt's connect and
  // I/O timeouts are cut to the time left, so the call overruns the
  // deadline by at most one I/O step of a slow attempt.
  uint64_t deadline_ms = 5'000;
  uint64_t backoff_base_ms = 50;
  uint64_t backoff_cap_ms = 1'000;
  // True when repeating the request is harmless: also retry after timeouts
  // and broken connections.
  bool idempotent = false;
  // A retry starts only with at least this much of the deadline left. An
  // attempt cut to a millisecond or two can only time out, and for a request
  // that is not idempotent that timeout (an unknown outcome) would replace
  // the clear answer of the attempt before it, e.g. a 503 with Retry-After.
  uint64_t min_attempt_ms = 20;
};

inline constexpr size_t kPeerClientIdleConnectionsMax = 8;

class PeerClient {
 public:
  // `jitter_seed` seeds the backoff jitter of all calls (each call draws its
  // own generator from it), so tests can replay the exact delays.
  explicit PeerClient(uint64_t jitter_seed);
  ~PeerClient();
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  // Sends `request_template` (method, target, headers, body, timeouts; its
  // host and port are replaced) to addresses[0], addresses[1], ... in
  // rotation until an answer that is not retried or the deadline. Returns
  // that answer, or the last error or 503 response when the deadline
  // passed. Errc::invalid_argument for an empty list or a bad address.
  [[nodiscard]] Result<net::ClientResponse> call(const std::vector<std::string>& addresses,
                                                 net::ClientRequest request_template,
                                                 const RetryPolicy& policy);

 private:
  std::unique_ptr<net::HttpConnection> take_connection(const std::string& address);
  void give_back(const std::string& address, std::unique_ptr<net::HttpConnection> connection);
  uint64_t next_seed();

  std::mutex mutex_;  // guards idle_ and seeds_
  // Idle keep-alive connections by the address they last served, oldest first.
  std::vector<std::pair<std::string, std::unique_ptr<net::HttpConnection>>> idle_;
  std::mt19937_64 seeds_;
};

}  // namespace dispotify::cluster
