#include "catalog/feature_level.h"

#include <algorithm>
#include <string>

#include "base/check.h"

namespace dispotify::catalog {

int64_t required_level(const Command& command) {
  // Level 2 adds set_cluster_level, which is proposed to move the cluster
  // from level 1 to 2: it needs members at 2, not a committed 2.
  if (std::holds_alternative<SetClusterLevel>(command)) return kFeatureLevelBaseline;
  if (std::holds_alternative<RenameUser>(command)) return 2;
  return kFeatureLevelBaseline;
}

Status check_proposable(const Command& command, int64_t committed_level) {
  DISPOTIFY_CHECK(committed_level >= kFeatureLevelBaseline);
  const int64_t needed = required_level(command);
  if (needed <= committed_level) return ok_status();
  return make_error(Errc::unavailable, command_type(command) + " needs cluster level " +
                                           std::to_string(needed) + ", the cluster is at " +
                                           std::to_string(committed_level) +
                                           ": finish upgrading every node first");
}

Status check_appliable(const Command& command) {
  const auto* level = std::get_if<SetClusterLevel>(&command);
  if (level == nullptr || level->level <= kFeatureLevelCurrent) return ok_status();
  return make_error(Errc::conflict, "the cluster is at level " + std::to_string(level->level) +
                                        ", this binary knows up to level " +
                                        std::to_string(kFeatureLevelCurrent) + ": upgrade its binary");
}

std::optional<int64_t> next_cluster_level(int64_t committed_level,
                                          std::span<const std::optional<int64_t>> advertised) {
  DISPOTIFY_CHECK(committed_level >= kFeatureLevelBaseline);
  if (advertised.empty()) return std::nullopt;
  int64_t lowest = kFeatureLevelCurrent;
  for (const std::optional<int64_t>& level : advertised) {
    if (!level) return std::nullopt;  // an unreachable member may be older
    lowest = std::min(lowest, std::max(*level, kFeatureLevelBaseline));
  }
  if (lowest <= committed_level) return std::nullopt;
  return lowest;
}

}  // namespace dispotify::catalog
