// Slows password guessing (issue 9): failed logins are counted in buckets
// of attempts that refill one attempt at a time, three per failure:
//  - the user from this address: a few attempts (one guesser, one account);
//  - the address: more (one guesser trying many accounts);
//  - the user from anywhere: many more (guessers spread over addresses),
//    large enough that a stranger cannot lock a user out cheaply: while
//    only the first two are empty, the user still logs in from elsewhere.
// While any of them is empty the login is refused (429 with Retry-After)
// before the password is even checked. A success refills the user's
// bucket for that address, so a user who mistyped is not held up.
//
// Pure: the caller passes the time. Per node and in memory: a cluster of N
// nodes lets a guesser try N times as fast, still bounded, and a restart
// forgets the counts. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dispotify::api {

struct LoginLimits {
  int64_t pair_attempts = 5;  // in a row, then one per pair_refill_ms
  int64_t pair_refill_ms = 15'000;
  int64_t address_attempts = 20;
  int64_t address_refill_ms = 3'000;
  int64_t user_attempts = 100;
  int64_t user_refill_ms = 1'000;
  size_t keys_max = 100'000;  // memory bound: the least recently failed keys go first
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LoginLimits limits = {}) : limits_(limits) {}

  // 0 when a login for `user` from `address` may be tried now, else the
  // milliseconds until it may.
  int64_t wait_ms(std::string_view user, std::string_view address, int64_t now_ms);
  void record_failure(std::string_view user, std::string_view address, int64_t now_ms);
  void record_success(std::string_view user, std::string_view address);

  size_t keys() const;

 private:
  struct Bucket {
    int64_t used = 0;  // attempts taken and not refilled, as of `at_ms`
    int64_t at_ms = 0;
  };
  struct Kind {
    int64_t attempts;
    int64_t refill_ms;
  };
  int64_t wait_for(const std::string& key, Kind kind, int64_t now_ms) const;
  void take(const std::string& key, Kind kind, int64_t now_ms);
  static void refill(Bucket& b, Kind kind, int64_t now_ms);
  void evict(int64_t now_ms);

  const LoginLimits limits_;
  mutable std::mutex mutex_;
  // "p:" + user + "@" + address, "a:" + address, "u:" + user
  std::unordered_map<std::string, Bucket> buckets_;
};

// "203.0.113.7:5123" -> "203.0.113.7", "[2001:db8::1]:443" -> "2001:db8::1".
std::string address_without_port(std::string_view remote_address);

}  // namespace dispotify::api
