// Exponential backoff with full jitter, after "Exponential Backoff And
// Jitter" (AWS Architecture Blog, 2015): after the n-th consecutive failure
// the caller waits a uniformly random time in [0, min(cap, base * 2^n)].
// Full jitter spreads the retries of many clients that failed together (a
// node restarting, a partition healing) instead of having them reconnect in
// lockstep.
//
// Pure: no clock and no hidden randomness. The caller passes a uniformly
// distributed 64-bit value for each delay, e.g. from its own seeded
// std::mt19937_64, so tests choose the exact delays.
//
// Thread-safety: none; one Backoff per retrying loop.
#pragma once

#include <cstdint>

namespace dispotify::cluster {

class Backoff {
 public:
  // base_ms is the ceiling after the first failure; cap_ms bounds every
  // delay. Requires base_ms <= cap_ms.
  Backoff(uint64_t base_ms, uint64_t cap_ms);

  // The delay before the next attempt, uniform in [0, ceiling_ms()] as drawn
  // from `random`; then counts one more failure.
  uint64_t next_delay_ms(uint64_t random);
  // The largest delay next_delay_ms() can return next: min(cap, base * 2^failures).
  uint64_t ceiling_ms() const;
  // Consecutive failures since construction or the last reset().
  uint64_t failures() const { return failures_; }
  // After a success: the next failure waits at most base_ms again.
  void reset() { failures_ = 0; }

 private:
  uint64_t base_ms_;
  uint64_t cap_ms_;
  uint64_t failures_ = 0;
};

}  // namespace dispotify::cluster
