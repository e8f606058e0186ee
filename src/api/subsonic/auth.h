// Subsonic authentication, on every call but getOpenSubsonicExtensions:
//
//   u + t + s   t = md5(password + s), against the user's Subsonic password
//               (the catalog keeps argon2 hashes of account passwords, which
//               cannot be checked this way; PUT /api/v1/me/subsonic-password)
//   u + p       p plain or "enc:" + hex; the Subsonic password, or the
//               account password (argon2, remembered for the auth epoch)
//   apiKey      any API or unexpired session token (POST /api/v1/tokens)
//
// apiKey together with u, p or t is error 43; both p and t, too.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/context.h"
#include "api/subsonic/params.h"
#include "api/subsonic/response.h"
#include "catalog/types.h"

namespace dispotify::api::subsonic {

// Remembers account passwords that verified (by user id and SHA-256 of the
// password), so a client that sends p= on every call costs one argon2
// verification, not one per call. Valid for one catalog auth epoch, like
// AuthCache. Thread-safe.
class PasswordCache {
 public:
  static constexpr size_t kEntriesMax = 1024;
  bool contains(const std::string& key, uint64_t epoch);
  void insert(const std::string& key, uint64_t epoch);

 private:
  std::mutex mutex_;
  uint64_t epoch_ = 0;                              // guarded by mutex_
  std::unordered_map<std::string, bool> verified_;  // guarded by mutex_
};

struct AuthOutcome {
  std::optional<catalog::User> user;  // set on success
  Code code = Code::wrong_credentials;
  std::string message;
};

// `client_address` (without port) for the login limiter: wrong passwords
// count against the user and the address, like REST logins; while held up,
// the answer is error 0 with the time to wait (API keys, unguessable, are
// not limited).
AuthOutcome authenticate(ApiContext& ctx, PasswordCache& cache, const Params& params,
                         std::string_view client_address);

// Lower-case hex MD5 (the Subsonic token); exposed for tests.
std::string md5_hex(std::string_view data);
// "enc:6162" -> "ab"; other text unchanged; nullopt for bad hex.
std::optional<std::string> decode_password(std::string_view p);

}  // namespace dispotify::api::subsonic
