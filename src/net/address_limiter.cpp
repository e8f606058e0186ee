#include "net/address_limiter.h"

#include <utility>

#include "base/check.h"

namespace dispotify::net {

AddressLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), address_(std::move(other.address_)) {}

AddressLimiter::Slot& AddressLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    address_ = std::move(other.address_);
  }
  return *this;
}

void AddressLimiter::Slot::release() {
  if (limiter_ == nullptr) return;
  std::exchange(limiter_, nullptr)->release(address_);
}

AddressLimiter::Slot AddressLimiter::try_acquire(const std::string& address) {
  std::lock_guard lock(mutex_);
  size_t& count = open_[address];
  if (per_address_max_ != 0 && count >= per_address_max_) return Slot();
  ++count;
  return Slot(this, address);
}

void AddressLimiter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(address);
  DISPOTIFY_CHECK_MSG(it != open_.end() && it->second > 0, "released a slot never acquired: " + address);
  if (--it->second == 0) open_.erase(it);
}

size_t AddressLimiter::connections(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

size_t AddressLimiter::addresses() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace dispotify::net
