#include "cluster/successor.h"

namespace dispotify::cluster {

std::optional<raft::NodeId> choose_successor(const RaftStatus& status) {
  if (status.role != "leader") return std::nullopt;
  std::optional<PeerView> best;
  for (const PeerView& peer : status.peers) {
    if (!peer.voter || !peer.recent_active || peer.id == status.id) continue;
    const bool better = !best || peer.match_index > best->match_index ||
                        (peer.match_index == best->match_index && peer.id.value() < best->id.value());
    if (better) best = peer;
  }
  if (!best) return std::nullopt;
  return best->id;
}

}  // namespace dispotify::cluster
