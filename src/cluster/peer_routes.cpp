#include "cluster/peer_routes.h"

#include <boost/json.hpp>

#include <atomic>

#include "base/check.h"
#include "base/json_escape.h"
#include "base/log.h"
#include "cluster/catalog_entry.h"
#include "cluster/join_messages.h"
#include "cluster/node_id.h"
#include "cluster/peer_client.h"
#include "cluster/peer_transport.h"
#include "cluster/propose_answer.h"
#include "cluster/propose_batch.h"

namespace dispotify::cluster {
namespace {

constexpr size_t kProposeBodyBytesMax = 8 << 20;  // a catalog command is at most 4 MiB
constexpr size_t kSmallBodyBytesMax = 4096;
constexpr size_t kJoinBodyBytesMax = 64 * 1024;  // PEM keys and certificates

net::Response text(int status, std::string body, const char* route) {
  net::Response r;
  r.status = status;
  r.set_header("Content-Type", status == 200 && body.starts_with("{") ? "application/json" : "text/plain");
  r.body = std::move(body);
  r.route = route;
  return r;
}

net::Response error(const Error& e, const char* route) {
  std::string body = "{\"error\":{\"code\":";
  append_json_string(body, errc_name(e.code));
  body += ",\"message\":";
  append_json_string(body, e.message);
  body += "}}";
  int status = 500;
  switch (e.code) {
    case Errc::invalid_argument: status = 400; break;
    case Errc::permission_denied: status = 403; break;
    case Errc::not_found: status = 404; break;
    case Errc::conflict: status = 409; break;
    case Errc::too_large: status = 413; break;
    case Errc::unavailable:
    case Errc::timeout: status = 503; break;
    default: break;
  }
  net::Response r = text(status, std::move(body), route);
  r.set_header("Content-Type", "application/json");
  if (status == 503) r.set_header("Retry-After", "1");
  return r;
}

Result<std::string> read_body(net::Request& request, size_t bytes_max) {
  std::string body;
  char buffer[16384];
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, request.body->read(buffer));
    if (n == 0) return body;
    if (body.size() + n > bytes_max) return make_error(Errc::too_large, "request body is too large");
    body.append(buffer, n);
  }
}

// Forwarded writes in flight on this node (a single write, parked on a
// peer worker, or a batch, waiting for its commit on no thread): beyond
// kForwardedWritesInFlightMax they get 503, so that a slow commit does not
// gather requests without bound, and Raft traffic finds a free worker.
class ForwardedSlot {
 public:
  ForwardedSlot() { ++in_flight_; }
  ~ForwardedSlot() { --in_flight_; }
  ForwardedSlot(const ForwardedSlot&) = delete;
  ForwardedSlot& operator=(const ForwardedSlot&) = delete;
  bool over_limit() const { return in_flight_.load() > kForwardedWritesInFlightMax; }

 private:
  static inline std::atomic<int> in_flight_{0};
};

net::Response propose(ClusterService& service, net::Request& request) {
  constexpr const char* kRoute = "POST /peer/v1/propose";
  auto body = read_body(request, kProposeBodyBytesMax);
  if (!body.ok()) return error(body.error(), kRoute);
  if (auto decoded = decode_catalog_entry(*body); !decoded.ok()) return error(decoded.error(), kRoute);
  if (!service.runner().is_leader()) return error(make_error(Errc::unavailable, "not the leader"), kRoute);
  const ForwardedSlot slot;
  if (slot.over_limit()) {
    return error(make_error(Errc::unavailable, "too many forwarded writes in flight"), kRoute);
  }
  auto committed = service.runner().propose(std::move(*body), kWriteTimeoutMs);
  if (!committed.ok()) return error(committed.error(), kRoute);
  return text(200, encode_propose_answer(*committed), kRoute);
}

// Many forwarded writes in one request (propose_batch.h): every entry is
// checked, the valid ones are proposed together, each gets its own answer.
net::Response propose_batch(ClusterService& service, net::Request& request) {
  constexpr const char* kRoute = "POST /peer/v1/propose-batch";
  auto body = read_body(request, kProposeBatchBytesMax + 4 * (kProposeBatchEntriesMax + 1));
  if (!body.ok()) return error(body.error(), kRoute);
  auto entries = decode_propose_batch(*body);
  if (!entries.ok()) return error(entries.error(), kRoute);
  if (!service.runner().is_leader()) return error(make_error(Errc::unavailable, "not the leader"), kRoute);
  // Proposed together (one Ready, one fsync) and answered when the last is
  // applied, holding no thread meanwhile (net/deferred_response.h).
  struct Answering {
    explicit Answering(size_t n) : answers(n, make_error(Errc::internal, "unanswered")) {}
    std::vector<Result<Committed>> answers;
    std::atomic<size_t> unanswered{0};
    ForwardedSlot slot;  // counted until the answer leaves
  };
  auto state = std::make_shared<Answering>(entries->size());
  if (state->slot.over_limit()) {
    return error(make_error(Errc::unavailable, "too many forwarded writes in flight"), kRoute);
  }
  std::vector<std::string> valid;
  std::vector<size_t> positions;
  for (size_t i = 0; i < entries->size(); ++i) {
    if (auto decoded = decode_catalog_entry((*entries)[i]); !decoded.ok()) {
      state->answers[i] = decoded.error();
      continue;
    }
    valid.push_back(std::move((*entries)[i]));
    positions.push_back(i);
  }
  if (positions.empty()) return text(200, encode_batch_answers(state->answers), kRoute);
  state->unanswered = positions.size();
  net::Response response;
  response.route = kRoute;
  response.deferred = std::make_shared<net::DeferredResponse>(
      [state] { return text(200, encode_batch_answers(state->answers), kRoute); });
  std::vector<RaftRunner::ProposalDone> dones;
  dones.reserve(positions.size());
  for (size_t position : positions) {
    dones.push_back([state, position, deferred = response.deferred](Result<Committed> answer) {
      state->answers[position] = std::move(answer);
      if (state->unanswered.fetch_sub(1) == 1) deferred->complete();
    });
  }
  service.runner().propose_batch_async(std::move(valid), kWriteTimeoutMs, std::move(dones));
  return response;
}

