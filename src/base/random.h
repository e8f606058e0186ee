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

// A 16-hex-digit identifier for tracks, users, playlists, tokens: random,
// or, inside an IdSeedScope on this thread, derived from the scope's seed
// and a counter.
std::string random_id();

// Makes the ids a request creates repeatable: a client that retries a
// request with the same Idempotency-Key gets commands with the same ids,
// which the catalog then recognizes as the same request. Secrets
// (random_hex) stay random. Thread-local; scopes nest.
class IdSeedScope {
 public:
  explicit IdSeedScope(std::string seed);
  ~IdSeedScope();
  IdSeedScope(const IdSeedScope&) = delete;
  IdSeedScope& operator=(const IdSeedScope&) = delete;

 private:
  friend std::string random_id();
  std::string seed_;
  uint64_t issued_ = 0;
  IdSeedScope* outer_;
};

}  // namespace dispotify
