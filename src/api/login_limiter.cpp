#include "api/login_limiter.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace dispotify::api {
namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string user_key(std::string_view user) { return "u:" + lower(user); }
std::string pair_key(std::string_view user, std::string_view address) {
  return "p:" + lower(user) + "@" + std::string(address);
}

std::string address_key(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

void LoginLimiter::refill(Bucket& b, Kind kind, int64_t now_ms) {
  if (now_ms <= b.at_ms) return;
  const int64_t refilled = (now_ms - b.at_ms) / kind.refill_ms;
  if (refilled >= b.used) {
    b.used = 0;
    b.at_ms = now_ms;
  } else {
    b.used -= refilled;
    b.at_ms += refilled * kind.refill_ms;  // keep the part of a refill already under way
  }
}

int64_t LoginLimiter::wait_for(const std::string& key, Kind kind, int64_t now_ms) const {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  Bucket b = it->second;
  refill(b, kind, now_ms);
  if (b.used < kind.attempts) return 0;
  return b.at_ms + kind.refill_ms - now_ms;
}

void LoginLimiter::take(const std::string& key, Kind kind, int64_t now_ms) {
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{0, now_ms});
  refill(it->second, kind, now_ms);
  it->second.used = std::min(it->second.used + 1, kind.attempts);
}

int64_t LoginLimiter::wait_ms(std::string_view user, std::string_view address, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  return std::max(
      {wait_for(pair_key(user, address), {limits_.pair_attempts, limits_.pair_refill_ms}, now_ms),
       wait_for(address_key(address), {limits_.address_attempts, limits_.address_refill_ms}, now_ms),
       wait_for(user_key(user), {limits_.user_attempts, limits_.user_refill_ms}, now_ms)});
}

void LoginLimiter::record_failure(std::string_view user, std::string_view address, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() + 3 > limits_.keys_max) evict(now_ms);
  take(pair_key(user, address), {limits_.pair_attempts, limits_.pair_refill_ms}, now_ms);
  take(address_key(address), {limits_.address_attempts, limits_.address_refill_ms}, now_ms);
  take(user_key(user), {limits_.user_attempts, limits_.user_refill_ms}, now_ms);
}

void LoginLimiter::record_success(std::string_view user, std::string_view address) {
  std::lock_guard lock(mutex_);
  buckets_.erase(pair_key(user, address));
}

size_t LoginLimiter::keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

// Drops the buckets that refilled completely; if that is not enough (a
// flood of distinct names or addresses), the half least recently touched.
void LoginLimiter::evict(int64_t now_ms) {
  const int64_t slowest = std::max({limits_.pair_attempts * limits_.pair_refill_ms,
                                    limits_.address_attempts * limits_.address_refill_ms,
                                    limits_.user_attempts * limits_.user_refill_ms});
  std::erase_if(buckets_, [&](const auto& entry) { return now_ms - entry.second.at_ms >= slowest; });
  if (buckets_.size() + 3 <= limits_.keys_max) return;
  std::vector<int64_t> times;
  times.reserve(buckets_.size());
  for (const auto& [key, b] : buckets_) times.push_back(b.at_ms);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const int64_t cutoff = *middle;
  std::erase_if(buckets_, [&](const auto& entry) { return entry.second.at_ms <= cutoff; });
}

std::string address_without_port(std::string_view remote_address) {
  if (remote_address.starts_with('[')) {
    const size_t close = remote_address.find(']');
    if (close != std::string_view::npos) return std::string(remote_address.substr(1, close - 1));
  }
  const size_t colon = remote_address.rfind(':');
  if (colon != std::string_view::npos && remote_address.find(':') == colon) {
    return std::string(remote_address.substr(0, colon));
  }
  return std::string(remote_address);
}

}  // namespace dispotify::api
