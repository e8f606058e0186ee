// Where a new node asks to join: the --join entries expanded, at every
// round of attempts, into each address they resolve to now.
//
// Under an orchestrator one name stands for every member (a Kubernetes
// headless Service, Swarm's tasks.NAME, a Compose network alias), and
// some of those addresses belong to nodes that cannot take a join yet:
// members still starting, other new nodes, this node itself. Each address
// is therefore tried on its own, and the names are resolved again at the
// next round, since members come and go while a cluster forms.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace dispotify::cluster {

// host, port -> every "ip:port" the host resolves to now (net::resolve_all).
using ResolveAllFn = std::function<Result<std::vector<std::string>>(const std::string& host, uint16_t port)>;

// Bounds one round of attempts, whatever the names expand to.
inline constexpr size_t kJoinTargetsMax = 64;

// The addresses to try, in order: each entry of `join` ("host:port")
// replaced by the addresses it resolves to, duplicates removed, every
// address in `self` left out (asking ourselves only wastes an attempt).
// An entry that does not parse or resolve is kept as written, so that the
// attempt's error names it. Pure but for `resolve`.
std::vector<std::string> join_targets(const std::vector<std::string>& join, const std::set<std::string>& self,
                                      const ResolveAllFn& resolve);

// This node's own addresses as a peer would write them: `advertise_peer`
// ("host:port") and each address its host resolves to. Empty when it does
// not parse.
std::set<std::string> self_addresses(const std::string& advertise_peer, const ResolveAllFn& resolve);

}  // namespace dispotify::cluster
