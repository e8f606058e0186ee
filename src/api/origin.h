// The Origin (catalog/command.h) of a command a request proposes: who,
// when (this node's clock, read here and never at apply) and from where.
#pragma once

#include <string>

#include "catalog/command.h"
#include "net/http.h"

namespace dispotify::api {

// `actor_id` "" for a caller not signed in (a login). The user agent is
// kept only when `with_user_agent` (logins), cut to its limit.
catalog::Origin origin_of(const net::Request& request, std::string actor_id, bool with_user_agent = false);

// Text a client chose (a user agent, a username that failed to log in) made
// fit for a command: valid UTF-8 without control characters, cut on a
// character boundary to `bytes_max`. A command that does not decode (JSON
// needs valid UTF-8) would stop every node's apply.
std::string client_text(std::string_view raw, size_t bytes_max);
inline constexpr size_t kFailedUsernameBytesMax = 64;

}  // namespace dispotify::api
