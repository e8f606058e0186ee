#include "base/password.h"

#include <sodium.h>

#include "base/check.h"

namespace dispotify {
namespace {

// Interactive limits (64 MiB, 2 passes): a login costs tens of milliseconds,
// an offline guess costs the attacker the same.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::internal, "argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  const std::string hash(stored_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace dispotify
