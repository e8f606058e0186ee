#include "cluster/join_targets.h"

#include <algorithm>

#include "net/peer_address.h"

namespace dispotify::cluster {
namespace {

void add_unique(std::vector<std::string>& out, const std::string& address,
                const std::set<std::string>& self) {
  if (self.contains(address) || out.size() >= kJoinTargetsMax) return;
  if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
}

}  // namespace

std::vector<std::string> join_targets(const std::vector<std::string>& join, const std::set<std::string>& self,
                                      const ResolveAllFn& resolve) {
  std::vector<std::string> out;
  for (const std::string& entry : join) {
    auto parsed = net::parse_peer_address(entry);
    if (!parsed.ok()) {
      add_unique(out, entry, self);
      continue;
    }
    auto resolved = resolve(parsed->host, parsed->port);
    if (!resolved.ok() || resolved->empty()) {
      add_unique(out, entry, self);
      continue;
    }
    for (const std::string& address : *resolved) add_unique(out, address, self);
  }
  return out;
}

std::set<std::string> self_addresses(const std::string& advertise_peer, const ResolveAllFn& resolve) {
  auto parsed = net::parse_peer_address(advertise_peer);
  if (!parsed.ok()) return {};
  std::set<std::string> self{advertise_peer};
  auto resolved = resolve(parsed->host, parsed->port);
  if (resolved.ok()) self.insert(resolved->begin(), resolved->end());
  return self;
}

}  // namespace dispotify::cluster
