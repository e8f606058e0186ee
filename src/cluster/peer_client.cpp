#include "cluster/peer_client.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "cluster/backoff.h"

namespace dispotify::cluster {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t ms_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<uint64_t>(left) : 0;
}

bool should_retry(const Result<net::ClientResponse>& result, const RetryPolicy& policy) {
  if (result.ok()) return result->status == 503;
  switch (result.error().code) {
    case Errc::unavailable: return true;  // never connected: the request was not sent
    case Errc::timeout:
    case Errc::io_error: return policy.idempotent;
    default: return false;
  }
}

Result<std::vector<PeerAddress>> parse_all(const std::vector<std::string>& addresses) {
  if (addresses.empty()) return make_error(Errc::invalid_argument, "no peer address to call");
  std::vector<PeerAddress> parsed;
  parsed.reserve(addresses.size());
  for (const std::string& address : addresses) {
    DISPOTIFY_ASSIGN_OR_RETURN(PeerAddress peer, parse_peer_address(address));
    parsed.push_back(std::move(peer));
  }
  return parsed;
}

// The last failure, saying how hard we tried.
Result<net::ClientResponse> give_up(Result<net::ClientResponse> last, size_t attempts) {
  if (last.ok()) return last;
  Error error = std::move(last).error();
  error.message += " (gave up after " + std::to_string(attempts) + " attempts)";
  return error;
}

}  // namespace

PeerClient::PeerClient(uint64_t jitter_seed) : seeds_(jitter_seed) {}
PeerClient::~PeerClient() = default;

Result<net::ClientResponse> PeerClient::call(const std::vector<std::string>& addresses,
                                             net::ClientRequest request_template, const RetryPolicy& policy) {
  DISPOTIFY_ASSIGN_OR_RETURN(const std::vector<PeerAddress> peers, parse_all(addresses));
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(policy.deadline_ms);
  Backoff backoff(policy.backoff_base_ms, policy.backoff_cap_ms);
  std::mt19937_64 jitter(next_seed());
  const uint64_t connect_timeout_ms = request_template.connect_timeout_ms;
  const uint64_t io_timeout_ms = request_template.io_timeout_ms;
  Result<net::ClientResponse> last = make_error(Errc::timeout, "deadline passed before the first attempt");
  size_t attempt = 0;
  // At least one attempt, even with a deadline of 0.
  do {
    const size_t slot = attempt % peers.size();
    const uint64_t left_ms = std::max<uint64_t>(ms_until(deadline), 1);
    request_template.host = peers[slot].host;
    request_template.port = peers[slot].port;
    request_template.connect_timeout_ms = std::min(connect_timeout_ms, left_ms);
    request_template.io_timeout_ms = std::min(io_timeout_ms, left_ms);
    std::unique_ptr<net::HttpConnection> connection = take_connection(addresses[slot]);
    last = connection->request(request_template);
    ++attempt;
    if (last.ok()) give_back(addresses[slot], std::move(connection));
    if (!should_retry(last, policy)) return last;
    // A full round failed: every peer is down or busy, so wait before the
    // next round. Within a round the next peer is tried at once.
    if (attempt % peers.size() == 0) {
      const uint64_t delay_ms = std::min(backoff.next_delay_ms(jitter()), ms_until(deadline));
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
  } while (ms_until(deadline) >= std::max<uint64_t>(policy.min_attempt_ms, 1));
  return give_up(std::move(last), attempt);
}

std::unique_ptr<net::HttpConnection> PeerClient::take_connection(const std::string& address) {
  std::lock_guard lock(mutex_);
  // The newest idle connection to this address is the likeliest still open.
  for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
    if (it->first != address) continue;
    std::unique_ptr<net::HttpConnection> connection = std::move(it->second);
    idle_.erase(std::next(it).base());
    return connection;
  }
  return std::make_unique<net::HttpConnection>();
}

void PeerClient::give_back(const std::string& address, std::unique_ptr<net::HttpConnection> connection) {
  std::unique_ptr<net::HttpConnection> evicted;  // closed outside the lock
  std::lock_guard lock(mutex_);
  if (idle_.size() >= kPeerClientIdleConnectionsMax) {
    evicted = std::move(idle_.front().second);
    idle_.erase(idle_.begin());
  }
  idle_.emplace_back(address, std::move(connection));
}

uint64_t PeerClient::next_seed() {
  std::lock_guard lock(mutex_);
  return seeds_();
}

}  // namespace dispotify::cluster
