#include "cluster/peer_transport.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <span>
#include <thread>
#include <utility>

#include "base/check.h"
#include "base/clock.h"
#include "base/json_escape.h"
#include "base/log.h"
#include "base/thread_name.h"
#include "cluster/backoff.h"
#include "cluster/node_id.h"
#include "cluster/peer_client.h"
#include "cluster/raft_codec.h"
#include "net/http_client.h"
#include "raft/rng.h"

namespace dispotify::cluster {
namespace {

using raft::Message;
using raft::NodeId;

// A peer answers 204 with no body, or a short JSON error; more is not ours.
constexpr uint64_t kResponseBodyBytesMax = 64 * 1024;
// Bytes of an error body quoted in a log line.
constexpr size_t kQuotedBodyBytesMax = 200;
// The largest message a batch can carry: anything larger would be refused
// by every receiver (413), forever.
constexpr size_t kMessageBytesMax = kRaftBatchBytesMax - kRaftBatchHeaderBytes;
// Receiving: bytes read from the socket per call, and at most this much is
// reserved up front from a Content-Length the sender could be lying about.
constexpr size_t kBodyReadChunkBytes = 64 * 1024;
constexpr size_t kBodyReserveBytesMax = 4 << 20;

struct Queued {
  Message message;
  size_t bytes = 0;  // encoded_message_bytes(message)
};

// What the sender threads share with the transport; outlives them.
struct SenderContext {
  NodeId self;
  const PeerTransportOptions& options;
  const PeerAddressFn& address_of;
};

uint64_t jitter_seed(uint64_t random_seed, NodeId self, NodeId peer) {
  raft::SplitMix64 mix(random_seed ^ raft::SplitMix64(self.value()).next() ^
                       raft::SplitMix64(~peer.value()).next());
  return mix.next();
}

// One POST of one batch. Any answer but 204 is a failure: the batch is not
// known to have been delivered.
Status post_batch(net::HttpConnection& connection, const SenderContext& context, NodeId peer,
                  std::span<const Message> batch) {
  const std::optional<std::string> address = context.address_of(peer);
  if (!address) return make_error(Errc::unavailable, "the address of the peer is unknown");
  DISPOTIFY_ASSIGN_OR_RETURN(const PeerAddress where, parse_peer_address(*address));
  net::ClientRequest request;
  request.method = "POST";
  request.host = where.host;
  request.port = where.port;
  request.target = std::string(kRaftPostTarget);
  request.headers.push_back({"Content-Type", "application/octet-stream"});
  request.headers.push_back({std::string(kFromHeader), node_id_hex(context.self)});
  if (!context.options.self_address.empty()) {
    request.headers.push_back({std::string(kPeerAddressHeader), context.options.self_address});
  }
  if (!context.options.cluster_id.empty()) {
    request.headers.push_back({std::string(kClusterHeader), context.options.cluster_id});
  }
  request.body = encode_batch(batch);
  request.connect_timeout_ms = context.options.connect_timeout_ms;
  request.io_timeout_ms = context.options.io_timeout_ms;
  if (context.options.tls) {
    request.tls = context.options.tls->get();
    request.tls_peer_name = node_id_hex(peer);
  }
  request.response_body_bytes_max = kResponseBodyBytesMax;
  DISPOTIFY_ASSIGN_OR_RETURN(const net::ClientResponse response, connection.request(request));
  if (response.status == 204) return ok_status();
  return make_error(Errc::unavailable, *address + " answered " + std::to_string(response.status) + ": " +
                                           response.body.substr(0, kQuotedBodyBytesMax));
}

}  // namespace

// One destination: its queue, its statistics and its sender thread.
struct PeerTransport::Peer {
  explicit Peer(NodeId id) : peer_id(id) { status.id = id; }

