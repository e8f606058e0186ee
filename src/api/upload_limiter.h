// Bounds what one account can make a node do with uploads (issue 9, item 5):
//  - uploads in flight per user: each holds a worker thread, a temporary
//    blob file and disk bandwidth until it is committed, so one account
//    cannot take them all; beyond the maximum the upload is refused at once
//    (429 with Retry-After) before its body is read;
//  - upload bytes per second per user (optional): a token bucket holding
//    one second of bytes; a reader past it is made to wait, so the
//    account's uploads share that rate however many connections it opens.
//
// Per node and in memory, like LoginLimiter: a restart forgets, and a
// cluster of N nodes lets an account run N times as many uploads. Entries
// are per account (bounded by the catalog's users, and only those who
// upload). Pure: the caller passes the time. Thread-safe; the limiter must
// outlive its tickets.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dispotify::api {

struct UploadLimits {
  size_t in_flight_per_user_max = 16;      // `dispotify import` runs 16 at a time by default; 0: no limit
  uint64_t bytes_per_second_per_user = 0;  // 0: no limit
};

class UploadLimiter {
 public:
  // One upload's place among its account's uploads in flight.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) = delete;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();
    bool held() const { return limiter_ != nullptr; }

   private:
    friend class UploadLimiter;
    Ticket(UploadLimiter* limiter, std::string user_id) : limiter_(limiter), user_id_(std::move(user_id)) {}
    UploadLimiter* limiter_ = nullptr;
    std::string user_id_;
  };

  explicit UploadLimiter(UploadLimits limits = {}) : limits_(limits) {}
  UploadLimiter(const UploadLimiter&) = delete;
  UploadLimiter& operator=(const UploadLimiter&) = delete;

  // Before serving; not while uploads run.
  void set_limits(UploadLimits limits);
  const UploadLimits& limits() const { return limits_; }

  // A held ticket, or an empty one when the user has the maximum in flight.
  Ticket try_begin(const std::string& user_id);
  // Records `bytes` read for the user; returns how many ms the reader
  // should wait before reading more (0 without a rate limit).
  int64_t take_bytes(const std::string& user_id, uint64_t bytes, int64_t now_ms);

  size_t in_flight(const std::string& user_id) const;

 private:
  struct Account {
    size_t in_flight = 0;
    double debt_bytes = 0;  // bytes read beyond the refilled allowance, as of at_ms
    int64_t at_ms = 0;
  };
  void end(const std::string& user_id);

  UploadLimits limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Account> accounts_;  // guarded by mutex_
};

}  // namespace dispotify::api
