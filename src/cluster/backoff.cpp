#include "cluster/backoff.h"

#include <limits>
#include <string>

#include "base/check.h"

namespace dispotify::cluster {

Backoff::Backoff(uint64_t base_ms, uint64_t cap_ms) : base_ms_(base_ms), cap_ms_(cap_ms) {
  DISPOTIFY_CHECK_MSG(base_ms <= cap_ms, "backoff base " + std::to_string(base_ms) + " ms is above its cap " +
                                             std::to_string(cap_ms) + " ms");
}

uint64_t Backoff::ceiling_ms() const {
  // base * 2^failures without overflow: once the doubling would pass the
  // cap (or shift out of 64 bits) the cap is the answer.
  constexpr uint64_t kShiftMax = 63;
  const uint64_t shift = failures_ < kShiftMax ? failures_ : kShiftMax;
  if (base_ms_ == 0) return 0;
  if (base_ms_ > (cap_ms_ >> shift)) return cap_ms_;
  return base_ms_ << shift;
}

uint64_t Backoff::next_delay_ms(uint64_t random) {
  const uint64_t ceiling = ceiling_ms();
  if (failures_ < std::numeric_limits<uint64_t>::max()) ++failures_;
  if (ceiling == std::numeric_limits<uint64_t>::max()) return random;
  // The modulo bias is below ceiling / 2^64: irrelevant for delays.
  return random % (ceiling + 1);
}

}  // namespace dispotify::cluster