  NodeId id() const { return peer_id; }
  void enqueue(std::vector<Queued>& items, size_t queue_messages_max);
  // Waits for messages; the next batch in queue order, or none when stopping.
  std::vector<Message> take_batch(size_t batch_bytes_max);
  // Records how the POST of `count` messages went and, after a failure,
  // waits out the backoff. False when the thread should stop.
  bool finish_attempt(const Status& posted, size_t count, Backoff& backoff, raft::SplitMix64& jitter);
  void stop();
  bool exited() const;
  void mark_exited();
  PeerStatus snapshot() const;

  const NodeId peer_id;
  mutable std::mutex mutex;      // guards everything below except `thread`
  std::condition_variable wake;  // messages queued, or stopping
  std::deque<Queued> queue;
  bool stopping = false;
  bool has_exited = false;
  PeerStatus status;
  // Started by peer_locked(); joined by whoever removed the Peer from
  // peers_ or retired_, before destroying it.
  std::thread thread;
};

void PeerTransport::Peer::enqueue(std::vector<Queued>& items, size_t queue_messages_max) {
  size_t too_large = 0;
  {
    std::lock_guard lock(mutex);
    for (Queued& item : items) {
      if (item.bytes > kMessageBytesMax) {
        ++too_large;
        ++status.messages_dropped;
        continue;
      }
      // Drop the oldest: for Raft the newest message (latest term, commit
      // index, heartbeat) is worth more than a stale one.
      while (queue.size() >= queue_messages_max && !queue.empty()) {
        queue.pop_front();
        ++status.messages_dropped;
      }
      queue.push_back(std::move(item));
    }
  }
  wake.notify_one();
  if (too_large > 0) {
    log::error("dropped Raft messages too large for any batch",
               {{"peer", node_id_hex(id())}, {"count", too_large}, {"bytes_max", kMessageBytesMax}});
  }
}

std::vector<Message> PeerTransport::Peer::take_batch(size_t batch_bytes_max) {
  std::unique_lock lock(mutex);
  wake.wait(lock, [&] { return stopping || !queue.empty(); });
  std::vector<Message> batch;
  size_t bytes = kRaftBatchHeaderBytes;
  while (!stopping && !queue.empty() && batch.size() < kRaftBatchMessagesMax) {
    Queued& next = queue.front();
    if (!batch.empty() && bytes + next.bytes > batch_bytes_max) break;
    bytes += next.bytes;
    batch.push_back(std::move(next.message));
    queue.pop_front();
  }
  return batch;
}

bool PeerTransport::Peer::finish_attempt(const Status& posted, size_t count, Backoff& backoff,
                                         raft::SplitMix64& jitter) {
  std::unique_lock lock(mutex);
  const bool was_failing = status.consecutive_failures > 0;
  if (posted.ok()) {
    backoff.reset();
    status.reachable = true;
    status.last_success_unix_ms = static_cast<uint64_t>(now_unix_ms());
    status.consecutive_failures = 0;
    status.messages_sent += count;
    status.backoff_ms = 0;
    lock.unlock();
    if (was_failing) log::info("peer reachable again", {{"peer", node_id_hex(id())}});
    return true;
  }
  status.reachable = false;
  ++status.consecutive_failures;
  status.messages_dropped += count;
  status.last_error = posted.error().message;
  status.backoff_ms = backoff.next_delay_ms(jitter.next());
  const uint64_t backoff_ms = status.backoff_ms;
  lock.unlock();
  // Once per outage, not once per retry.
  if (!was_failing) {
    log::warn("cannot send Raft messages to peer; dropping them and retrying with backoff",
              {{"peer", node_id_hex(id())}, {"error", posted.error().message}});
  }
  lock.lock();
  wake.wait_for(lock, std::chrono::milliseconds(backoff_ms), [&] { return stopping; });
  return !stopping;
}

void PeerTransport::Peer::stop() {
  {
    std::lock_guard lock(mutex);
    stopping = true;
    queue.clear();
  }
  wake.notify_all();
}

bool PeerTransport::Peer::exited() const {
  std::lock_guard lock(mutex);
  return has_exited;
}

void PeerTransport::Peer::mark_exited() {
  std::lock_guard lock(mutex);
  has_exited = true;
}

PeerTransport::PeerStatus PeerTransport::Peer::snapshot() const {
  std::lock_guard lock(mutex);
  PeerStatus out = status;
  out.queued_messages = queue.size();
  return out;
}

PeerTransport::PeerTransport(NodeId self, PeerTransportOptions options, PeerAddressFn address_of)
    : self_(self), options_(std::move(options)), address_of_(std::move(address_of)) {
  DISPOTIFY_CHECK_MSG(!self_.is_zero(), "node id 0 is reserved for 'no node'");
  DISPOTIFY_CHECK(options_.queue_messages_max > 0);
  DISPOTIFY_CHECK(options_.batch_bytes_max > kRaftBatchHeaderBytes);
  DISPOTIFY_CHECK(options_.backoff_base_ms <= options_.backoff_cap_ms);
  DISPOTIFY_CHECK(address_of_ != nullptr);
}

PeerTransport::~PeerTransport() {
  std::vector<std::unique_ptr<Peer>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, peer] : peers_) all.push_back(std::move(peer));
    for (auto& peer : retired_) all.push_back(std::move(peer));
    peers_.clear();
    retired_.clear();
  }
  // Stop all first, then join: the threads wind down in parallel.
  for (auto& peer : all) peer->stop();
  for (auto& peer : all) peer->thread.join();
}

