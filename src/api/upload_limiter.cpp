#include "api/upload_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "base/check.h"

namespace dispotify::api {

UploadLimiter::Ticket::Ticket(Ticket&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), user_id_(std::move(other.user_id_)) {}

UploadLimiter::Ticket::~Ticket() {
  if (limiter_ != nullptr) limiter_->end(user_id_);
}

void UploadLimiter::set_limits(UploadLimits limits) {
  std::lock_guard lock(mutex_);
  limits_ = limits;
}

UploadLimiter::Ticket UploadLimiter::try_begin(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  Account& account = accounts_[user_id];
  if (limits_.in_flight_per_user_max != 0 && account.in_flight >= limits_.in_flight_per_user_max) {
    return Ticket();
  }
  ++account.in_flight;
  return Ticket(this, user_id);
}

void UploadLimiter::end(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(user_id);
  DISPOTIFY_CHECK_MSG(it != accounts_.end() && it->second.in_flight > 0, "upload ended twice: " + user_id);
  --it->second.in_flight;
  // Without a rate there is nothing to remember between uploads.
  if (it->second.in_flight == 0 && limits_.bytes_per_second_per_user == 0) accounts_.erase(it);
}

// Token bucket kept as a debt: reading adds bytes, time pays them off at
// the rate, and up to one second of bytes may be read ahead of the rate.
int64_t UploadLimiter::take_bytes(const std::string& user_id, uint64_t bytes, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto rate = static_cast<double>(limits_.bytes_per_second_per_user);
  if (rate <= 0) return 0;
  Account& account = accounts_[user_id];
  const double elapsed_s = static_cast<double>(std::max<int64_t>(0, now_ms - account.at_ms)) / 1000.0;
  account.debt_bytes = std::max(0.0, account.debt_bytes - elapsed_s * rate) + static_cast<double>(bytes);
  account.at_ms = std::max(account.at_ms, now_ms);
  const double over_bytes = account.debt_bytes - rate;  // beyond the one-second burst
  if (over_bytes <= 0) return 0;
  return static_cast<int64_t>(std::ceil(over_bytes / rate * 1000.0));
}

size_t UploadLimiter::in_flight(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(user_id);
  return it == accounts_.end() ? 0 : it->second.in_flight;
}

}  // namespace dispotify::api
