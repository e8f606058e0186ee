// Counts the open connections of each client address, so that one address
// cannot take every connection the server has (ServerOptions::
// connections_per_address_max): beyond its share, its new connections are
// refused while other addresses are still served.
//
// An acquired Slot is held by the connection for its whole life and gives
// its place back when destroyed. Addresses are the IP without the port
// (IPv6 addresses count one by one, not by prefix). Memory is one map entry
// per address with an open connection.
//
// Thread-safe: slots are acquired on the accept loop and released by
// connections ending on any I/O thread. The limiter must outlive its slots.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dispotify::net {

class AddressLimiter {
 public:
  // A connection's place in the count; empty (released) when default-made or moved from.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    bool held() const { return limiter_ != nullptr; }
    void release();

   private:
    friend class AddressLimiter;
    Slot(AddressLimiter* limiter, std::string address) : limiter_(limiter), address_(std::move(address)) {}
    AddressLimiter* limiter_ = nullptr;
    std::string address_;
  };

  // 0 means no limit.
  explicit AddressLimiter(size_t per_address_max) : per_address_max_(per_address_max) {}
  AddressLimiter(const AddressLimiter&) = delete;
  AddressLimiter& operator=(const AddressLimiter&) = delete;

  // A held slot, or an empty one when `address` already has per_address_max.
  Slot try_acquire(const std::string& address);

  size_t connections(const std::string& address) const;
  size_t addresses() const;  // with at least one connection

 private:
  void release(const std::string& address);

  const size_t per_address_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> open_;  // guarded by mutex_; no zero counts
};

}  // namespace dispotify::net