void PeerTransport::send(std::vector<Message> messages) {
  // Sizes are computed before any lock is taken; then messages are grouped
  // by destination so each queue is locked once per call.
  std::map<NodeId, std::vector<Queued>> by_peer;
  for (Message& m : messages) {
    DISPOTIFY_CHECK_MSG(m.from == self_, "sending a message from " + raft::to_string(m.from) + " as " +
                                             raft::to_string(self_));
    DISPOTIFY_CHECK_MSG(m.to != self_ && !m.to.is_zero(), "sending a message to " + raft::to_string(m.to));
    const NodeId to = m.to;
    const size_t bytes = encoded_message_bytes(m);
    by_peer[to].push_back(Queued{std::move(m), bytes});
  }
  std::lock_guard lock(mutex_);
  reap_retired_locked();
  for (auto& [id, items] : by_peer) peer_locked(id).enqueue(items, options_.queue_messages_max);
}

std::vector<PeerTransport::PeerStatus> PeerTransport::status() const {
  std::lock_guard lock(mutex_);
  std::vector<PeerStatus> out;
  out.reserve(peers_.size());
  for (const auto& [id, peer] : peers_) out.push_back(peer->snapshot());
  return out;
}

void PeerTransport::forget(NodeId id) {
  std::lock_guard lock(mutex_);
  reap_retired_locked();
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  it->second->stop();
  retired_.push_back(std::move(it->second));
  peers_.erase(it);
}

PeerTransport::Peer& PeerTransport::peer_locked(NodeId id) {
  std::unique_ptr<Peer>& slot = peers_[id];
  if (!slot) {
    slot = std::make_unique<Peer>(id);
    Peer* peer = slot.get();
    peer->thread = std::thread([this, peer] {
      name_this_thread("peer-send");
      run_sender(*peer);
    });
  }
  return *slot;
}

void PeerTransport::reap_retired_locked() {
  std::erase_if(retired_, [](std::unique_ptr<Peer>& peer) {
    if (!peer->exited()) return false;
    peer->thread.join();  // returns at once: the thread is past its last statement
    return true;
  });
}

// The sender thread of one peer: batches its queue in order, one POST at a
// time over one keep-alive connection; after a failure the batch is dropped
// and the thread waits out a jittered backoff while new messages queue up.
void PeerTransport::run_sender(Peer& peer) {
  const SenderContext context{self_, options_, address_of_};
  Backoff backoff(options_.backoff_base_ms, options_.backoff_cap_ms);
  raft::SplitMix64 jitter(jitter_seed(options_.random_seed, self_, peer.id()));
  {
    net::HttpConnection connection;
    while (true) {
      const std::vector<Message> batch = peer.take_batch(options_.batch_bytes_max);
      if (batch.empty()) break;  // stopping
      const Status posted = post_batch(connection, context, peer.id(), batch);
      if (!peer.finish_attempt(posted, batch.size(), backoff, jitter)) break;
    }
  }  // the connection is closed before the thread says it is done
  peer.mark_exited();
}

