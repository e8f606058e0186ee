// Rules for usernames, passwords and roles, shared by the API and the CLI's
// first-start admin account.
#pragma once

#include <string_view>

#include "base/result.h"

namespace dispotify::api {

inline constexpr size_t kUsernameBytesMax = 64;
inline constexpr size_t kPasswordBytesMin = 8;
inline constexpr size_t kPasswordBytesMax = 1024;

[[nodiscard]] Status validate_username(std::string_view username);  // [A-Za-z0-9._-], 1..64
[[nodiscard]] Status validate_password(std::string_view password);  // 8..1024 bytes
// "admin", "uploader" or "listener" (api/permissions.h); the old "user" is refused.
[[nodiscard]] Status validate_role(std::string_view role);

}  // namespace dispotify::api
