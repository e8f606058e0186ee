// When a member counts as full (--min-free-disk, issue 5): it says so
// through the log once its free space drops below the reserve, and takes it
// back only once it has a margin above it, so a disk hovering at the line
// does not flip the placement of new copies every second.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace dispotify::storage {

inline constexpr uint64_t kFullHysteresisMinBytes = 16ULL << 20;

// Room above the reserve a full member needs before it takes copies again.
inline uint64_t full_hysteresis_bytes(uint64_t min_free_bytes) {
  return std::max(min_free_bytes / 8, kFullHysteresisMinBytes);
}

// The state to announce, or nullopt when the committed one still holds.
// A reserve of 0 means never full.
inline std::optional<bool> next_full_state(uint64_t free_bytes, uint64_t min_free_bytes,
                                           bool committed_full) {
  bool full = committed_full;
  if (min_free_bytes == 0) {
    full = false;
  } else if (!committed_full) {
    full = free_bytes < min_free_bytes;
  } else {
    full = free_bytes < min_free_bytes + full_hysteresis_bytes(min_free_bytes);
  }
  if (full == committed_full) return std::nullopt;
  return full;
}

}  // namespace dispotify::storage
