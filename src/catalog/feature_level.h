// Feature levels: which command formats a cluster may put in its log.
//
// A binary knows every command up to kFeatureLevelCurrent. The cluster's
// level is committed in the log (SetClusterLevel), so every node sees it at
// the same index: proposers emit only what the committed level allows, and
// the leader raises the level once every member advertises it (the minimum
// over the members, as etcd's cluster version). A member that advertises
// nothing (a binary from before levels) is at kFeatureLevelBaseline, which
// is exactly what those binaries know, so it is never sent a command it
// cannot decode. A node that meets a committed level above its own stops
// rather than misapply (docs/DEPLOY.md, "Upgrades").
//
// Pure: no I/O, no clock; the raising loop and the gates call in here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"
#include "catalog/command.h"

namespace dispotify::catalog {

// Level 1: every command of schema v11 (binaries before levels existed).
inline constexpr int64_t kFeatureLevelBaseline = 1;
// Level 2: set_cluster_level itself, and rename_user.
inline constexpr int64_t kFeatureLevelCurrent = 2;

// The lowest committed level at which `command` may be proposed.
// SetClusterLevel is special: it is what raises the level, so it is allowed
// (by the leader's computation, next_cluster_level) one level early.
int64_t required_level(const Command& command);

// Errc::unavailable naming the command and both levels when the committed
// level is below what the command needs (HTTP 503: retry once the rolling
// upgrade is over).
[[nodiscard]] Status check_proposable(const Command& command, int64_t committed_level);

// Errc::conflict when applying `command` needs a binary newer than this one
// (a SetClusterLevel above kFeatureLevelCurrent): the node must stop.
[[nodiscard]] Status check_appliable(const Command& command);

// The level the leader should commit next, given the committed level and
// what each member advertises (nullopt: the member did not answer). Nothing
// while a member is unknown, while the minimum is not above the committed
// level, or with no members; never above kFeatureLevelCurrent (the leader
// cannot vouch for more than it knows itself).
std::optional<int64_t> next_cluster_level(int64_t committed_level,
                                          std::span<const std::optional<int64_t>> advertised);

}  // namespace dispotify::catalog