// A JSON exchange of the join family: the body decoded, the service's
// answer encoded (join_messages.h).
template <class Decode, class Serve>
net::Response json_exchange(net::Request& request, const char* route, Decode decode, Serve serve) {
  auto body = read_body(request, kJoinBodyBytesMax);
  if (!body.ok()) return error(body.error(), route);
  auto asked = decode(*body);
  if (!asked.ok()) return error(asked.error(), route);
  auto answer = serve(*asked);
  if (!answer.ok()) return error(answer.error(), route);
  return text(200, encode(*answer), route);
}

// Tells a node starting up whether a cluster lives here, and nothing else
// (no certificate needed, see peer_gate.h).
net::Response hello(ClusterService& service) {
  auto info = service.initialized();
  return text(200, std::string("{\"cluster\":") + (info ? "true" : "false") + "}", "GET /peer/v1/hello");
}

template <class Action>
net::Response node_action(net::Request& request, const char* route, Action action) {
  auto body = read_body(request, kSmallBodyBytesMax);
  if (!body.ok()) return error(body.error(), route);
  Status done = action(*body);
  if (!done.ok()) return error(done.error(), route);
  return text(204, "", route);
}

void learn_sender_address(const net::Request& request, AddressBook& addresses) {
  auto from = request.header(kFromHeader);
  auto address = request.header(kPeerAddressHeader);
  if (!from || !address || address->size() > 261 || !parse_peer_address(*address).ok()) return;
  auto id = raft_id_of(*from);
  if (id.ok()) addresses.learn(*id, std::string(*address));
}

}  // namespace

net::Handler make_peer_handler(ClusterService& service, AddressBook& addresses,
                               RecordedCertificates* certificates, MorePeerRoutes more) {
  return [&service, &addresses, certificates,
          more = std::move(more)](net::Request& request) -> net::Response {
    if (certificates != nullptr) {
      Status admitted = certificates->admit(request);
      if (!admitted.ok()) {
        log::warn(
            "peer request refused",
            {{"remote", request.remote_address}, {"path", request.path}, {"why", admitted.error().message}});
        return error(admitted.error(), "(peer refused)");
      }
    }
    const bool post = request.method == "POST";
    if (request.path == "/peer/v1/raft") {
      learn_sender_address(request, addresses);
      return handle_raft_post(
          request, RaftReceiveOptions{service.runner().self(), ""},
          [&service](std::vector<raft::Message> m) { service.runner().deliver(std::move(m)); });
    }
    if (post && request.path == "/peer/v1/propose") return propose(service, request);
    if (post && request.path == kProposeBatchPath) return propose_batch(service, request);
    if (post && request.path == "/peer/v1/join") {
      return json_exchange(request, "POST /peer/v1/join", decode_proven_ask,
                           [&](const ProvenAsk& ask) { return service.join(ask); });
    }
    if (post && request.path == "/peer/v1/admit") {
      return json_exchange(request, "POST /peer/v1/admit", decode_admit_request,
                           [&](const AdmitRequest& asked) { return service.admit(asked); });
    }
    if (request.method == "GET" && request.path == kHelloPath) return hello(service);
    if (post && request.path == "/peer/v1/remove") {
      return node_action(request, "POST /peer/v1/remove",
                         [&](const std::string& id) { return service.remove(id); });
    }
    if (post && request.path == "/peer/v1/transfer") {
      return node_action(request, "POST /peer/v1/transfer",
                         [&](const std::string& id) { return service.transfer_leader(id); });
    }
    if (request.method == "GET" && request.path == "/peer/v1/status") {
      return text(200, service.local_status_json(), "GET /peer/v1/status");
    }
    if (more) {
      if (std::optional<net::Response> answer = more(request)) return std::move(*answer);
    }
    return error(make_error(Errc::not_found, "no such peer route: " + request.method + " " + request.path),
                 "(peer not found)");
  };
}

}  // namespace dispotify::cluster
