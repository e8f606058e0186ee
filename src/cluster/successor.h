// Which voter should lead after this leader stops on purpose (SIGTERM of a
// rolling update or a scale-down): handing leadership over first (thesis
// §3.10) spares the cluster an election timeout without a leader, during
// which writes wait.
#pragma once

#include <optional>

#include "cluster/raft_runner.h"

namespace dispotify::cluster {

// On a leader's status: the other voter that is most up to date (highest
// match_index) among those recently active, lowest id on a tie so that the
// choice is deterministic; nullopt when this node is not the leader or no
// other voter is active. Pure.
std::optional<raft::NodeId> choose_successor(const RaftStatus& status);

}  // namespace dispotify::cluster
