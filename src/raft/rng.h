// The only randomness the core uses: a small seeded generator (SplitMix64).
//
// The caller chooses the seed (Config::random_seed), so a node's behaviour
// is a function of its inputs and the simulator can replay any run.
#pragma once

#include <cstdint>

#include "base/check.h"

namespace dispotify::raft {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound); the modulo bias is irrelevant for timeouts.
  uint64_t uniform(uint64_t bound) {
    DISPOTIFY_CHECK(bound > 0);
    return next() % bound;
  }

  // True with probability per_million / 1e6.
  bool chance(uint32_t per_million) { return uniform(1'000'000) < per_million; }

 private:
  uint64_t state_;
};

}  // namespace dispotify::raft
