// Raft messages between nodes over HTTP/1.1 on the peer port: the sending
// side (PeerTransport) and the receiving handler (handle_raft_post). The
// body of each POST /peer/v1/raft is one batch (cluster/raft_codec.h,
// docs/formats/raft_messages.md).
//
// Raft tolerates lost, duplicated and reordered messages (§5.3: the leader
// retries AppendEntries; elections time out and restart), so the transport
// never blocks the Raft thread to deliver: a queue that is full drops its
// oldest message, and a batch that cannot be delivered is dropped. What it
// does guarantee is order per destination, since one thread sends a peer's
// queue in FIFO order over one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "net/http.h"
#include "net/tls.h"
#include "raft/message.h"

namespace dispotify::cluster {

inline constexpr std::string_view kRaftPostTarget = "/peer/v1/raft";
inline constexpr std::string_view kFromHeader = "X-Dispotify-From";        // sender's node id, 16 hex digits
inline constexpr std::string_view kClusterHeader = "X-Dispotify-Cluster";  // sender's cluster id, if any
// The sender's own peer address, so that a node that does not know it yet
// (a joiner before its catalog has the member list, or after the sender
// moved) can answer.
inline constexpr std::string_view kPeerAddressHeader = "X-Dispotify-Peer-Address";

struct PeerTransportOptions {
  uint64_t connect_timeout_ms = 500;
  uint64_t io_timeout_ms = 2000;
  uint64_t backoff_base_ms = 50;
  uint64_t backoff_cap_ms = 2000;
  size_t queue_messages_max = 4096;  // per peer; beyond: drop oldest (Raft tolerates loss)
  size_t batch_bytes_max = 4 << 20;  // per POST; a larger single message is posted alone
  // Sent as X-Dispotify-Cluster when not empty, so a node of another
  // cluster that took over a peer's address refuses our messages (403).
  std::string cluster_id;
  // Sent as X-Dispotify-Peer-Address when not empty.
  std::string self_address;
  // Seeds the retry jitter (mixed with both node ids, so two nodes never
  // retry in step even with the same seed).
  uint64_t random_seed = 0;
  // Peer TLS (client side); each POST also checks that the server's
  // certificate names the node it is meant for. None = plain HTTP.
  std::shared_ptr<net::TlsSlot> tls;
};

// Where a peer's peer port is ("host:port"); nullopt = unknown. Called on
// the peer's sender thread before every POST, so a peer that moved is found
// at the next batch: must be thread-safe, quick, and must not call into the
// PeerTransport.
using PeerAddressFn = std::function<std::optional<std::string>(raft::NodeId)>;

// Thread-safety: every public method may be called from any thread. send()
// never waits for the network: it only takes two short locks (the peer map,
// then the peer's queue) and may start the peer's thread. Each peer has one
// sender thread that owns its HttpConnection and takes only its peer's lock.
// Lock order: mutex_ before any Peer::mutex.
class PeerTransport {
 public:
  struct PeerStatus {
    raft::NodeId id;
    bool reachable = false;  // the last POST succeeded
    uint64_t last_success_unix_ms = 0;
    uint64_t consecutive_failures = 0;
    uint64_t messages_sent = 0;
    uint64_t messages_dropped = 0;  // queue overflow, failed batches, unknown address
    uint64_t backoff_ms = 0;        // the wait chosen after the last failure; 0 after a success
    size_t queued_messages = 0;
    std::string last_error;  // of the last failed POST, kept after recovery
  };

  PeerTransport(raft::NodeId self, PeerTransportOptions options, PeerAddressFn address_of);
  // Stops every sender thread and waits for them. A thread in the middle of
  // a POST finishes it first, so this takes at most about
  // connect_timeout_ms + io_timeout_ms (HttpConnection cannot be cancelled
  // from another thread); a thread waiting out a backoff stops at once.
  ~PeerTransport();
  PeerTransport(const PeerTransport&) = delete;
  PeerTransport& operator=(const PeerTransport&) = delete;

  // Queues each message for its destination (message.to). Every message
  // must be from this node and to another node (aborts otherwise: a bug in
  // the caller).
  void send(std::vector<raft::Message> messages);
  // One entry per peer messages were sent to (and not forgotten), by id.
  std::vector<PeerStatus> status() const;
  // A removed member: drops its queue and stops its thread without waiting
  // for it (it is joined later, or by the destructor). Sending to it again
  // starts over with a fresh queue.
  void forget(raft::NodeId peer);

 private:
  struct Peer;

  Peer& peer_locked(raft::NodeId id);
  void reap_retired_locked();
  void run_sender(Peer& peer);

  const raft::NodeId self_;
  const PeerTransportOptions options_;
  const PeerAddressFn address_of_;

  mutable std::mutex mutex_;  // guards peers_ and retired_
  std::map<raft::NodeId, std::unique_ptr<Peer>> peers_;
  // Forgotten peers whose thread may still be finishing a POST.
  std::vector<std::unique_ptr<Peer>> retired_;
};

// The receiving side, mounted by the node's peer HTTP server.
struct RaftReceiveOptions {
  // Messages addressed to another node are refused with 409 (the sender's
  // address book is stale); kNoNode skips the check.
  raft::NodeId self;
  // When not empty, requests without this X-Dispotify-Cluster get 403.
  std::string expected_cluster_id;
};

// Called on an HTTP worker thread with the messages of one batch, in order.
// Must not block for long: it only queues them for the Raft thread.
using DeliverFn = std::function<void(std::vector<raft::Message>)>;

// POST /peer/v1/raft: reads the body (at most kRaftBatchBytesMax: 413
// above), decodes it, checks that every message comes from the node named
// by X-Dispotify-From, then calls deliver and answers 204. Errors are
// {"error":{"code","message"}}: 405 for another method, 403 for another
// cluster, 400 for a malformed batch or missing/mismatched sender, 409 for
// messages addressed to another node.
net::Response handle_raft_post(net::Request& request, const RaftReceiveOptions& options,
                               const DeliverFn& deliver);

}  // namespace dispotify::cluster
