#include "api/user_validation.h"

#include "api/permissions.h"

namespace dispotify::api {

Status validate_username(std::string_view username) {
  if (username.empty() || username.size() > kUsernameBytesMax) {
    return make_error(Errc::invalid_argument, "username must be 1 to 64 characters");
  }
  for (char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok)
      return make_error(Errc::invalid_argument,
                        "username may contain only letters, digits, '.', '_' and '-'");
  }
  return {};
}

Status validate_password(std::string_view password) {
  if (password.size() < kPasswordBytesMin || password.size() > kPasswordBytesMax) {
    return make_error(Errc::invalid_argument, "password must be 8 to 1024 bytes");
  }
  return {};
}

Status validate_role(std::string_view role) {
  DISPOTIFY_TRY(parse_role(role));
  return {};
}

}  // namespace dispotify::api
