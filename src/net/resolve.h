// Name resolution for addresses that stand for several machines: a DNS
// name of an orchestrator's service (a Kubernetes headless Service,
// Swarm's tasks.NAME, a Compose network alias) resolves to one address per
// member. Connecting to such a name tries the addresses in turn under one
// timeout, so a dead first address hides the live ones; callers that must
// reach any member resolve first and try each address on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dispotify::net {

// Bounds what one name can expand to (a cluster is far smaller).
inline constexpr size_t kResolvedAddressesMax = 64;

// Every address `host` resolves to now, as "ip:port" ("[v6]:port"), in the
// resolver's order, without duplicates, at most kResolvedAddressesMax. A
// literal IP gives itself. Blocking (getaddrinfo, no cache of ours, so a
// changed /etc/hosts or DNS record is seen at the next call).
// Errc::unavailable when the name does not resolve.
[[nodiscard]] Result<std::vector<std::string>> resolve_all(const std::string& host, uint16_t port);

// "ip:port", with brackets around an IPv6 address.
std::string join_host_port(std::string_view ip, uint16_t port);

}  // namespace dispotify::net
