// Password hashing with argon2id (libsodium crypto_pwhash_str): the stored
// string carries its own salt and cost parameters.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace dispotify {

[[nodiscard]] Result<std::string> hash_password(std::string_view password);
// Constant-time with respect to the stored hash; false for a malformed hash.
bool verify_password(std::string_view stored_hash, std::string_view password);

}  // namespace dispotify