// ---- receiving ---------------------------------------------------------------

namespace {

net::Response error_response(int status, Errc code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  append_json_string(body, errc_name(code));
  body += ",\"message\":";
  append_json_string(body, message);
  body += "}}";
  net::Response response;
  response.status = status;
  response.set_header("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

net::Response error_response(const Error& error) {
  switch (error.code) {
    case Errc::too_large: return error_response(413, error.code, error.message);
    case Errc::timeout: return error_response(408, error.code, error.message);
    default: return error_response(400, Errc::invalid_argument, error.message);
  }
}

Result<std::string> read_body(net::BodyReader& reader) {
  const std::optional<uint64_t> length = reader.content_length();
  const std::string too_large = "a Raft batch is at most " + std::to_string(kRaftBatchBytesMax) + " bytes";
  if (length && *length > kRaftBatchBytesMax) return make_error(Errc::too_large, too_large);
  std::string body;
  body.reserve(std::min<uint64_t>(length.value_or(0), kBodyReserveBytesMax));
  std::vector<char> chunk(kBodyReadChunkBytes);
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, reader.read(chunk));
    if (n == 0) return body;
    if (body.size() + n > kRaftBatchBytesMax) return make_error(Errc::too_large, too_large);
    body.append(chunk.data(), n);
  }
}

Result<NodeId> sender_of(const net::Request& request) {
  const std::optional<std::string_view> from = request.header(kFromHeader);
  if (!from) return make_error(Errc::invalid_argument, "missing " + std::string(kFromHeader) + " header");
  auto id = raft_id_of(*from);
  if (!id.ok()) {
    return make_error(Errc::invalid_argument, std::string(kFromHeader) + ": " + id.error().message);
  }
  return id;
}

net::Response receive_raft_post(net::Request& request, const RaftReceiveOptions& options,
                                const DeliverFn& deliver) {
  if (request.method != "POST") {
    net::Response response = error_response(405, Errc::invalid_argument, "use POST");
    response.set_header("Allow", "POST");
    return response;
  }
  if (!options.expected_cluster_id.empty() && request.header(kClusterHeader) != options.expected_cluster_id) {
    return error_response(403, Errc::permission_denied,
                          "this node belongs to cluster '" + options.expected_cluster_id + "'");
  }
  auto from = sender_of(request);
  if (!from.ok()) return error_response(from.error());
  auto body = read_body(*request.body);
  if (!body.ok()) return error_response(body.error());
  auto messages = decode_batch(*body);
  if (!messages.ok()) return error_response(messages.error());
  for (size_t i = 0; i < messages->size(); ++i) {
    const Message& m = (*messages)[i];
    if (m.from != *from) {
      return error_response(400, Errc::invalid_argument,
                            "message " + std::to_string(i) + " is from " + node_id_hex(m.from) +
                                " but the request is from " + node_id_hex(*from));
    }
    if (!options.self.is_zero() && m.to != options.self) {
      return error_response(409, Errc::conflict,
                            "message " + std::to_string(i) + " is for node " + node_id_hex(m.to) +
                                "; this is node " + node_id_hex(options.self));
    }
  }
  deliver(std::move(messages).value());
  net::Response response;
  response.status = 204;
  return response;
}

}  // namespace

net::Response handle_raft_post(net::Request& request, const RaftReceiveOptions& options,
                               const DeliverFn& deliver) {
  net::Response response = receive_raft_post(request, options, deliver);
  response.route = "POST " + std::string(kRaftPostTarget);
  return response;
}

}  // namespace dispotify::cluster
