// Unpredictable identifiers and secrets (libsodium's CSPRNG).
//
// Only the node that builds a command calls these; apply never does, so
// replicas stay deterministic.
#pragma once

#include <cstdint>
#include <string>

namespace dispotify {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(size_t bytes);
// A uniformly random 64-bit number (for jitter and seeds).
uint64_t random_u64();

// A 16-hex-digit identifier for tracks, users, playlists, tokens.
inline std::string random_id() { return random_hex(8); }

}  // namespace dispotify
