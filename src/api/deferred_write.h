// A write route's one command, answered without holding a thread while it
// commits. On the Raft leader the command goes to the runner and `reply`
// runs on the connection's I/O thread once it is applied here
// (net/deferred_response.h); such a route can then run on the I/O thread
// from start to end (Router::run_inline), with no worker thread involved.
// Elsewhere (a follower forwards to the leader, which blocks) the handler
// runs on a worker as any other, or the forwarding is finished on one.
#pragma once

#include <functional>

#include "catalog/command.h"
#include "catalog/proposer.h"
#include "net/http.h"

namespace dispotify::api {

// Proposes `command`; the answer is apply's error, or what `reply` returns
// (called after the command is applied here; it may read the catalog but
// must not block).
net::Response propose_then(catalog::Proposer& proposer, const catalog::Command& command,
                           std::function<net::Response()> reply);

}  // namespace dispotify::api
