// The node-to-node HTTP routes on the peer port (docs/API.md, "Peer port"):
//   POST /peer/v1/raft       Raft messages (docs/formats/raft_messages.md)
//   POST /peer/v1/propose    a catalog entry forwarded to the leader
//   POST /peer/v1/propose-batch  many, answered each (propose_batch.h)
//   POST /peer/v1/join       a joining node's proven ask (join_messages.h); no certificate needed
//   POST /peer/v1/admit      a member asks the leader to record a member (join_messages.h)
//   GET  /peer/v1/hello      {"cluster": bool}; no certificate needed
//   POST /peer/v1/remove     body: node id   (forwarded cluster remove)
//   POST /peer/v1/transfer   body: node id   (forwarded transfer-leader)
//   GET  /peer/v1/status     this node's Raft status as JSON
//   /peer/v1/blobs...        blob transfer (storage/blob_transfer.h)
#pragma once

#include <functional>
#include <optional>

#include "cluster/address_book.h"
#include "cluster/cluster_service.h"
#include "cluster/peer_gate.h"
#include "net/http.h"

namespace dispotify::cluster {

// Routes of other subsystems on the peer port: an answer, or nullopt when
// the request is not theirs.
using MorePeerRoutes = std::function<std::optional<net::Response>(net::Request&)>;

// Addresses that senders announce are recorded in `addresses`; requests for
// no route of ours go to `more` (if set). With peer TLS, `certificates` is set
// and every request passes the gate first (peer_gate.h); nullptr = plain
// HTTP, no gate.
net::Handler make_peer_handler(ClusterService& service, AddressBook& addresses,
                               RecordedCertificates* certificates, MorePeerRoutes more = {});

// Forwarded writes waiting for their commit on this node (the leader);
// beyond it they get 503 and the forwarding node retries.
inline constexpr int kForwardedWritesInFlightMax = 48;

}  // namespace dispotify::cluster
